"""The seed document's snippets, run verbatim against the mock provider."""

import graphbit
import seed


def test_library_initialization():
    (code,) = seed.snippets("1. Library Initialization")
    ns = seed.run(code, {})
    assert ns["version"] == graphbit.__version__
    assert ns["info"]["version"] == ns["version"]
    assert ns["health"]["overall_healthy"] is True


def test_monitoring(mock, openai_config, capsys):
    client = graphbit.LlmClient(openai_config)
    assert client.complete("hello") == "Mock reply to: hello"
    (code,) = seed.snippets("Monitoring")
    seed.run(code, {"graphbit": graphbit, "client": client})
    out = capsys.readouterr().out
    assert f"Worker threads: {graphbit.get_system_info()['runtime_worker_threads']}" in out
    assert f"Memory allocator: {graphbit.get_system_info()['memory_allocator']}" in out  # glibc; ASan in sanitizer builds
    assert "Overall healthy: True" in out
    assert "Total requests: 1" in out
    assert "Average response time: " in out


def test_resource_management(mock, openai_config):
    (code,) = seed.snippets("Resource Management")
    ns = seed.run(code, {"graphbit": graphbit, "config": openai_config})
    # The runtime is down after shutdown(), and the client works again (restart).
    assert graphbit.get_system_info()["runtime_initialized"] is False
    assert ns["client"].complete("again") == "Mock reply to: again"


def test_error_handling_catches_builtins(capsys):
    (code,) = seed.snippets("Error Handling")
    refused = graphbit.LlmClient(graphbit.LlmConfig.openai(api_key="k", base_url="http://127.0.0.1:1/v1"))
    seed.run(code, {"client": refused})
    assert "Connection failed: " in capsys.readouterr().out


def test_debugging(mock, openai_config, capfd):
    (code,) = seed.snippets("Debugging")
    ns = seed.run(code, {"graphbit": graphbit, "config": openai_config})
    assert ns["client"].complete("dbg") == "Mock reply to: dbg"
    captured = capfd.readouterr()
    # Healthy, so the snippet prints nothing; the library's debug lines go
    # to stderr (never stdout) and never contain the key.
    assert captured.out == ""
    assert "Graphbit-DEBUG" in captured.err
    assert "openai complete: POST /v1/chat/completions -> 200" in captured.err
    assert "sk-test-secret" not in captured.err


def test_migration_new_way(mock, monkeypatch):
    code = seed.snippets("Upgrading Code")[0]
    new_way = code[code.index("# New way"):]
    ns = seed.run(new_way, {})
    assert ns["client"].config().provider() == "openai"
