"""Workflows end to end against the mock provider: the seed's executor
snippets as written, data flowing between nodes, concurrency, conditions,
failures, timeouts, cancellation and statistics.

The mock answers "Mock reply to: <the last user message>", so every output
shows what its node was asked, including what flowed into it."""

import asyncio
import json
import threading

import pytest

import graphbit
import seed


@pytest.fixture
def llm_config(mock):
    return graphbit.LlmConfig.openai(api_key="sk-test-secret", base_url=mock.openai_base)


def chain(name="chain"):
    workflow = graphbit.Workflow(name)
    workflow.add_node(graphbit.Node.agent("research", "Research {topic}"))
    workflow.add_node(graphbit.Node.agent("summarize", "Summarize it"))
    workflow.add_node(graphbit.Node.transform("shout", "uppercase"))
    workflow.connect("research", "summarize")
    workflow.connect("summarize", "shout")
    return workflow


def test_seed_executor_configuration(llm_config):
    (code,) = seed.snippets("Executor Configuration")
    ns = seed.run(code, {"graphbit": graphbit, "llm_config": llm_config})
    # The snippet ends with the memory-optimized executor.
    executor = ns["executor"]
    assert executor.get_execution_mode() == "MemoryOptimized"
    assert executor.get_stats()["timeout_seconds"] == 180
    assert executor.get_stats()["node_concurrency"] == 2


def test_seed_workflow_execution(llm_config, capsys):
    (code,) = seed.snippets("Workflow Execution", under="Execution Modes")
    executor = graphbit.Executor(llm_config)
    ns = seed.run(code, {"graphbit": graphbit, "executor": executor, "workflow": chain()})
    assert ns["result"].is_success()
    out = capsys.readouterr().out
    assert "Total executions: 2" in out
    assert "Success rate: 1.0" in out
    assert "Average duration: " in out


def test_outputs_flow_between_nodes(llm_config):
    executor = graphbit.Executor(llm_config)
    result = executor.execute(chain(), inputs={"topic": "GLib"})
    assert result.is_success(), result.error()
    assert result.state() == "Completed"
    assert result.get_node_output("research") == "Mock reply to: Research GLib"
    summary = result.get_node_output("summarize")
    assert "[research]\nMock reply to: Research GLib" in summary
    assert summary.endswith("Summarize it")
    assert result.get_node_output("shout") == summary.upper()
    outputs = result.get_all_node_outputs()
    assert set(outputs) == {"research", "summarize", "shout"}
    # v0.1 code reads node_result_N, in finishing order.
    assert result.get_variable("node_result_1") == outputs["research"]
    assert result.get_variable("node_result_3") == outputs["shout"]
    assert result.get_all_variables()["topic"] == "GLib"
    assert ("summarize", summary) in result.variables()
    nodes = result.node_results()
    assert nodes["research"]["status"] == "completed"
    assert nodes["research"]["prompt_tokens"] > 0
    assert result.prompt_tokens() >= nodes["research"]["prompt_tokens"]
    assert result.execution_time_ms() > 0


def test_references_inputs_and_json_paths(llm_config):
    workflow = graphbit.Workflow("references")
    classify = workflow.add_node(graphbit.Node.agent("classify", 'mock:content={"label":"urgent"}'))
    workflow.add_node(graphbit.Node.agent("explicit", "Label={{node.classify.label}} n={count}"))
    workflow.connect(classify, "explicit")  # by id, then by name
    result = graphbit.Executor(llm_config).execute(workflow, inputs={"count": 3})
    assert result.get_node_output("explicit") == "Mock reply to: Label=urgent n=3"


def test_fan_out_fan_in_runs_concurrently(llm_config):
    workflow = graphbit.Workflow("fan")
    workflow.add_node(graphbit.Node.agent("root", "start mock:delay_ms=200"))
    workflow.add_node(graphbit.Node.agent("join", "join mock:delay_ms=200"))
    for i in range(20):
        workflow.add_node(graphbit.Node.agent(f"worker{i}", f"part {i} mock:delay_ms=200"))
        workflow.connect("root", f"worker{i}")
        workflow.connect(f"worker{i}", "join")
    result = graphbit.Executor.new_high_throughput(llm_config).execute(workflow)
    assert result.is_success(), result.error()
    nodes = result.node_results()
    workers = [nodes[f"worker{i}"] for i in range(20)]
    # All twenty started after the root finished and before any of them ended.
    root_end = nodes["root"]["started_ms"] + nodes["root"]["duration_ms"]
    assert min(w["started_ms"] for w in workers) >= root_end
    assert max(w["started_ms"] for w in workers) < min(w["started_ms"] + w["duration_ms"] for w in workers)
    assert nodes["join"]["started_ms"] >= max(w["started_ms"] + w["duration_ms"] for w in workers)
    join = result.get_node_output("join")
    assert all(f"[worker{i}]" in join for i in range(20))


