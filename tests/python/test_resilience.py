"""Retries, circuit breaker, deadlines, rate limits and error mapping under injected faults."""

import asyncio
import itertools
import threading
import time

import pytest

import graphbit

_ids = itertools.count()


def prompt(directives: str) -> str:
    """A unique prompt, so the mock counts this request's attempts on their own."""
    return f"req{next(_ids)}-{time.monotonic_ns()} {directives}"


def client_for(mock, provider="openai", **options):
    options.setdefault("retry_base_delay", 0.01)
    options.setdefault("retry_max_delay", 0.05)
    if provider == "openai":
        config = graphbit.LlmConfig.openai(api_key="sk-test", base_url=mock.url + "/v1")
    elif provider == "anthropic":
        config = graphbit.LlmConfig.anthropic(api_key="sk-ant-test", base_url=mock.url)
    else:
        config = graphbit.LlmConfig.ollama(base_url=mock.url)
    return graphbit.LlmClient(config, **options)


@pytest.mark.parametrize("provider", ["openai", "anthropic", "ollama"])
@pytest.mark.parametrize("fault", ["fault=status mock:status=500", "fault=status mock:status=503",
                                   "fault=close", "fault=reset", "fault=status mock:status=429"])
def test_transient_faults_end_in_success(mock, provider, fault):
    client = client_for(mock, provider)
    text = prompt(f"mock:fail_first=2 mock:{fault}")
    assert client.complete(text) == f"Mock reply to: {text}"
    assert mock.attempts(text) == 3
    stats = client.get_stats()
    assert stats["successful_requests"] == 1
    assert stats["retries"] == 2
    assert stats["failed_requests"] == 0


def test_anthropic_overload_529_is_retried(mock):
    client = client_for(mock, "anthropic")
    text = prompt("mock:fail_first=1 mock:status=529")
    assert client.complete(text).endswith(text)
    assert mock.attempts(text) == 2


def test_retry_after_is_honoured(mock):
    client = client_for(mock)
    text = prompt("mock:fail_first=1 mock:status=429 mock:retry_after_ms=400")
    started = time.monotonic()
    client.complete(text)
    # The client waited at least what the server asked for (a lower bound:
    # never waiting less is what matters).
    assert time.monotonic() - started >= 0.4
    assert mock.attempts(text) == 2


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_rate_limit_reset_headers_are_honoured(mock, provider):
    client = client_for(mock, provider)
    text = prompt("mock:fail_first=1 mock:status=429 mock:rate_reset=600")
    started = time.monotonic()
    client.complete(text)
    assert time.monotonic() - started >= 0.5
    assert mock.attempts(text) == 2


def test_rate_limit_after_retries_carries_retry_after(mock):
    client = client_for(mock, max_retries=2)
    text = prompt("mock:fault=status mock:status=429 mock:retry_after_ms=20")
    with pytest.raises(graphbit.RateLimitError) as info:
        client.complete(text)
    assert mock.attempts(text) == 3
    assert info.value.retry_count == 2
    assert info.value.retry_after == pytest.approx(0.02)
    assert info.value.status_code == 429
    assert info.value.provider == "openai"
    assert info.value.operation == "complete"
    assert info.value.duration_ms >= 40


@pytest.mark.parametrize(
    "directives, error_class",
    [
        ("mock:status=400", graphbit.ProviderError),
        ("mock:status=401", graphbit.AuthenticationError),
        ("mock:status=403", graphbit.AuthenticationError),
        ("mock:status=404", graphbit.ProviderError),
        ("mock:status=429 mock:quota=1", graphbit.RateLimitError),
        ("mock:status=500 mock:should_retry=false", graphbit.ProviderError),
    ],
)
def test_client_errors_are_not_retried(mock, directives, error_class):
    client = client_for(mock)
    text = prompt(f"mock:fault=status {directives}")
    with pytest.raises(error_class) as info:
        client.complete(text)
    assert mock.attempts(text) == 1
    assert info.value.retry_count == 0


