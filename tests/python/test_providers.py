"""Each provider's request and response wire format, errors and connection reuse."""

import asyncio

import pytest

import graphbit


@pytest.fixture
def clients(mock, single_attempt):
    return {
        "openai": graphbit.LlmClient(
            graphbit.LlmConfig.openai(api_key="sk-test", base_url=mock.url + "/v1"), **single_attempt
        ),
        "anthropic": graphbit.LlmClient(
            graphbit.LlmConfig.anthropic(api_key="sk-ant-test", base_url=mock.url), **single_attempt
        ),
        "ollama": graphbit.LlmClient(graphbit.LlmConfig.ollama(model="llama3.2", base_url=mock.url), **single_attempt),
    }


def test_anthropic_request_shape(mock, clients):
    reply = clients["anthropic"].chat(
        [("system", "Be brief."), ("user", "Hi"), ("assistant", "Hello!"), ("user", "Again")], temperature=0.3
    )
    assert reply == "Mock reply to: Again"
    sent = mock.last_request()
    assert sent["system"] == "Be brief."
    assert [m["role"] for m in sent["messages"]] == ["user", "assistant", "user"]
    assert sent["max_tokens"] == 4096  # required by the API; graphbit's default
    assert sent["temperature"] == 0.3
    assert "stream" not in sent
    headers = mock.stats()["last_headers"]
    assert headers["anthropic-version"] == "2023-06-01"
    assert "Authorization" not in headers


def test_anthropic_full_response(clients):
    response = clients["anthropic"].complete_full("usage please", max_tokens=50)
    assert response.content == "Mock reply to: usage please"
    assert response.finish_reason == "end_turn"
    assert response.id.startswith("msg_")
    assert response.usage.total_tokens == response.usage.prompt_tokens + response.usage.completion_tokens


def test_ollama_request_shape(mock, clients):
    assert clients["ollama"].complete("Hi", max_tokens=20, temperature=0.2) == "Mock reply to: Hi"
    sent = mock.last_request()
    assert sent["stream"] is False  # the API defaults to true: always sent
    assert sent["options"] == {"num_predict": 20, "temperature": 0.2}
    assert sent["model"] == "llama3.2"
    response = clients["ollama"].complete_full("counts")
    assert response.finish_reason == "stop"
    assert response.usage.completion_tokens == 4


@pytest.mark.parametrize(
    "provider, directive, error_class, status, text",
    [
        ("anthropic", "mock:status=401", graphbit.AuthenticationError, 401, "authentication_error"),
        ("anthropic", "mock:status=529", graphbit.RateLimitError, 529, "overloaded_error"),
        ("anthropic", "mock:status=400", graphbit.ProviderError, 400, "invalid_request_error"),
        ("ollama", "mock:status=404", graphbit.ProviderError, 404, "not found"),
        ("ollama", "mock:status=500", graphbit.ProviderError, 500, ""),
        ("openai", "mock:fixture=openai/error_401_invalid_api_key.json mock:status=401",
         graphbit.AuthenticationError, 401, "Incorrect API key provided"),
        ("openai", "mock:fixture=openai/error_429_insufficient_quota.json mock:status=429",
         graphbit.RateLimitError, 429, "insufficient_quota"),
    ],
)
def test_provider_errors_are_typed_with_the_providers_message(clients, provider, directive, error_class, status, text):
    with pytest.raises(error_class) as info:
        clients[provider].complete(f"x {directive}")
    assert info.value.status_code == status
    assert info.value.provider == provider
    assert text in str(info.value)


def test_anthropic_recorded_error_fixture(clients):
    with pytest.raises(graphbit.RateLimitError) as info:
        clients["anthropic"].complete("x mock:fixture=anthropic/error_529_overloaded.json mock:status=529")
    assert "Overloaded" in str(info.value)


def test_missing_ollama_model(mock, single_attempt):
    client = graphbit.LlmClient(graphbit.LlmConfig.ollama(model="missing-model", base_url=mock.url), **single_attempt)
    with pytest.raises(graphbit.ProviderError) as info:
        client.complete("x")
    assert "missing-model" in str(info.value)
    assert info.value.status_code == 404