def test_condition_picks_a_branch(llm_config):
    for score, taken, skipped in ((0.9, "escalate", "archive"), (0.1, "archive", "escalate")):
        workflow = graphbit.Workflow("triage")
        workflow.add_node(graphbit.Node.agent("classify", 'mock:content={"label":"urgent"} classify'))
        workflow.add_node(graphbit.Node.condition("route", "score > 0.5 and node.classify.label == 'urgent'"))
        workflow.add_node(graphbit.Node.agent("escalate", "escalate"))
        workflow.add_node(graphbit.Node.agent("archive", "archive"))
        workflow.connect("classify", "route")
        workflow.connect("route", "escalate", condition=True)
        workflow.connect("route", "archive", condition=False)
        result = graphbit.Executor(llm_config).execute(workflow, {"score": score})
        assert result.is_success()
        assert result.node_status(taken) == "completed"
        assert result.node_status(skipped) == "skipped"
        assert result.get_node_output(skipped) is None


def test_failed_node_is_kept_and_dependents_skipped(llm_config, mock):
    workflow = graphbit.Workflow("partial")
    workflow.add_node(graphbit.Node.agent("bad", "mock:status=401 refused"))
    workflow.add_node(graphbit.Node.agent("after_bad", "never"))
    workflow.add_node(graphbit.Node.agent("good", "independent"))
    workflow.connect("bad", "after_bad")
    executor = graphbit.Executor(llm_config)
    result = executor.execute(workflow)  # a node failure does not raise
    assert result.is_failed() and not result.is_success()
    assert result.state() == "Failed"
    assert result.error().startswith("Node 'bad' failed: ")
    assert result.node_status("bad") == "failed"
    assert result.node_error("bad")
    assert result.node_status("after_bad") == "skipped"
    assert result.get_node_output("good") == "Mock reply to: independent"
    with pytest.raises(graphbit.AuthenticationError) as info:
        result.check()
    assert isinstance(info.value, PermissionError)
    assert info.value.status_code == 401
    assert "sk-test-secret" not in str(info.value)
    stats = executor.get_stats()
    assert (stats["total_executions"], stats["failed_executions"], stats["successful_executions"]) == (1, 1, 0)


def test_cycle_is_rejected_naming_the_nodes(llm_config, mock):
    workflow = graphbit.Workflow("loop")
    for name in ("a", "b", "c"):
        workflow.add_node(graphbit.Node.agent(name, f"step {name}"))
    workflow.connect("a", "b")
    workflow.connect("b", "c")
    workflow.connect("c", "a")
    with pytest.raises(graphbit.ValidationError) as info:
        workflow.validate()
    assert isinstance(info.value, ValueError)
    assert "contains cycles" in str(info.value)
    assert "a → b → c → a" in str(info.value)
    requests = mock.stats()["requests"]
    executor = graphbit.Executor(llm_config)
    with pytest.raises(ValueError, match="a → b → c → a"):
        executor.execute(workflow)
    assert mock.stats()["requests"] == requests
    assert executor.get_stats()["failed_executions"] == 1


def test_graph_errors_are_specific():
    workflow = graphbit.Workflow("checks")
    workflow.add_node(graphbit.Node.agent("a", "x"))
    with pytest.raises(ValueError, match="already has a node"):
        workflow.add_node(graphbit.Node.agent("a", "y"))
    with pytest.raises(ValueError, match="no node named or identified 'nope'"):
        workflow.connect("a", "nope")
    with pytest.raises(ValueError, match="empty"):
        graphbit.Workflow("empty").validate()
    with pytest.raises(ValueError, match="prompt"):
        graphbit.Node.agent("blank", "  ")
    with pytest.raises(ValueError):
        graphbit.Node.transform("t", "reverse")
    with pytest.raises(ValueError):
        graphbit.Node.condition("c", "score >")
    with pytest.raises(ValueError):
        graphbit.Node.delay("d", -1)
    with pytest.raises(ValueError):
        graphbit.Node.agent("n", "p", max_tokens=0)
    with pytest.raises(TypeError):
        graphbit.Node()
    with pytest.raises(TypeError):
        graphbit.WorkflowResult()


def test_timeout_cancels_running_nodes(llm_config, mock):
    workflow = graphbit.Workflow("stuck")
    workflow.add_node(graphbit.Node.agent("hang1", "mock:fault=hang one"))
    workflow.add_node(graphbit.Node.agent("hang2", "mock:fault=hang two"))
    executor = graphbit.Executor(llm_config, timeout_seconds=1)
    before = mock.stats()["disconnected_early"]
    with pytest.raises(graphbit.RequestTimeoutError) as info:
        executor.execute(workflow)
    assert isinstance(info.value, TimeoutError)
    assert "'hang1'" in str(info.value) and "'hang2'" in str(info.value)
    assert info.value.operation == "workflow_execution"
    # The mock saw both requests aborted.
    mock.wait_for("disconnected_early", before + 2)
    stats = executor.get_stats()
    assert (stats["total_executions"], stats["failed_executions"]) == (1, 1)