def test_server_errors_after_retries_keep_status(mock):
    client = client_for(mock, max_retries=3, circuit_breaker_threshold=0)
    text = prompt("mock:fault=status mock:status=502")
    with pytest.raises(graphbit.ProviderError) as info:
        client.complete(text)
    assert mock.attempts(text) == 4
    assert info.value.status_code == 502
    assert info.value.retry_count == 3


def test_connection_failures_become_network_errors(mock):
    client = client_for(mock, max_retries=1, circuit_breaker_threshold=0)
    for kind in ("close", "reset"):
        text = prompt(f"mock:fault={kind}")
        with pytest.raises(ConnectionError) as info:
            client.complete(text)
        assert isinstance(info.value, graphbit.NetworkError)
        assert mock.attempts(text) == 2


def test_hang_is_cut_by_the_attempt_timeout_then_retried(mock):
    client = client_for(mock, request_timeout=0.3)
    before = mock.stats()
    text = prompt("mock:fail_first=1 mock:fault=hang")
    assert client.complete(text).endswith(text)
    assert mock.attempts(text) == 2
    assert mock.stats()["hangs"] == before["hangs"] + 1
    # The abandoned attempt's connection was closed, not left hanging.
    mock.wait_for("disconnected_early", before["disconnected_early"] + 1)


def test_deadline_bounds_the_whole_call(mock):
    client = client_for(mock, request_timeout=0.2, deadline=0.5, max_retries=10, circuit_breaker_threshold=0)
    text = prompt("mock:fault=hang")
    started = time.monotonic()
    with pytest.raises(TimeoutError) as info:
        client.complete(text)
    elapsed = time.monotonic() - started
    assert isinstance(info.value, graphbit.RequestTimeoutError)
    assert elapsed >= 0.5
    assert elapsed < 5  # not 10 retries of 0.2 s plus backoffs
    assert info.value.retry_count >= 1


def test_slow_stream_is_not_cut_but_silent_one_is(mock):
    # Tokens every 100 ms for 1.5 s, with a 0.4 s per-attempt timeout:
    # the timeout measures silence, so the stream completes.
    client = client_for(mock, request_timeout=0.4, max_retries=0)
    chunks = list(client.stream(prompt("mock:tokens=15 mock:token_delay_ms=100")))
    assert "".join(chunks).endswith("tok15")

    silent = client.stream(prompt("mock:fault=hang"))
    with pytest.raises(TimeoutError):
        list(silent)


@pytest.mark.parametrize("provider", ["openai", "anthropic", "ollama"])
def test_stream_failures_before_text_are_retried(mock, provider):
    client = client_for(mock, provider)
    text = prompt("mock:fail_first=2 mock:fault=status mock:status=503 mock:tokens=4")
    assert "".join(client.stream(text)) == "tok1 tok2 tok3 tok4"
    assert mock.attempts(text) == 3


def test_stream_cut_after_text_is_not_retried(mock):
    client = client_for(mock, "ollama")
    text = prompt("mock:fault=cut mock:tokens=10 mock:cut_after=4")
    received = []
    with pytest.raises(graphbit.NetworkError):
        for chunk in client.stream(text):
            received.append(chunk)
    assert "".join(received).startswith("tok1")
    # Delivered text is never delivered twice: no second attempt.
    assert mock.attempts(text) == 1


