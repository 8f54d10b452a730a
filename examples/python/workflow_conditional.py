#!/usr/bin/env python3
"""A conditional branch: classify a ticket, then escalate or answer.

    python3 workflow_conditional.py [openai|anthropic|ollama]

The condition reads an execution input (`priority`); it could also read
node outputs (`node.classify contains 'bug'`). The edge whose value it
matches is taken and the other branch is skipped. Both branches join again in a local template transform.
"""

import graphbit
from _provider import config_from_argv


def build() -> graphbit.Workflow:
    workflow = graphbit.Workflow("support")
    workflow.add_node(graphbit.Node.agent("classify", "In one word, is this ticket a bug or a question? {ticket}"))
    workflow.add_node(graphbit.Node.condition("route", "priority >= 3"))
    workflow.add_node(graphbit.Node.agent("escalate", "Write a short escalation note for the on-call engineer."))
    workflow.add_node(graphbit.Node.agent("answer", "Write a short, friendly answer to the customer."))
    workflow.add_node(graphbit.Node.transform("reply", "template:[{{node.route}}] {input}"))
    workflow.connect("classify", "route")
    workflow.connect("route", "escalate", condition=True)
    workflow.connect("route", "answer", condition=False)
    workflow.connect("escalate", "reply")
    workflow.connect("answer", "reply")
    return workflow


def main() -> None:
    executor = graphbit.Executor.new_low_latency(config_from_argv())
    workflow = build()
    for priority in (1, 5):
        result = executor.execute(workflow, {"ticket": "The app crashes on start.", "priority": priority})
        result.check()
        taken = "escalate" if result.node_status("escalate") == "completed" else "answer"
        reply = " ".join(result.get_node_output("reply").split())
        print(f"priority {priority}: took '{taken}', skipped the other -> {reply[:80]}")
    graphbit.shutdown()


if __name__ == "__main__":
    main()
