"""The seed's "LLM Integration" snippets, verbatim, for each of the three providers.

The configuration snippet names no base URL, so the environment points each
provider at the mock (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, OLLAMA_HOST),
exactly as a user would point them at a proxy or a compatible server.
"""

import pytest

import graphbit
import seed


@pytest.fixture
def provider_env(mock, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", mock.url + "/v1")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", mock.url)
    monkeypatch.setenv("OLLAMA_HOST", mock.url)


def configurations():
    """The configuration snippet, split at its comments into one statement per provider."""
    (code,) = seed.snippets("Configuration", under="LLM Integration")
    parts = {}
    for block in code.split("\n\n"):
        first = block.strip().splitlines()[0]
        if first.startswith("# OpenAI"):
            parts["openai"] = block
        elif first.startswith("# Anthropic"):
            parts["anthropic"] = block
        elif first.startswith("# Ollama"):
            parts["ollama"] = block
    assert set(parts) == {"openai", "anthropic", "ollama"}
    return parts


def test_configuration_snippet_runs_whole(provider_env):
    (code,) = seed.snippets("Configuration", under="LLM Integration")
    ns = seed.run(code, {"graphbit": graphbit})
    # The last statement wins: the Ollama configuration.
    assert ns["config"].provider() == "ollama"
    assert ns["config"].model() == "llama3.2"


@pytest.mark.parametrize("provider, model", [
    ("openai", "gpt-4o-mini"),
    ("anthropic", "claude-3-5-sonnet-20241022"),
    ("ollama", "llama3.2"),
])
def test_client_usage_snippet(provider_env, mock, capsys, provider, model):
    config = seed.run(configurations()[provider], {"graphbit": graphbit})["config"]
    assert (config.provider(), config.model()) == (provider, model)

    (code,) = seed.snippets("Client Usage", under="LLM Integration")
    before = mock.stats()["requests"]
    ns = seed.run(code, {"graphbit": graphbit, "config": config})

    assert ns["response"] == "Mock reply to: Hello, world!"
    assert ns["responses"] == ["Mock reply to: Hello", "Mock reply to: World"]
    # The streamed chunks, printed as they came, make up the whole answer.
    assert capsys.readouterr().out == "Mock reply to: Tell me a story"
    # complete, complete_async, two batch items, one stream.
    assert mock.stats()["requests"] - before == 5
    stats = ns["client"].get_stats()
    assert stats["total_requests"] == 5
    assert stats["successful_requests"] == 5
    assert stats["failed_requests"] == 0


def test_client_features_warmup(provider_env, mock):
    for provider in ("openai", "anthropic", "ollama"):
        config = seed.run(configurations()[provider], {"graphbit": graphbit})["config"]
        client = graphbit.LlmClient(config)
        import asyncio

        assert asyncio.run(client.warmup()) is None
        assert asyncio.run(client.warmup()) is None  # idempotent
