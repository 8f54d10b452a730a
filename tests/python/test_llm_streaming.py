"""Real provider streaming for OpenAI (SSE), Anthropic (SSE) and Ollama (NDJSON)."""

import asyncio

import pytest

import graphbit

PROVIDERS = ["openai", "anthropic", "ollama"]


@pytest.fixture
def make_client(mock, single_attempt):
    def make(provider, **kwargs):
        kwargs = {**single_attempt, **kwargs}
        if provider == "openai":
            config = graphbit.LlmConfig.openai(api_key="sk-test", base_url=mock.url + "/v1")
        elif provider == "anthropic":
            config = graphbit.LlmConfig.anthropic(api_key="sk-ant-test", base_url=mock.url)
        else:
            config = graphbit.LlmConfig.ollama(base_url=mock.url)
        return graphbit.LlmClient(config, **kwargs)

    return make


@pytest.mark.parametrize("provider", PROVIDERS)
def test_async_for_yields_the_text_in_pieces(make_client, provider):
    client = make_client(provider)

    async def main():
        return [chunk async for chunk in client.complete_stream("x mock:tokens=12 mock:token_delay_ms=5")]

    chunks = asyncio.run(main())
    assert "".join(chunks) == "tok1" + "".join(f" tok{i}" for i in range(2, 13))
    assert len(chunks) > 1


@pytest.mark.parametrize("provider", PROVIDERS)
def test_first_chunk_arrives_while_the_server_is_still_sending(make_client, mock, provider):
    client = make_client(provider)

    # The earlier streams of this module all ran to their end: the mock
    # counts each once it has written it, which can come after the client
    # read it. Counted first, so only this stream can change the count.
    mock.wait_for("streams_completed", mock.stats()["streams_started"])

    async def main():
        before = mock.stats()["streams_completed"]
        stream = client.complete_stream("x mock:tokens=20 mock:token_delay_ms=50")
        first = await stream.__anext__()
        # Nothing is buffered until the end: the server has not finished yet.
        in_progress = mock.stats()["streams_completed"] == before
        rest = [chunk async for chunk in stream]
        return first, in_progress, rest

    first, in_progress, rest = asyncio.run(main())
    assert first.startswith("tok1")
    assert in_progress
    assert "".join([first] + rest).endswith(" tok20")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_awaiting_the_stream_gives_the_whole_text(make_client, provider):
    client = make_client(provider)

    async def main():
        return await client.complete_stream(prompt="Tell me a story", max_tokens=500)

    assert asyncio.run(main()) == "Mock reply to: Tell me a story"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_plain_for_loop_and_final_response(make_client, mock, provider):
    client = make_client(provider)
    stream = client.stream("x mock:tokens=5")
    assert stream.response() is None
    assert "".join(stream) == "tok1 tok2 tok3 tok4 tok5"
    assert stream.is_finished()
    response = stream.response()
    assert response.content == "tok1 tok2 tok3 tok4 tok5"
    assert response.usage.completion_tokens == 5
    assert response.usage.prompt_tokens > 0
    assert response.usage.total_tokens == response.usage.prompt_tokens + 5
    assert response.finish_reason in ("stop", "end_turn")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_split_reads_decode_the_same(make_client, provider):
    client = make_client(provider)
    assert "".join(client.stream("x mock:tokens=9 mock:chunk_bytes=1")) == "tok1 " + " ".join(
        f"tok{i}" for i in range(2, 10)
    )


@pytest.mark.parametrize(
    "provider, fixture, expected",
    [
        ("openai", "openai/chat_stream_text.sse", None),
        ("anthropic", "anthropic/stream_text.sse", "Hello there!"),
        ("ollama", "ollama/chat_stream.ndjson", None),
    ],
)
def test_recorded_streams_replay(make_client, provider, fixture, expected):
    client = make_client(provider)
    text = "".join(client.stream(f"x mock:fixture={fixture} mock:chunk_bytes=7"))
    assert text
    if expected is not None:
        assert text == expected


@pytest.mark.parametrize(
    "provider, fixture, error_class",
    [
        ("openai", "openai/stream_error_in_data.sse", graphbit.ProviderError),
        ("anthropic", "anthropic/stream_error_overloaded.sse", graphbit.RateLimitError),
        ("ollama", "ollama/stream_error_midstream.ndjson", graphbit.ProviderError),
    ],
)
def test_errors_inside_a_200_stream_are_raised(make_client, provider, fixture, error_class):
    client = make_client(provider)
    with pytest.raises(error_class) as info:
        for _ in client.stream(f"x mock:fixture={fixture}"):
            pass
    assert "during the stream" in str(info.value)
    assert info.value.provider == provider


