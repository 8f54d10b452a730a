"""LlmClient through every layer: blocking, asyncio, GIL, cancellation, Ctrl-C."""

import asyncio
import os
import signal
import threading

import pytest

import graphbit


@pytest.fixture
def client(openai_config, single_attempt):
    # Error-mapping tests look at one attempt; retries have their own tests.
    return graphbit.LlmClient(openai_config, **single_attempt)


def test_complete_returns_the_providers_text(mock, client):
    assert client.complete("hi") == "Mock reply to: hi"
    sent = mock.last_request()
    assert sent["model"] == "gpt-4o-mini"
    assert sent["messages"] == [{"role": "user", "content": "hi"}]
    assert mock.stats()["last_authorization_scheme"] == "Bearer"


def test_options_reach_the_wire_unchanged(mock, client):
    client.complete(prompt="Hello, world!", max_tokens=100, temperature=0.7)
    sent = mock.last_request()
    assert sent["max_tokens"] == 100
    assert sent["temperature"] == 0.7


def test_complete_from_another_thread(client):
    results = []
    thread = threading.Thread(target=lambda: results.append(client.complete("from a thread")))
    thread.start()
    thread.join()
    assert results == ["Mock reply to: from a thread"]


def test_complete_async_under_plain_asyncio_run(client):
    async def main():
        return await client.complete_async(prompt="Hello, world!", max_tokens=100, temperature=0.7)

    assert asyncio.run(main()) == "Mock reply to: Hello, world!"
    # The awaitable is a coroutine: asyncio.run() takes it directly too.
    assert asyncio.run(client.complete_async("direct")) == "Mock reply to: direct"


def test_many_concurrent_async_calls(client):
    async def main():
        return await asyncio.gather(*(client.complete_async(f"n{i}") for i in range(32)))

    assert asyncio.run(main()) == [f"Mock reply to: n{i}" for i in range(32)]


def test_async_prompts_with_or_without_options_are_sent_unchanged(client):
    # A plain prompt goes without a request object (its request is made
    # in C); leading blanks or options take the checked way.
    async def main():
        return [
            await client.complete_async("plain"),
            await client.complete_async(" padded"),
            await client.complete_async("\u00a0nbsp"),
            await client.complete_async("plain", max_tokens=5),
        ]

    assert asyncio.run(main()) == [
        "Mock reply to: plain",
        "Mock reply to:  padded",
        "Mock reply to: \u00a0nbsp",
        "Mock reply to: plain",
    ]


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"prompt": ""}, "prompt"),
        ({"prompt": "   "}, "prompt"),
        ({"prompt": "\n\t "}, "prompt"),
        ({"prompt": "x", "max_tokens": 0}, "max_tokens"),
        ({"prompt": "x", "max_tokens": 100001}, "max_tokens"),
        ({"prompt": "x", "max_tokens": 2**40}, "max_tokens"),
        ({"prompt": "x", "temperature": -0.1}, "temperature"),
        ({"prompt": "x", "temperature": 2.01}, "temperature"),
        ({"prompt": "x", "temperature": float("nan")}, "temperature"),
    ],
)
def test_validation_at_call_time_sync_and_async(mock, client, kwargs, field):
    before = mock.stats()["requests"]
    with pytest.raises(ValueError) as info:
        client.complete(**kwargs)
    assert info.value.field == field

    async def main():
        # Raised by the call itself, before anything is awaited.
        with pytest.raises(graphbit.ValidationError):
            client.complete_async(**kwargs)

    asyncio.run(main())
    assert mock.stats()["requests"] == before


def test_wrong_types_are_type_errors(client):
    with pytest.raises(TypeError):
        client.complete(None)
    with pytest.raises(TypeError):
        client.complete("x", max_tokens="10")
    with pytest.raises(TypeError):
        graphbit.LlmClient("openai")


def test_gil_is_released_during_the_blocking_call(mock, client):
    """While a blocking complete() waits in C, another Python thread runs."""
    before = mock.stats()["requests"]
    call_finished = threading.Event()
    observed_while_in_flight = []

    def complete_slowly():
        client.complete("slow mock:delay_ms=1500")
        call_finished.set()

    worker = threading.Thread(target=complete_slowly)
    worker.start()
    # This thread needs the GIL to poll the mock; it sees the request
    # arrive while the other thread is still inside the C call.
    mock.wait_for("requests", before + 1)
    observed_while_in_flight.append(not call_finished.is_set())
    worker.join()
    assert observed_while_in_flight == [True]