def test_run_async_and_cancellation(llm_config, mock):
    executor = graphbit.Executor(llm_config)

    async def main():
        result = await executor.run_async(chain(), {"topic": "asyncio"})
        assert result.get_node_output("research") == "Mock reply to: Research asyncio"

        workflow = graphbit.Workflow("hang")
        workflow.add_node(graphbit.Node.agent("hang", "mock:fault=hang async"))
        hangs = mock.stats()["hangs"]
        task = asyncio.ensure_future(executor.run_async(workflow))
        while mock.stats()["hangs"] == hangs:
            await asyncio.sleep(0.005)
        disconnected = mock.stats()["disconnected_early"]
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        mock.wait_for("disconnected_early", disconnected + 1)

        # Several runs at once on one executor.
        results = await asyncio.gather(*(executor.run_async(chain(), {"topic": str(i)}) for i in range(5)))
        assert [r.get_node_output("research") for r in results] == [f"Mock reply to: Research {i}" for i in range(5)]

    asyncio.run(main())
    stats = executor.get_stats()
    assert stats["successful_executions"] == 6
    assert stats["cancelled_executions"] == 1
    assert stats["total_executions"] == 7


def test_execute_releases_the_gil(llm_config):
    workflow = graphbit.Workflow("slow")
    workflow.add_node(graphbit.Node.agent("slow", "mock:delay_ms=300 slow"))
    executor = graphbit.Executor(llm_config)
    results = []
    worker = threading.Thread(target=lambda: results.append(executor.execute(workflow)))
    worker.start()
    ticks = 0
    while worker.is_alive():
        ticks += 1
        worker.join(0.001)
    assert ticks > 10
    assert results[0].is_success()


def test_json_round_trip_runs_the_same(llm_config):
    workflow = chain("saved")
    text = workflow.to_json()
    json.loads(text)
    restored = graphbit.Workflow.from_json(text)
    assert restored.name() == "saved"
    assert (restored.node_count(), restored.edge_count()) == (3, 2)
    assert [n.id() for n in restored.nodes()] == [n.id() for n in workflow.nodes()]
    assert restored.to_json() == text
    result = graphbit.Executor(llm_config).execute(restored, {"topic": "JSON"})
    assert result.get_node_output("research") == "Mock reply to: Research JSON"
    assert "digraph" in workflow.to_dot()
    with pytest.raises(ValueError):
        graphbit.Workflow.from_json("{not json")


def test_modes_settings_and_stats(llm_config):
    assert graphbit.Executor(llm_config).get_execution_mode() == "Balanced"
    light = graphbit.Executor(llm_config, lightweight_mode=True)
    assert light.is_lightweight_mode() and light.get_execution_mode() == "LowLatency"
    assert light.get_stats()["timeout_seconds"] == 300
    assert graphbit.Executor(llm_config, lightweight_mode=False).get_execution_mode() == "HighThroughput"
    low = graphbit.Executor.new_low_latency(llm_config)
    assert (low.get_stats()["timeout_seconds"], low.get_stats()["max_retries"]) == (30, 1)
    assert low.get_stats()["node_concurrency"] == 0
    with pytest.raises(ValueError, match="Low-latency timeout must be between 1 and 300"):
        graphbit.Executor.new_low_latency(llm_config, timeout_seconds=301)
    with pytest.raises(ValueError, match="between 1 and 3600"):
        graphbit.Executor(llm_config, timeout_seconds=0)
    high = graphbit.Executor.new_high_throughput(llm_config, timeout_seconds=120, debug=False)
    assert high.get_stats()["node_concurrency"] >= 64
    high.set_lightweight_mode(True)
    assert high.get_execution_mode() == "LowLatency" and high.get_stats()["timeout_seconds"] == 120

    with pytest.raises(ValueError, match="retries"):
        high.configure(timeout_seconds=10, max_retries=11)
    assert high.get_stats()["timeout_seconds"] == 120  # nothing changed
    high.configure(timeout_seconds=10, max_retries=0, enable_metrics=False)
    stats = high.get_stats()
    assert (stats["timeout_seconds"], stats["max_retries"], stats["metrics_enabled"]) == (10, 0, False)

    executor = graphbit.Executor(llm_config)
    executor.execute(chain(), {"topic": "x"})
    stats = executor.get_stats()
    assert stats["total_executions"] == 1 and stats["success_rate"] == 1.0
    assert stats["average_duration_ms"] > 0 and stats["total_duration_ms"] >= 0
    executor.reset_stats()
    assert executor.get_stats()["total_executions"] == 0
    assert "sk-test-secret" not in repr(executor)


def test_memory_optimized_keeps_final_outputs(llm_config):
    workflow = chain("lean")
    result = graphbit.Executor.new_memory_optimized(llm_config).execute(workflow, {"topic": "memory"})
    assert result.is_success()
    assert result.get_node_output("research") is None
    assert result.get_node_output("summarize") is None
    assert "MEMORY" in result.get_node_output("shout")


def test_low_latency_fails_fast(llm_config):
    workflow = graphbit.Workflow("fast")
    workflow.add_node(graphbit.Node.agent("bad", "mock:status=401 refused"))
    workflow.add_node(graphbit.Node.agent("slow", "mock:fault=hang forever"))
    result = graphbit.Executor.new_low_latency(llm_config).execute(workflow)
    assert result.is_failed()
    assert result.node_status("slow") == "cancelled"
    assert result.execution_time_ms() < 10_000