@pytest.mark.parametrize("provider", PROVIDERS)
def test_connection_cut_mid_stream_is_a_network_error(make_client, provider):
    client = make_client(provider)
    received = []
    with pytest.raises(graphbit.NetworkError):
        # Five events: past Anthropic's message_start, content_block_start
        # and ping, so some text has arrived before the cut.
        for chunk in client.stream("x mock:tokens=10 mock:cut_after=5"):
            received.append(chunk)
    assert "".join(received).startswith("tok1")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_error_status_before_the_stream(make_client, provider):
    client = make_client(provider)
    with pytest.raises(graphbit.ProviderError) as info:
        next(iter(client.stream("x mock:status=500")))
    assert info.value.status_code == 500


@pytest.mark.parametrize("provider", PROVIDERS)
def test_leaving_early_aborts_the_stream(make_client, mock, provider):
    client = make_client(provider)

    async def main():
        before = mock.stats()["disconnected_early"]
        async with client.complete_stream("x mock:tokens=50 mock:token_delay_ms=40") as stream:
            async for chunk in stream:
                break
        return before

    before = asyncio.run(main())
    mock.wait_for("disconnected_early", before + 1)
    stats = client.get_stats()
    assert stats["cancelled_requests"] == 1


def test_cancelling_the_task_aborts_the_stream(make_client, mock):
    client = make_client("openai")

    async def main():
        before = mock.stats()["disconnected_early"]
        started = mock.stats()["streams_started"]

        async def consume():
            async for _ in client.complete_stream("x mock:tokens=50 mock:token_delay_ms=40"):
                pass

        task = asyncio.ensure_future(consume())
        while mock.stats()["streams_started"] == started:
            await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return before

    before = asyncio.run(main())
    mock.wait_for("disconnected_early", before + 1)


def test_stream_arguments_are_checked_at_call_time(make_client):
    client = make_client("openai")
    with pytest.raises(ValueError):
        client.complete_stream("")
    with pytest.raises(ValueError):
        client.complete_stream("x", temperature=9)


def test_wire_format_of_streamed_requests(make_client, mock):
    for provider in PROVIDERS:
        "".join(make_client(provider).stream("x mock:tokens=1", max_tokens=64, temperature=0.5))
        sent = mock.last_request()
        if provider == "openai":
            assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
            assert sent["max_tokens"] == 64
        elif provider == "anthropic":
            assert sent["stream"] is True and sent["max_tokens"] == 64
            headers = mock.stats()["last_headers"]
            assert headers["anthropic-version"] == "2023-06-01"
            assert headers["x-api-key"] == "<redacted>"
        else:
            assert sent["stream"] is True
            assert sent["options"] == {"num_predict": 64, "temperature": 0.5}
        assert sent["temperature" if provider != "ollama" else "model"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_fast_long_stream_arrives_whole_and_in_order(make_client, provider):
    client = make_client(provider)

    async def main():
        return [chunk async for chunk in client.complete_stream("x mock:tokens=2000")]

    chunks = asyncio.run(main())
    assert "".join(chunks) == "tok1" + "".join(f" tok{i}" for i in range(2, 2001))
    assert all(chunks)


def test_dropping_an_unfinished_stream_aborts_it(make_client, mock):
    client = make_client("openai")

    async def main():
        before = mock.stats()["disconnected_early"]
        stream = client.complete_stream("x mock:tokens=50 mock:token_delay_ms=40")
        async for _ in stream:
            break
        del stream  # no close(), no async with: the last reference goes
        return before

    before = asyncio.run(main())
    mock.wait_for("disconnected_early", before + 1)


def test_a_stream_read_with_async_for_cannot_be_read_blocking_too(make_client):
    client = make_client("openai")

    async def main():
        stream = client.complete_stream("x mock:tokens=5 mock:token_delay_ms=5")
        first = await stream.__anext__()
        with pytest.raises(RuntimeError, match="async for"):
            next(stream)
        return first + "".join([chunk async for chunk in stream])

    assert asyncio.run(main()) == "tok1 tok2 tok3 tok4 tok5"


def test_two_tasks_reading_one_stream_at_once_is_refused(make_client):
    client = make_client("openai")

    async def main():
        # The answer starts 300 ms late: the first task is surely waiting.
        stream = client.complete_stream("x mock:tokens=5 mock:delay_ms=300")
        first = asyncio.ensure_future(stream.__anext__())
        await asyncio.sleep(0)  # lets the first task start and wait
        with pytest.raises(RuntimeError, match="already waiting"):
            await stream.__anext__()
        return await first + "".join([chunk async for chunk in stream])

    assert asyncio.run(main()) == "tok1 tok2 tok3 tok4 tok5"