def test_typed_errors_with_details(client):
    with pytest.raises(PermissionError) as info:
        client.complete("x mock:status=401")
    error = info.value
    assert isinstance(error, graphbit.AuthenticationError)
    assert error.status_code == 401
    assert error.provider == "openai"
    assert error.operation == "complete"
    assert error.duration_ms is not None

    with pytest.raises(graphbit.RateLimitError) as info:
        client.complete("x mock:status=429 mock:retry_after=3")
    assert info.value.retry_after == 3.0

    with pytest.raises(graphbit.ProviderError) as info:
        client.complete("x mock:status=500")
    assert info.value.status_code == 500
    assert "Mock error with status 500" in str(info.value)
    assert '"server_error"' in info.value.body


def test_async_errors_are_typed_too(client):
    async def main():
        with pytest.raises(graphbit.ProviderError) as info:
            await client.complete_async("x mock:status=503")
        return info.value

    assert asyncio.run(main()).status_code == 503


def test_network_errors_are_connection_errors():
    refused = graphbit.LlmClient(graphbit.LlmConfig.openai(api_key="k", base_url="http://127.0.0.1:1/v1"))
    with pytest.raises(ConnectionError):
        refused.complete("x")


def test_cancelling_the_task_aborts_the_request(mock, client):
    mock.cancel_once_sent(lambda: client.complete_async("wait mock:delay_ms=30000"))


def test_ctrl_c_cancels_a_blocking_call(mock, client):
    before = mock.stats()

    def interrupt_when_in_flight():
        mock.wait_for("requests", before["requests"] + 1)
        os.kill(os.getpid(), signal.SIGINT)

    interrupter = threading.Thread(target=interrupt_when_in_flight)
    interrupter.start()
    with pytest.raises(KeyboardInterrupt):
        client.complete("wait mock:delay_ms=30000")
    interrupter.join()
    mock.wait_for("disconnected_early", before["disconnected_early"] + 1)


def test_shutdown_cancels_in_flight_async_work(mock, client):
    async def main():
        before = mock.stats()["requests"]
        task = asyncio.ensure_future(client.complete_async("wait mock:delay_ms=30000"))
        while mock.stats()["requests"] <= before:
            await asyncio.sleep(0.005)
        await asyncio.get_running_loop().run_in_executor(None, graphbit.shutdown)
        with pytest.raises(graphbit.CancelledError) as info:
            await task
        return info.value

    error = asyncio.run(main())
    assert "shut down" in str(error)
    # And the library starts again on next use.
    assert client.complete("again") == "Mock reply to: again"


def test_stats_count_every_request(client):
    client.reset_stats()
    client.complete("one")
    with pytest.raises(graphbit.ProviderError):
        client.complete("x mock:status=500")
    with pytest.raises(ValueError):
        client.complete("")  # refused before sending: not a request
    stats = client.get_stats()
    assert stats["total_requests"] == 2
    assert stats["successful_requests"] == 1
    assert stats["failed_requests"] == 1
    assert stats["success_rate"] == 0.5
    assert stats["average_response_time_ms"] > 0
    assert stats["p95_response_time_ms"] >= stats["p50_response_time_ms"] > 0
    assert stats["completion_tokens"] == 4  # "Mock reply to: one"
    client.reset_stats()
    assert client.get_stats()["total_requests"] == 0


def test_reprs_never_show_the_key(openai_config, client):
    assert "sk-test-secret" not in repr(openai_config)
    assert "sk-test-secret" not in repr(client)
    assert repr(openai_config).startswith("LlmConfig(provider='openai'")
    assert "sk-test-secret" not in repr(openai_config._native)


def test_gi_override_is_loaded(openai_config):
    assert type(openai_config._native).__module__ == "gi.overrides.Graphbit"


def test_a_forked_child_makes_calls_of_its_own(mock, openai_config):
    # multiprocessing's default on Linux: fork after the parent made calls.
    # The child must not wait on the parent's threads (GIO's shared pool,
    # which libproxy's proxy lookups use, is left without threads there).
    client = graphbit.LlmClient(openai_config, request_timeout=5, max_retries=0)
    assert client.complete("parent") == "Mock reply to: parent"
    asyncio.run(client.complete_async("parent async"))
    pid = os.fork()
    if pid == 0:
        try:
            ok = client.complete("child") == "Mock reply to: child"
            ok = ok and asyncio.run(client.complete_async("child async")) == "Mock reply to: child async"
            os._exit(0 if ok else 1)
        except BaseException:  # noqa: BLE001 - reported by the exit status
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert client.complete("parent again") == "Mock reply to: parent again"