def test_circuit_breaker_opens_and_recovers(mock):
    client = client_for(mock, max_retries=0, circuit_breaker_threshold=3, circuit_breaker_recovery=0.3)
    for _ in range(3):
        with pytest.raises(graphbit.ProviderError):
            client.complete(prompt("mock:fault=status mock:status=500"))
    assert client.get_stats()["circuit_breaker_state"] == "open"

    before = mock.stats()["requests"]
    with pytest.raises(graphbit.CircuitOpenError) as info:
        client.complete(prompt("never sent"))
    assert isinstance(info.value, RuntimeError)
    assert 0 < info.value.retry_after <= 0.3
    assert mock.stats()["requests"] == before  # refused without a request

    # After the recovery time a probe goes through and closes the breaker.
    deadline = time.monotonic() + 5
    while client.get_stats()["circuit_breaker_state"] != "half_open":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert client.complete("probe").startswith("Mock reply")
    assert client.get_stats()["circuit_breaker_state"] == "closed"


def test_failed_probe_reopens_the_breaker(mock):
    client = client_for(mock, max_retries=0, circuit_breaker_threshold=1, circuit_breaker_recovery=0.2)
    with pytest.raises(graphbit.ProviderError):
        client.complete(prompt("mock:fault=status mock:status=500"))
    deadline = time.monotonic() + 5
    while client.get_stats()["circuit_breaker_state"] != "half_open":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    with pytest.raises(graphbit.ProviderError):
        client.complete(prompt("mock:fault=status mock:status=500"))
    assert client.get_stats()["circuit_breaker_state"] == "open"


def test_breaker_ignores_client_errors(mock):
    client = client_for(mock, max_retries=0, circuit_breaker_threshold=2)
    for _ in range(5):
        with pytest.raises(graphbit.ProviderError):
            client.complete(prompt("mock:fault=status mock:status=400"))
    assert client.get_stats()["circuit_breaker_state"] == "closed"


def test_max_in_flight_queues_and_bounds_the_queue(mock):
    client = client_for(mock, max_in_flight=2, max_queued=3)

    async def main():
        calls = [client.complete_async(prompt("mock:delay_ms=300")) for _ in range(8)]
        return await asyncio.gather(*calls, return_exceptions=True)

    outcomes = asyncio.run(main())
    succeeded = [o for o in outcomes if isinstance(o, str)]
    refused = [o for o in outcomes if isinstance(o, graphbit.ResourceExhaustedError)]
    assert len(succeeded) == 5  # 2 in flight + 3 queued
    assert len(refused) == 3
    assert all(isinstance(o, MemoryError) for o in refused)
    assert refused[0].resource_type == "request_queue"
    stats = client.get_stats()
    assert stats["rejected_requests"] == 3
    assert stats["in_flight"] == 0 and stats["queued"] == 0


def test_requests_per_second_spreads_the_calls(mock):
    client = client_for(mock, requests_per_second=20)

    async def main():
        started = time.monotonic()
        await asyncio.gather(*(client.complete_async(prompt("")) for _ in range(10)))
        return time.monotonic() - started

    # 10 starts, 50 ms apart: the last one no earlier than 450 ms in.
    assert asyncio.run(main()) >= 0.45


def test_cancelling_a_queued_call(mock):
    client = client_for(mock, max_in_flight=1)

    async def main():
        first = asyncio.ensure_future(client.complete_async(prompt("mock:delay_ms=400")))
        queued = asyncio.ensure_future(client.complete_async(prompt("queued")))
        await asyncio.sleep(0.05)
        queued.cancel()
        with pytest.raises(asyncio.CancelledError):
            await queued
        return await first

    assert asyncio.run(main()).startswith("Mock reply")
    stats = client.get_stats()
    assert stats["cancelled_requests"] == 1 and stats["successful_requests"] == 1


def test_cancelling_during_a_backoff_wait(mock):
    client = client_for(mock, retry_base_delay=5, retry_max_delay=5)

    async def main():
        text = prompt("mock:fault=status mock:status=500")
        task = asyncio.ensure_future(client.complete_async(text))
        while mock.attempts(text) < 1:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)   # now in the 5 s backoff
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - started, text

    waited, text = asyncio.run(main())
    assert waited < 2
    assert mock.attempts(text) == 1


