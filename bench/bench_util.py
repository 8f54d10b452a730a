"""What the Python side of the benchmark suite shares: the mock, CPU and memory readings, results."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import urllib.request
from typing import Iterable, Optional, Tuple

_PAGE = os.sysconf("SC_PAGE_SIZE")


def start_mock(path: str) -> Tuple[subprocess.Popen, str]:
    """Starts the mock provider at ``path``; returns it and its URL. It exits when its stdin closes."""
    mock = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    line = mock.stdout.readline().decode().strip()
    if not line.startswith("READY "):
        mock.kill()
        raise RuntimeError(f"the mock provider did not start: {line!r}")
    return mock, line[len("READY "):]


def stop_mock(mock: subprocess.Popen) -> None:
    mock.stdin.close()
    try:
        mock.wait(timeout=10)
    except subprocess.TimeoutExpired:
        mock.kill()
        mock.wait()


def mock_requests(url: str) -> int:
    """Provider requests the mock has received so far."""
    with urllib.request.urlopen(url + "/_mock/stats", timeout=10) as answer:
        return json.load(answer)["requests"]


def cpu_seconds() -> float:
    """User + system CPU time of this process, every thread included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE


def median(samples: Iterable[float]) -> float:
    return statistics.median(list(samples))


def report(impl: str, scenario: str, **values: float) -> None:
    """The line bench/run_suite.py reads (the C programs print the same)."""
    print("RESULT " + json.dumps(dict(impl=impl, scenario=scenario, **values)), flush=True)


def prompt(directives: str = "") -> str:
    """The prompt every implementation sends (bench_prompt() in C)."""
    return "Say something short about benchmarks." + (" " + directives if directives else "")


def parse_result(output: str) -> Optional[dict]:
    for line in reversed(output.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    return None
