"""Shared fixtures: the mock provider server, started per test module."""

import json
import os
import subprocess
import time
import urllib.parse
import urllib.request

import pytest


class MockProvider:
    """The project's mock provider, on an ephemeral loopback port."""

    def __init__(self) -> None:
        # Sanitizer builds check the library, not the mock (see tests/c/mock-server.c).
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
        self.process = subprocess.Popen(
            [os.environ["GRAPHBIT_MOCK_PROVIDER"]],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        line = self.process.stdout.readline().decode().strip()
        assert line.startswith("READY "), line
        self.url = line[len("READY "):]

    @property
    def openai_base(self) -> str:
        return self.url + "/v1"

    def stats(self) -> dict:
        with urllib.request.urlopen(self.url + "/_mock/stats", timeout=10) as response:
            return json.loads(response.read())

    def attempts(self, prompt: str) -> int:
        """How many attempts the mock saw for one logical request (its prompt)."""
        query = urllib.parse.urlencode({"key": prompt})
        with urllib.request.urlopen(f"{self.url}/_mock/attempts?{query}", timeout=10) as response:
            return json.loads(response.read())["attempts"]

    def last_request(self) -> dict:
        return json.loads(self.stats()["last_request"])

    def wait_for(self, key: str, at_least: int, limit_s: float = 10.0) -> None:
        """Waits (bounded) until the mock's counter ``key`` reaches ``at_least``."""
        deadline = time.monotonic() + limit_s
        while self.stats()[key] < at_least:
            assert time.monotonic() < deadline, f"mock never saw {key} >= {at_least}"
            time.sleep(0.005)

    def cancel_once_sent(self, make_awaitable) -> None:
        """Runs ``make_awaitable()`` as an asyncio task, cancels the task once
        the mock has its request, and waits (bounded) until the cancellation
        closed the connection."""
        import asyncio

        async def main():
            before = self.stats()
            task = asyncio.ensure_future(make_awaitable())
            while self.stats()["requests"] <= before["requests"]:
                await asyncio.sleep(0.005)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return before["disconnected_early"]

        disconnected = asyncio.run(main())
        self.wait_for("disconnected_early", disconnected + 1)

    def stop(self) -> None:
        self.process.stdin.close()
        assert self.process.wait(timeout=10) == 0


@pytest.fixture(scope="module")
def mock():
    server = MockProvider()
    yield server
    server.stop()


@pytest.fixture
def single_attempt():
    """Client options for tests of one attempt's outcome: no retries, no breaker."""
    return {"max_retries": 0, "circuit_breaker_threshold": 0}


@pytest.fixture
def openai_config(mock):
    import graphbit

    return graphbit.LlmConfig.openai(api_key="sk-test-secret", base_url=mock.openai_base)
