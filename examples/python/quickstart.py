#!/usr/bin/env python3
"""graphbit quickstart: one completion, then a small agent workflow end to end.

Reads the provider from the environment: OPENAI_API_KEY (and optionally
OPENAI_BASE_URL for any OpenAI-compatible server, GRAPHBIT_MODEL for the
model). `scripts/run-main.sh` points these at graphbit's local mock provider
when no key is configured.
"""

import asyncio
import os

import graphbit


def build_workflow() -> graphbit.Workflow:
    """plan → (pros, cons at once) → decide → tidy."""
    workflow = graphbit.Workflow("quickstart")
    workflow.add_node(graphbit.Node.agent("plan", "In one sentence, what matters when choosing {choice}?"))
    workflow.add_node(graphbit.Node.agent("pros", "List two advantages, briefly.", max_tokens=120))
    workflow.add_node(graphbit.Node.agent("cons", "List two drawbacks, briefly.", max_tokens=120))
    workflow.add_node(graphbit.Node.agent("decide", "Weigh the pros and cons and recommend, in two sentences."))
    workflow.add_node(graphbit.Node.transform("tidy", "trim"))
    workflow.connect("plan", "pros")
    workflow.connect("plan", "cons")
    workflow.connect("pros", "decide")
    workflow.connect("cons", "decide")
    workflow.connect("decide", "tidy")
    workflow.validate()
    return workflow


def main() -> None:
    graphbit.init(log_level="warn")
    config = graphbit.LlmConfig.openai(model=os.environ.get("GRAPHBIT_MODEL") or None)
    print(f"graphbit {graphbit.version()} -> {config.provider()} {config.model()} at {config.base_url()}")

    client = graphbit.LlmClient(config)
    print(f"complete(): {client.complete('Say hello to graphbit in five words.', max_tokens=50)}")

    executor = graphbit.Executor(config)
    workflow = build_workflow()
    result = executor.execute(workflow, inputs={"choice": "a GObject library for LLM workflows"})
    result.check()  # raises the first failed node's error, if any
    for name, node in result.node_results().items():
        print(f"  {name:>6}: {node['status']:<9} {node['duration_ms']:6.1f} ms")
    print(f"recommendation: {' '.join(result.get_node_output('tidy').split())[:300]}")

    async def again() -> graphbit.WorkflowResult:
        return await executor.run_async(workflow, {"choice": "asyncio or threads"})

    print(f"run_async(): {asyncio.run(again()).state()}")
    stats = executor.get_stats()
    print(
        f"workflows: {stats['successful_executions']}/{stats['total_executions']} ok, "
        f"average {stats['average_duration_ms']:.1f} ms; healthy: {graphbit.health_check()['overall_healthy']}"
    )
    graphbit.shutdown()


if __name__ == "__main__":
    main()