def test_invalid_settings_are_refused_whole():
    config = graphbit.LlmConfig.openai(api_key="k", base_url="http://127.0.0.1:9/v1")
    for kwargs, field in [
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 21}, "max_retries"),
        ({"retry_base_delay": 0}, "retry_base_delay"),
        ({"retry_base_delay": 1, "retry_max_delay": 0.5}, "retry_max_delay"),
        ({"request_timeout": -1}, "request_timeout"),
        ({"deadline": float("nan")}, "deadline"),
        ({"circuit_breaker_threshold": -2}, "circuit_breaker_threshold"),
        ({"requests_per_second": -5}, "requests_per_second"),
        ({"max_in_flight": 2**40}, "max_in_flight"),
    ]:
        with pytest.raises(ValueError) as info:
            graphbit.LlmClient(config, **kwargs)
        assert info.value.field == field, kwargs


def test_random_faults_every_outcome_is_the_documented_one(mock):
    """100 calls with faults at random (30 %): each ends once, as it should."""
    client = client_for(mock, max_retries=2, circuit_breaker_threshold=0)
    kinds = ["status mock:status=500", "status mock:status=429", "close", "reset", "status mock:status=400"]
    requests_before = mock.stats()["requests"]

    async def one(i):
        text = prompt(f"mock:fault_rate=0.3 mock:seed={i} mock:fault={kinds[i % len(kinds)]}")
        try:
            return text, await client.complete_async(text)
        except graphbit.GraphbitError as error:
            return text, error

    async def main():
        return await asyncio.gather(*(one(i) for i in range(100)))

    outcomes = asyncio.run(main())
    total_attempts = 0
    for i, (text, outcome) in enumerate(outcomes):
        attempts = mock.attempts(text)
        total_attempts += attempts
        kind = kinds[i % len(kinds)]
        if isinstance(outcome, str):
            assert outcome == f"Mock reply to: {text}"
            assert attempts <= 3
        elif "400" in kind:
            assert isinstance(outcome, graphbit.ProviderError) and attempts == 1
        elif "429" in kind:
            assert isinstance(outcome, graphbit.RateLimitError) and attempts == 3
        elif "500" in kind:
            assert isinstance(outcome, graphbit.ProviderError) and attempts == 3
        else:
            assert isinstance(outcome, graphbit.NetworkError) and attempts == 3
    stats = client.get_stats()
    assert stats["total_requests"] == 100
    assert stats["successful_requests"] + stats["failed_requests"] == 100
    assert stats["successful_requests"] == sum(isinstance(o, str) for _, o in outcomes)
    # Nothing lost, nothing sent twice beyond its retries.
    assert mock.stats()["requests"] - requests_before == total_attempts
    assert stats["retries"] == total_attempts - 100


def test_connections_return_to_baseline(mock):
    baseline = mock.stats()["connections_open"]
    client = client_for(mock)
    for kind in ("close", "reset", "status mock:status=500"):
        client.complete(prompt(f"mock:fail_first=1 mock:fault={kind}"))
    graphbit.shutdown()  # frees every session and its kept-alive connections
    deadline = time.monotonic() + 10
    while mock.stats()["connections_open"] > baseline:
        assert time.monotonic() < deadline, mock.stats()["connections_open"]
        time.sleep(0.02)


def test_health_check_summarises_circuit_breakers(mock):
    client = client_for(mock, max_retries=0, circuit_breaker_threshold=1, circuit_breaker_recovery=60)
    with pytest.raises(graphbit.ProviderError):
        client.complete(prompt("mock:fault=status mock:status=500"))
    health = graphbit.health_check()
    assert health["clients"] >= 1
    assert health["circuit_breakers_open"] >= 1
    mine = [b for b in health["circuit_breakers"] if b["state"] == "open"]
    assert mine and mine[0]["provider"] == "openai" and mine[0]["consecutive_failures"] >= 1
    # A provider outage is not the process being unhealthy.
    assert health["overall_healthy"] is True
