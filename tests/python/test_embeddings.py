"""EmbeddingConfig and EmbeddingClient through every layer, against the mock."""

import asyncio
import inspect
import itertools
import math
import threading
import time

import pytest

import graphbit

_ids = itertools.count()


def unique(directives: str = "") -> str:
    """A text of its own, so the mock counts its attempts apart."""
    return f"emb{next(_ids)}-{time.monotonic_ns()} {directives}"


def config_for(mock, provider, model=None):
    if provider == "openai":
        return graphbit.EmbeddingConfig.openai(api_key="sk-test-secret", model=model, base_url=mock.url + "/v1")
    if provider == "huggingface":
        return graphbit.EmbeddingConfig.huggingface(api_key="hf_test_secret", model=model,
                                                    base_url=mock.url + "/hf-inference")
    return graphbit.EmbeddingConfig.ollama(model=model, base_url=mock.url)


def client_for(mock, provider="openai", model=None, **options):
    options.setdefault("retry_base_delay", 0.01)
    options.setdefault("retry_max_delay", 0.05)
    return graphbit.EmbeddingClient(config_for(mock, provider, model), **options)


def route_requests(mock, route):
    return mock.stats()["requests_by_route"].get(route, 0)


ROUTES = {"openai": "openai.embeddings", "huggingface": "huggingface.feature_extraction", "ollama": "ollama.embed"}
PROVIDERS = ["openai", "huggingface", "ollama"]


# configs


