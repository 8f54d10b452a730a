#!/usr/bin/env python3
"""A sequential chain: research -> draft -> polish, each step reading the one before.

    python3 workflow_chain.py [openai|anthropic|ollama]

Each agent sees its parent's output as context; `{topic}` comes from the
execution inputs. The final transform runs locally (no LLM call).
"""

import graphbit
from _provider import config_from_argv


def main() -> None:
    workflow = graphbit.Workflow("article")
    workflow.add_node(graphbit.Node.agent("research", "List three facts about {topic}.", max_tokens=200))
    workflow.add_node(graphbit.Node.agent("draft", "Write one paragraph from these facts.", max_tokens=300))
    workflow.add_node(graphbit.Node.transform("polish", "trim"))
    workflow.connect("research", "draft")
    workflow.connect("draft", "polish")
    workflow.validate()

    executor = graphbit.Executor(config_from_argv())
    result = executor.execute(workflow, inputs={"topic": "the GLib main loop"})
    result.check()  # raises the failing node's error, if any

    for name, node in result.node_results().items():
        print(f"{name:>8}: {node['status']} in {node['duration_ms']:.0f} ms")
    print(f"\n{result.get_node_output('polish')}\n")
    print(f"{result.execution_time_ms():.0f} ms, {result.prompt_tokens()} prompt tokens")
    graphbit.shutdown()


if __name__ == "__main__":
    main()