def test_ollama_warmup_loads_the_model(mock, clients):
    before = mock.stats()["model_loads"]
    asyncio.run(clients["ollama"].warmup())
    assert mock.stats()["model_loads"] == before + 1
    asyncio.run(clients["ollama"].warmup())  # idempotent: no second load
    assert mock.stats()["model_loads"] == before + 1


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_warmup_checks_the_key(mock, provider):
    # The mock rejects the key "invalid-key", as the providers reject a wrong key.
    if provider == "openai":
        bad = graphbit.LlmConfig.openai(api_key="invalid-key", base_url=mock.url + "/v1")
        good = graphbit.LlmConfig.openai(api_key="sk-test", base_url=mock.url + "/v1")
    else:
        bad = graphbit.LlmConfig.anthropic(api_key="invalid-key", base_url=mock.url)
        good = graphbit.LlmConfig.anthropic(api_key="sk-ant-test", base_url=mock.url)
    with pytest.raises(graphbit.AuthenticationError):
        asyncio.run(graphbit.LlmClient(bad).warmup())
    before = mock.stats()["requests_by_route"].get(f"{provider}.models", 0)
    client = graphbit.LlmClient(good)
    asyncio.run(client.warmup())
    workers = graphbit.get_system_info()["runtime_worker_threads"]
    assert mock.stats()["requests_by_route"][f"{provider}.models"] - before == workers


@pytest.mark.parametrize("provider", ["openai", "anthropic", "ollama"])
def test_sequential_calls_reuse_a_handful_of_connections(mock, clients, provider):
    client = clients[provider]
    before = mock.stats()["connections_total"]
    for i in range(1000):
        assert client.complete(f"n{i}") == f"Mock reply to: n{i}"
    opened = mock.stats()["connections_total"] - before
    # One per I/O worker at most, plus the stats queries' own connections.
    assert opened <= graphbit.get_system_info()["runtime_worker_threads"] + 2, opened
    stats = client.get_stats()
    assert stats["successful_requests"] >= 1000


def test_stats_match_what_the_mock_saw(mock, clients):
    client = clients["openai"]
    client.reset_stats()
    before = mock.stats()["requests"]

    async def main():
        ok = await asyncio.gather(*(client.complete_async(f"a{i}") for i in range(20)))
        batch = await client.complete_batch([f"b{i}" for i in range(10)] + ["x mock:status=500"])
        streamed = await client.complete_stream("x mock:tokens=3")
        return ok, batch, streamed

    ok, batch, streamed = asyncio.run(main())
    assert len(ok) == 20 and streamed == "tok1 tok2 tok3"
    assert isinstance(batch[-1], graphbit.ProviderError)
    stats = client.get_stats()
    sent = mock.stats()["requests"] - before
    assert stats["total_requests"] == sent == 32
    assert stats["successful_requests"] == 31
    assert stats["failed_requests"] == 1


@pytest.mark.parametrize("provider", ["openai", "anthropic", "ollama"])
@pytest.mark.parametrize("how", ["blocking", "async", "stream"])
def test_an_error_status_with_an_empty_body_is_a_typed_error(clients, provider, how):
    # Proxies and load balancers answer 502s without a body; the error
    # parsing once crashed on one (an empty body's data pointer is NULL).
    prompt = "x mock:status=502 mock:empty_body=1"

    async def stream():
        return [piece async for piece in clients[provider].complete_stream(prompt)]

    with pytest.raises(graphbit.ProviderError) as info:
        if how == "blocking":
            clients[provider].complete(prompt)
        elif how == "async":
            asyncio.run(clients[provider].complete_async(prompt))
        else:
            asyncio.run(stream())
    assert info.value.status_code == 502
    assert "(empty body)" in str(info.value)


@pytest.mark.parametrize("provider", ["openai", "anthropic", "ollama"])
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_are_not_followed(mock, clients, provider, status):
    # libsoup would turn the POST into a bodiless GET and send it, with the
    # provider's key header, wherever Location points. The redirect points
    # back at the mock here, so a followed one would be a second request.
    before = mock.stats()["requests"]
    target = f"{mock.url}/v1/chat/completions?key=hidden"
    with pytest.raises(graphbit.ConfigurationError) as info:
        clients[provider].complete(f"x mock:status={status} mock:location={target}")
    assert mock.stats()["requests"] == before + 1
    assert info.value.status_code == status
    assert f"redirects to {mock.url}/v1/chat/completions;" in str(info.value)
    assert "hidden" not in str(info.value)
    assert "set the base URL" in str(info.value)


def test_a_streamed_call_is_not_redirected_either(mock, clients):
    before = mock.stats()["requests"]

    async def stream():
        return [piece async for piece in clients["anthropic"].complete_stream(
            f"x mock:status=302 mock:location={mock.url}/v1/messages")]

    with pytest.raises(graphbit.ConfigurationError):
        asyncio.run(stream())
    assert mock.stats()["requests"] == before + 1
