"""The seed's "Embedding Integration" snippets, verbatim, for each provider.

The configuration snippet names no base URL, so the environment points each
provider at the mock (OPENAI_BASE_URL, HF_BASE_URL, OLLAMA_HOST), exactly as
a user points them at a proxy or a self-hosted server. The seed configures
OpenAI and Hugging Face; Ollama's configuration is the one line the seed
would have for it.
"""

import pytest

import graphbit
import seed


@pytest.fixture
def provider_env(mock, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", mock.url + "/v1")
    monkeypatch.setenv("HF_BASE_URL", mock.url + "/hf-inference")
    monkeypatch.setenv("OLLAMA_HOST", mock.url)


def configurations():
    """The configuration snippet, split at its comments into one statement per provider."""
    (code,) = seed.snippets("Configuration", under="Embedding Integration")
    parts = {}
    for block in code.split("\n\n"):
        first = block.strip().splitlines()[0]
        if first.startswith("# OpenAI"):
            parts["openai"] = block
        elif first.startswith("# HuggingFace"):
            parts["huggingface"] = block
    assert set(parts) == {"openai", "huggingface"}
    parts["ollama"] = "config = graphbit.EmbeddingConfig.ollama()\n"
    return parts


def test_configuration_snippet_runs_whole(provider_env):
    (code,) = seed.snippets("Configuration", under="Embedding Integration")
    ns = seed.run(code, {"graphbit": graphbit})
    # The last statement wins: the Hugging Face configuration.
    assert ns["config"].provider() == "huggingface"
    assert ns["config"].model() == "sentence-transformers/all-MiniLM-L6-v2"


@pytest.mark.parametrize("provider, model, dimensions", [
    ("openai", "text-embedding-3-small", 1536),
    ("huggingface", "sentence-transformers/all-MiniLM-L6-v2", 384),
    ("ollama", "nomic-embed-text", 768),
])
def test_client_usage_snippet(provider_env, mock, provider, model, dimensions):
    config = seed.run(configurations()[provider], {"graphbit": graphbit})["config"]
    assert (config.provider(), config.model()) == (provider, model)

    (code,) = seed.snippets("Client Usage", under="Embedding Integration")
    before = mock.stats()["requests"]
    ns = seed.run(code, {"graphbit": graphbit, "config": config})
    client = ns["client"]

    embeddings = ns["embeddings"]
    assert len(embeddings) == 3 and all(len(v) == dimensions for v in embeddings)
    assert embeddings == [client.embed(t) for t in ("First text", "Second text", "Third text")]

    # The last `embedding` is the document's.
    document = ns["embedding"]
    assert document["content"] == "Document content"
    assert document["metadata"] == {"source": "file.txt", "type": "document"}
    assert document["model"] == model
    assert document["dimensions"] == dimensions == len(document["embedding"])
    assert document["embedding"] == client.embed("Document content")

    # embed_text, one batch request, embed_document; then the four checks above.
    assert mock.stats()["requests"] - before == 3 + 4
    stats = client.get_stats()
    assert (stats["total_requests"], stats["successful_requests"], stats["failed_requests"]) == (7, 7, 0)


def test_monitoring_snippet_with_an_embedding_client(provider_env, capsys):
    config = seed.run(configurations()["huggingface"], {"graphbit": graphbit})["config"]
    client = graphbit.EmbeddingClient(config)
    client.embed("Hello, world!")
    (code,) = seed.snippets("Monitoring")
    seed.run(code, {"graphbit": graphbit, "client": client})
    out = capsys.readouterr().out
    assert "Total requests: 1" in out
    assert "Average response time: " in out
