#!/usr/bin/env python3
"""Fan-out / fan-in: one question, several reviewers at once, one verdict.

    python3 workflow_fan_out.py [openai|anthropic|ollama]

The reviewers have no edges between them, so they run concurrently; the
verdict waits for all of them and sees every review as context. Runs with
asyncio to show `run_async`.
"""

import asyncio

import graphbit
from _provider import config_from_argv

REVIEWERS = ["security", "performance", "readability"]


async def main() -> None:
    workflow = graphbit.Workflow("review")
    workflow.add_node(graphbit.Node.agent("change", "Describe this change in one line: {change}"))
    for aspect in REVIEWERS:
        workflow.add_node(
            graphbit.Node.agent(aspect, f"Review the change for {aspect} in two sentences.", max_tokens=150)
        )
        workflow.connect("change", aspect)
    workflow.add_node(graphbit.Node.agent("verdict", "Given the reviews, approve or reject, with one reason."))
    for aspect in REVIEWERS:
        workflow.connect(aspect, "verdict")

    executor = graphbit.Executor.new_high_throughput(config_from_argv(), timeout_seconds=120)
    result = await executor.run_async(workflow, {"change": "cache parsed configs per thread"})
    result.check()

    nodes = result.node_results()
    overlap = max(nodes[a]["started_ms"] for a in REVIEWERS) < min(
        nodes[a]["started_ms"] + nodes[a]["duration_ms"] for a in REVIEWERS
    )
    print(f"reviewers ran concurrently: {overlap}")
    verdict = " ".join(result.get_node_output("verdict").split())
    print(f"verdict: {verdict[:200]}")
    print(f"total {result.execution_time_ms():.0f} ms; stats: {executor.get_stats()['successful_executions']} ok")
    graphbit.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
