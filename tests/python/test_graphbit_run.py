"""graphbit-run, the command-line workflow runner, against the mock provider:
progress, outputs, JSON output, DOT, and an exit status for each way a run
can end."""

import json
import os
import signal
import subprocess
import time

import pytest

import graphbit

RUN = os.environ["GRAPHBIT_RUN"]
KEY = "sk-planted-SECRET-run-0123456789"


def write_workflow(tmp_path, workflow, name="workflow.json"):
    path = tmp_path / name
    path.write_text(workflow.to_json())
    return str(path)


def chain():
    workflow = graphbit.Workflow("cli")
    workflow.add_node(graphbit.Node.agent("ask", "Hello {who}"))
    workflow.add_node(graphbit.Node.transform("shout", "uppercase"))
    workflow.connect("ask", "shout")
    return workflow


def single(prompt):
    workflow = graphbit.Workflow("one")
    workflow.add_node(graphbit.Node.agent("only", prompt))
    return workflow


@pytest.fixture
def env(mock):
    environment = dict(os.environ, OPENAI_API_KEY=KEY, OPENAI_BASE_URL=mock.openai_base)
    environment.pop("ANTHROPIC_API_KEY", None)
    environment.pop("OLLAMA_HOST", None)
    return environment


def run(args, env, **kwargs):
    return subprocess.run([RUN, *args], env=env, capture_output=True, text=True, timeout=60, **kwargs)


def test_runs_and_reports_progress(tmp_path, env):
    path = write_workflow(tmp_path, chain())
    done = run([path, "--input", "who=cli"], env)
    assert done.returncode == 0, done.stderr
    assert "cli: Completed" in done.stdout
    assert "MOCK REPLY TO: HELLO CLI" in done.stdout
    assert "runs: 1/1 ok" in done.stdout
    progress = [line.split() for line in done.stderr.splitlines() if line.startswith("  ")]
    assert progress == [["started", "ask"], ["completed", "ask"], ["started", "shout"], ["completed", "shout"]]


def test_json_output_for_scripts(tmp_path, env):
    path = write_workflow(tmp_path, chain())
    inputs = tmp_path / "who.txt"
    inputs.write_text("a file")
    done = run([path, "--format", "json", "--input-file", f"who={inputs}", "--mode", "low-latency"], env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["state"] == "Completed" and report["error"] is None
    nodes = {node["name"]: node for node in report["nodes"]}
    assert nodes["shout"]["output"] == "MOCK REPLY TO: HELLO A FILE"
    assert nodes["ask"]["status"] == "completed" and nodes["ask"]["prompt_tokens"] > 0
    assert report["stats"]["total_executions"] == 1
    assert report["stats"]["execution_mode"] == "LowLatency"
    assert done.stderr == ""


def test_dot_and_validate(tmp_path, env):
    path = write_workflow(tmp_path, chain())
    done = run(["--validate", "--dot", "-", path], env)
    assert done.returncode == 0
    assert done.stdout.startswith('digraph "cli"')
    assert "valid (2 nodes, 1 edges)" in done.stderr


def test_node_failure_exits_1(tmp_path, env):
    done = run([write_workflow(tmp_path, single("mock:status=401 refused"))], env)
    assert done.returncode == 1
    assert "one: Failed" in done.stdout
    assert "Node 'only' failed" in done.stdout


def test_invalid_workflows_exit_3(tmp_path, env):
    cyclic = graphbit.Workflow("loop")
    cyclic.add_node(graphbit.Node.agent("a", "x"))
    cyclic.add_node(graphbit.Node.agent("b", "y"))
    cyclic.connect("a", "b")
    cyclic.connect("b", "a")
    done = run([write_workflow(tmp_path, cyclic)], env)
    assert done.returncode == 3
    assert "contains cycles: a → b → a" in done.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert run([str(broken)], env).returncode == 3
    assert run([str(tmp_path / "missing.json")], env).returncode == 3


def test_bad_arguments_exit_2(tmp_path, env):
    path = write_workflow(tmp_path, chain())
    assert run([], env).returncode == 2
    assert run([path, "--input", "no-equals"], env).returncode == 2
    assert run([path, "--mode", "fastest"], env).returncode == 2
    assert run([path, "--format", "xml"], env).returncode == 2
    assert run([path, "--timeout", "0.5"], env).returncode == 2


def test_missing_provider_exits_5(tmp_path, env):
    env = dict(env)
    env.pop("OPENAI_API_KEY")
    done = run([write_workflow(tmp_path, chain())], env)
    assert done.returncode == 5
    assert "OPENAI_API_KEY" in done.stderr


def test_timeout_exits_4(tmp_path, env, mock):
    before = mock.stats()["disconnected_early"]
    done = run([write_workflow(tmp_path, single("mock:fault=hang stuck")), "--timeout", "1"], env)
    assert done.returncode == 4
    assert "timed out after 1 s" in done.stderr
    mock.wait_for("disconnected_early", before + 1)


def test_interrupt_cancels_and_exits_130(tmp_path, env, mock):
    hangs = mock.stats()["hangs"]
    process = subprocess.Popen(
        [RUN, write_workflow(tmp_path, single("mock:fault=hang interrupted"))],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 10
    while mock.stats()["hangs"] == hangs:
        assert time.monotonic() < deadline, "the request never reached the mock"
        time.sleep(0.005)
    disconnected = mock.stats()["disconnected_early"]
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "cancelled" in err
    mock.wait_for("disconnected_early", disconnected + 1)


def test_debug_output_never_shows_the_key(tmp_path, env):
    done = run([write_workflow(tmp_path, chain()), "--debug", "-i", "who=x", "-f", "json"], env)
    assert done.returncode == 0
    assert "Graphbit-DEBUG" in done.stderr
    assert KEY not in done.stdout + done.stderr
    assert KEY not in done.stdout