def test_config_defaults_and_environment(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("HF_TOKEN", "hf_from_env")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("HF_BASE_URL", raising=False)
    monkeypatch.delenv("OLLAMA_HOST", raising=False)

    openai = graphbit.EmbeddingConfig.openai()
    assert (openai.provider(), openai.model(), openai.base_url()) == (
        "openai", "text-embedding-3-small", "https://api.openai.com/v1")
    hf = graphbit.EmbeddingConfig.huggingface()
    assert (hf.provider(), hf.model(), hf.base_url()) == (
        "huggingface", "sentence-transformers/all-MiniLM-L6-v2", "https://router.huggingface.co/hf-inference")
    ollama = graphbit.EmbeddingConfig.ollama()
    assert (ollama.provider(), ollama.model(), ollama.base_url()) == (
        "ollama", "nomic-embed-text", "http://localhost:11434")

    monkeypatch.setenv("HF_BASE_URL", "http://tei.internal:8080/")
    monkeypatch.setenv("OLLAMA_HOST", "gpu-box:11500")
    assert graphbit.EmbeddingConfig.huggingface().base_url() == "http://tei.internal:8080"
    assert graphbit.EmbeddingConfig.ollama().base_url() == "http://gpu-box:11500"


def test_missing_token_names_the_variable(monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    with pytest.raises(graphbit.ConfigurationError) as info:
        graphbit.EmbeddingConfig.huggingface(model="sentence-transformers/all-MiniLM-L6-v2")
    assert "HF_TOKEN" in str(info.value)
    assert info.value.field == "api_key"
    assert isinstance(info.value, ValueError)


def test_bad_config_values_are_refused():
    with pytest.raises(graphbit.ValidationError) as info:
        graphbit.EmbeddingConfig.openai(api_key="sk-secret-value", model="")
    assert info.value.field == "model"
    with pytest.raises(graphbit.ConfigurationError) as info:
        graphbit.EmbeddingConfig.huggingface(api_key="hf_secret_value", base_url="not a url")
    assert "secret" not in str(info.value)
    with pytest.raises(TypeError):
        graphbit.EmbeddingConfig()


def test_reprs_never_show_keys(mock):
    config = config_for(mock, "openai")
    client = graphbit.EmbeddingClient(config)
    for text in (repr(config), repr(client), repr(config._native)):
        assert "secret" not in text
    assert repr(config).startswith("EmbeddingConfig(provider='openai'")
    assert repr(client) == "EmbeddingClient(provider='openai', model='text-embedding-3-small')"


# embedding


@pytest.mark.parametrize("provider", PROVIDERS)
def test_embed_and_embed_text_agree(mock, provider):
    client = client_for(mock, provider)
    vector = client.embed("Hello, world!")
    assert isinstance(vector, list) and all(isinstance(x, float) for x in vector)
    assert len(vector) == {"openai": 1536, "huggingface": 384, "ollama": 768}[provider]
    assert asyncio.run(client.embed_text("Hello, world!")) == vector
    assert math.isclose(sum(x * x for x in vector), 1.0, rel_tol=1e-5)


def test_openai_request_on_the_wire(mock):
    client = client_for(mock, "openai")
    client.embed("one")
    assert mock.last_request() == {"model": "text-embedding-3-small", "input": "one", "encoding_format": "float"}
    client.embed_many(["one", "two"])
    assert mock.last_request()["input"] == ["one", "two"]
    assert mock.stats()["last_authorization_scheme"] == "Bearer"


def test_huggingface_request_on_the_wire(mock):
    client = client_for(mock, "huggingface")
    client.embed("one")
    stats = mock.stats()
    assert stats["last_route"] == "huggingface.feature_extraction"
    assert stats["last_request"] == '{"inputs":"one"}'
    assert stats["last_authorization_scheme"] == "Bearer"


def test_token_level_models_are_mean_pooled(mock):
    # The mock's token vectors are its words' vectors; their mean points
    # where the sentence embedding of a pooled model does.
    pooled = client_for(mock, "huggingface")
    token_level = client_for(mock, "huggingface", model="facebook/bart-base")
    text = "mock:dims=64 the quick brown fox"
    a, b = pooled.embed(text), token_level.embed(text)
    assert len(b) == 64
    assert graphbit.EmbeddingClient.similarity(a, b) == pytest.approx(1.0, abs=1e-6)
    many = token_level.embed_many([text, "mock:dims=64 jumps over"])
    assert graphbit.EmbeddingClient.similarity(many[0], a) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("rank", [1, 2, 3, 4])
def test_every_huggingface_rank_gives_the_same_direction(mock, rank):
    client = client_for(mock, "huggingface")
    reference = client.embed("mock:dims=32 ranked words here")
    forced = client.embed(f"mock:dims=32 mock:rank={rank} ranked words here")
    assert graphbit.EmbeddingClient.similarity(reference, forced) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_batches_of_2000_are_split_and_reassembled_in_order(mock, provider):
    options = {"max_batch_size": 500} if provider == "openai" else {}
    client = client_for(mock, provider, **options)
    texts = [f"mock:dims=16 text {i} word{i % 7}" for i in range(2000)]
    expected_requests = {"openai": 4, "huggingface": 63, "ollama": 8}[provider]

    before = route_requests(mock, ROUTES[provider])
    vectors = client.embed_many(texts)
    assert route_requests(mock, ROUTES[provider]) - before == expected_requests
    assert len(vectors) == 2000 and all(len(v) == 16 for v in vectors)

    # Each vector is its own text's, wherever it fell in the slices.
    for index in (0, 1, 31, 32, 255, 256, 499, 500, 1337, 1999):
        assert vectors[index] == client.embed(texts[index])
    # Reversed input, reversed output; the async variant agrees.
    assert asyncio.run(client.embed_batch(texts[::-1])) == vectors[::-1]
    assert client.get_stats()["successful_requests"] >= 2 * expected_requests


def test_batch_concurrency_is_bounded(mock):
    client = client_for(mock, "ollama", max_batch_size=1, max_concurrency=2)
    texts = [f"slow {i} mock:delay_ms=40" for i in range(6)]
    peak = []
    done = threading.Event()

    def watch():
        while not done.is_set():
            peak.append(client.get_stats()["in_flight"])
            time.sleep(0.002)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        assert len(client.embed_many(texts)) == 6
    finally:
        done.set()
        watcher.join()
    # The in-flight count comes from the client itself, not from timing.
    assert 1 <= max(peak) <= 2


def test_embed_document_returns_the_documented_dict(mock):
    client = client_for(mock, "openai")
    metadata = {"source": "file.txt", "type": "document", "pages": [1, 2]}
    result = asyncio.run(client.embed_document(content="Document content", metadata=metadata))
    assert set(result) == {"embedding", "content", "metadata", "model", "dimensions"}
    assert result["content"] == "Document content"
    assert result["metadata"] == metadata and result["metadata"] is not metadata
    assert result["model"] == "text-embedding-3-small"
    assert result["dimensions"] == len(result["embedding"]) == 1536
    assert result["embedding"] == client.embed("Document content")
    assert asyncio.run(client.embed_document("no metadata"))["metadata"] == {}


def test_similarity():
    similarity = graphbit.EmbeddingClient.similarity
    assert similarity([1.0, 0.0], [2.0, 0.0]) == pytest.approx(1.0)
    assert similarity([1.0, 0.0], [0.0, 3.0]) == pytest.approx(0.0)
    assert similarity([1.0, 2.0], [-1.0, -2.0]) == pytest.approx(-1.0)
    assert similarity((1, 1), [1, 0]) == pytest.approx(math.sqrt(0.5))
    assert isinstance(similarity([1.0], [1.0]), float)


@pytest.mark.parametrize("a, b, field, value", [
    ([1.0, 2.0], [1.0], "b", "1 values"),
    ([], [], "a", "zero vector"),
    ([1.0, 2.0], [0.0, 0.0], "b", "zero vector"),
    ([float("nan"), 1.0], [1.0, 1.0], "a", "a[0] = nan"),
    ([1.0, 1.0], [float("inf"), 1.0], "b", "b[0] = inf"),
])
def test_similarity_refuses_what_has_no_cosine(a, b, field, value):
    with pytest.raises(graphbit.ValidationError) as info:
        graphbit.EmbeddingClient.similarity(a, b)
    assert isinstance(info.value, ValueError)
    assert (info.value.field, info.value.value, info.value.operation) == (field, value, "similarity")


def test_similarity_type_errors():
    with pytest.raises(TypeError):
        graphbit.EmbeddingClient.similarity("abc", [1.0])
    with pytest.raises(TypeError):
        graphbit.EmbeddingClient.similarity([1.0, "x"], [1.0, 2.0])


# arguments are checked at call time, sync and async alike


def test_async_methods_return_coroutines_and_check_arguments_at_call_time(mock):
    client = client_for(mock, "openai")
    pending = client.embed_text("fine")
    assert inspect.iscoroutine(pending)
    pending.close()

    with pytest.raises(TypeError):
        client.embed_text(42)
    with pytest.raises(graphbit.ValidationError) as info:
        client.embed_text("")
    assert info.value.field == "text"
    with pytest.raises(graphbit.ValidationError):
        client.embed_batch([])
    with pytest.raises(graphbit.ValidationError) as info:
        client.embed_batch(["fine", ""])
    assert info.value.field == "texts[1]"
    with pytest.raises(TypeError):
        client.embed_batch("not a list")
    with pytest.raises(TypeError):
        client.embed_batch(["fine", 3])
    with pytest.raises(graphbit.ValidationError) as info:
        client.embed_document("")
    assert info.value.field == "content"
    with pytest.raises(TypeError):
        client.embed_document("fine", metadata=["not", "a", "mapping"])
    with pytest.raises(graphbit.ValidationError):
        client.embed_many([])


def test_client_options_are_checked(mock):
    config = config_for(mock, "openai")
    with pytest.raises(TypeError):
        graphbit.EmbeddingClient(config, retries=3)
    with pytest.raises(TypeError):
        graphbit.EmbeddingClient("not a config")
    with pytest.raises(graphbit.ValidationError) as info:
        graphbit.EmbeddingClient(config, max_batch_size=5000)
    assert info.value.field == "max_batch_size"
    with pytest.raises(graphbit.ValidationError):
        graphbit.EmbeddingClient(config, max_concurrency=0)
    with pytest.raises(graphbit.ValidationError) as info:
        graphbit.EmbeddingClient(config, max_retries=-1)
    assert info.value.field == "max_retries"


# resilience and errors


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("fault", ["fault=status mock:status=500", "fault=close", "fault=reset",
                                   "fault=status mock:status=429"])
def test_transient_faults_are_retried(mock, provider, fault):
    client = client_for(mock, provider)
    text = unique(f"mock:fail_first=2 mock:{fault}")
    assert client.embed(text) == client.embed(text)
    assert mock.attempts(text) == 4   # three for the first call, one for the second
    stats = client.get_stats()
    assert (stats["retries"], stats["successful_requests"], stats["failed_requests"]) == (2, 2, 0)


def test_loading_model_is_waited_for_without_using_retries(mock):
    client = client_for(mock, "huggingface", max_retries=0, circuit_breaker_threshold=1)
    text = unique("mock:loading=3 mock:estimated_time=0.01")
    assert len(client.embed(text)) == 384
    assert mock.attempts(text) == 4
    stats = client.get_stats()
    assert stats["circuit_breaker_state"] == "closed"
    assert stats["failed_requests"] == 0


def test_loading_beyond_the_deadline_fails_with_the_estimate(mock):
    client = client_for(mock, "huggingface", deadline=3.0)  # the 45 s estimate is past it; the margin is for slow (sanitizer) builds
    text = unique("mock:loading=1000 mock:estimated_time=45")
    with pytest.raises(graphbit.ProviderError) as info:
        client.embed(text)
    error = info.value
    assert error.status_code == 503
    assert error.retry_after == 45.0
    assert "is currently loading" in str(error)
    assert error.provider == "huggingface" and error.operation == "embed_text"


def test_error_mapping(mock):
    bad_key = graphbit.EmbeddingClient(
        graphbit.EmbeddingConfig.huggingface(api_key="invalid-key", base_url=mock.url + "/hf-inference"))
    with pytest.raises(graphbit.AuthenticationError) as info:
        bad_key.embed("hello")
    assert isinstance(info.value, PermissionError)
    assert "Invalid credentials in Authorization header" in str(info.value)
    assert "invalid-key" not in str(info.value)

    missing = client_for(mock, "huggingface", model="missing-model")
    with pytest.raises(graphbit.ProviderError) as info:
        missing.embed("hello")
    assert info.value.status_code == 404 and "does not exist" in str(info.value)

    limited = client_for(mock, "openai", max_retries=1)
    with pytest.raises(graphbit.RateLimitError) as info:
        limited.embed(unique("mock:fault=status mock:status=429 mock:retry_after_ms=5"))
    assert info.value.retry_count == 1

    quota = client_for(mock, "openai")
    text = unique("mock:status=429 mock:quota=1")
    with pytest.raises(graphbit.RateLimitError):
        quota.embed(text)
    assert mock.attempts(text) == 1   # billing: never retried

    refused = graphbit.EmbeddingClient(graphbit.EmbeddingConfig.ollama(base_url="http://127.0.0.1:1"), max_retries=0)
    with pytest.raises(ConnectionError):
        refused.embed("hello")


def test_breaker_opens_for_embeddings(mock):
    client = client_for(mock, "openai", max_retries=0, circuit_breaker_threshold=2, circuit_breaker_recovery=60)
    for _ in range(2):
        with pytest.raises(graphbit.ProviderError):
            client.embed(unique("mock:fault=status mock:status=500"))
    with pytest.raises(graphbit.CircuitOpenError):
        client.embed("refused")
    assert client.get_stats()["circuit_breaker_state"] == "open"
    mine = [b for b in graphbit.health_check()["circuit_breakers"] if b["kind"] == "embedding" and b["state"] == "open"]
    assert mine and mine[0]["provider"] == "openai"


def test_deadline_and_attempt_timeout(mock):
    client = client_for(mock, "ollama", request_timeout=0.1, deadline=0.35)
    with pytest.raises(graphbit.RequestTimeoutError) as info:
        client.embed(unique("mock:fault=hang"))
    assert isinstance(info.value, TimeoutError)


def test_cancelling_the_task_aborts_the_batch(mock):
    client = client_for(mock, "openai", max_batch_size=1, max_concurrency=1)
    mock.cancel_once_sent(lambda: client.embed_batch([unique("mock:delay_ms=30000"), "never sent"]))
    stats = client.get_stats()
    # The slice in flight was cancelled; the other was never started.
    assert (stats["total_requests"], stats["cancelled_requests"]) == (1, 1)


def test_stats_have_the_llm_clients_keys(mock, openai_config):
    embedding = client_for(mock, "openai")
    embedding.embed("count me")
    stats = embedding.get_stats()
    assert set(stats) == set(graphbit.LlmClient(openai_config).get_stats())
    assert stats["total_requests"] == 1 and stats["prompt_tokens"] == 2
    embedding.reset_stats()
    assert embedding.get_stats()["total_requests"] == 0


def test_debug_lines_go_to_stderr_without_keys(mock, capfd):
    client = client_for(mock, "openai", debug=True)
    client.embed("dbg")
    captured = capfd.readouterr()
    assert captured.out == ""
    assert "openai embed_text: POST /v1/embeddings -> 200" in captured.err
    assert "sk-test-secret" not in captured.err


def test_shared_between_threads(mock):
    client = client_for(mock, "huggingface")
    results = {}

    def work(n):
        results[n] = client.embed(f"thread {n}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(results[n] == client.embed(f"thread {n}") for n in range(8))


@pytest.mark.parametrize("provider", ["openai", "huggingface", "ollama"])
def test_an_error_status_with_an_empty_body_is_a_typed_error(mock, provider):
    client = client_for(mock, provider, max_retries=0)
    with pytest.raises(graphbit.ProviderError) as info:
        client.embed("x mock:status=502 mock:empty_body=1")
    assert info.value.status_code == 502
    assert "(empty body)" in str(info.value)


@pytest.mark.parametrize("provider", ["openai", "huggingface", "ollama"])
def test_redirects_are_not_followed(mock, provider):
    client = client_for(mock, provider, max_retries=0)
    before = mock.stats()["requests"]
    with pytest.raises(graphbit.ConfigurationError) as info:
        client.embed(f"x mock:status=302 mock:location={mock.url}/elsewhere")
    assert mock.stats()["requests"] == before + 1
    assert info.value.status_code == 302
