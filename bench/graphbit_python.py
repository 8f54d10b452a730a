"""The benchmark scenarios through graphbit's Python API.

    graphbit_python.py SCENARIO [--count N] [--rounds N] [--lanes N] [--tokens N] [--delay-ms MS]

The scenarios of floor.c and graphbit-c.c, written as a Python application
would: blocking ``complete()`` in a loop; ``complete_async()`` under
``asyncio.run()`` for calls in flight; ``async for`` over a stream;
``LlmClient`` objects kept idle; ``Executor.execute()`` for the workflow.
CPU is this process's (interpreter, dispatch thread and graphbit's I/O
threads); the mock runs in its own process. Prints one RESULT line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import time
from typing import List, Tuple

import graphbit

from bench_util import cpu_seconds, median, mock_requests, prompt, report, rss_bytes, start_mock, stop_mock

IMPL = "python"
CHAIN, FAN = 10, 40


def config(url: str) -> graphbit.LlmConfig:
    return graphbit.LlmConfig.openai(api_key="sk-bench", model="gpt-4o-mini", base_url=url + "/v1")


def per_call(count: int, rounds: int, run) -> Tuple[float, float]:
    """Median CPU and wall µs per call of ``run(count)`` over ``rounds`` rounds."""
    cpu: List[float] = []
    wall: List[float] = []
    for _ in range(rounds):
        c0, w0 = cpu_seconds(), time.monotonic()
        run(count)
        cpu.append((cpu_seconds() - c0) * 1e6 / count)
        wall.append((time.monotonic() - w0) * 1e6 / count)
    return median(cpu), median(wall)


def sequential(url: str, args: argparse.Namespace) -> None:
    client = graphbit.LlmClient(config(url))
    text = prompt()

    def run(count: int) -> None:
        for _ in range(count):
            client.complete(text)

    run(50)  # warm-up: runtime started, connections open
    cpu, wall = per_call(args.count, args.rounds, run)
    report(IMPL, "sequential", cpu_us=cpu, wall_us=wall, lanes=1, count=args.count)


async def lanes(client: graphbit.LlmClient, text: str, count: int, in_flight: int) -> None:
    """``in_flight`` calls at a time until ``count`` ended."""
    remaining = count

    async def lane() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await client.complete_async(text)

    await asyncio.gather(*(lane() for _ in range(min(in_flight, count))))


def concurrent(url: str, args: argparse.Namespace) -> None:
    client = graphbit.LlmClient(config(url))
    text = prompt()

    async def main() -> Tuple[float, float]:
        await lanes(client, text, max(args.lanes, 50), args.lanes)  # warm-up
        cpu: List[float] = []
        wall: List[float] = []
        for _ in range(args.rounds):
            c0, w0 = cpu_seconds(), time.monotonic()
            await lanes(client, text, args.count, args.lanes)
            cpu.append((cpu_seconds() - c0) * 1e6 / args.count)
            wall.append((time.monotonic() - w0) * 1e6 / args.count)
        return median(cpu), median(wall)

    cpu, wall = asyncio.run(main())
    report(IMPL, "concurrent", cpu_us=cpu, wall_us=wall, lanes=args.lanes, count=args.count)


async def one_stream(client: graphbit.LlmClient, text: str) -> Tuple[List[str], float]:
    """The chunks and the µs to the first text."""
    start = time.monotonic()
    first = 0.0
    chunks: List[str] = []
    async for chunk in client.complete_stream(text):
        if not first and chunk:
            first = time.monotonic()
        chunks.append(chunk)
    return chunks, (first - start) * 1e6


def stream(url: str, args: argparse.Namespace) -> None:
    client = graphbit.LlmClient(config(url))
    short = prompt("mock:tokens=4")
    long = prompt(f"mock:tokens={args.tokens}")

    async def main() -> Tuple[float, float, int]:
        await one_stream(client, short)  # warm-up
        ttft = [(await one_stream(client, short))[1] for _ in range(args.count)]
        cpu: List[float] = []
        chunks: List[str] = []
        for _ in range(args.rounds):
            c0 = cpu_seconds()
            chunks, _ = await one_stream(client, long)
            cpu.append((cpu_seconds() - c0) * 1e6 / args.tokens)
            if args.tokens == 2000 and not "".join(chunks).endswith("tok2000"):
                raise RuntimeError("truncated stream")
        return median(ttft), median(cpu), len(chunks)

    ttft, cpu, chunks = asyncio.run(main())
    report(IMPL, "stream", ttft_us=ttft, cpu_us_per_token=cpu, tokens=args.tokens, chunks=chunks)


def idle(url: str, args: argparse.Namespace) -> None:
    llm_config = config(url)
    graphbit.LlmClient(llm_config).complete(prompt())  # warm-up: runtime and sessions exist
    gc.collect()
    before = rss_bytes()
    clients = [graphbit.LlmClient(llm_config) for _ in range(args.count)]
    gc.collect()
    after = rss_bytes()
    report(IMPL, "idle", rss_per_client=(after - before) / len(clients), count=args.count)


def inflight(url: str, args: argparse.Namespace) -> None:
    client = graphbit.LlmClient(config(url))
    text = prompt(f"mock:delay_ms={args.delay_ms}")

    async def one_round() -> Tuple[float, float, float, int]:
        gc.collect()
        sent0 = mock_requests(url)
        rss0, c0, w0 = rss_bytes(), cpu_seconds(), time.monotonic()

        async def sample() -> Tuple[int, int]:
            await asyncio.sleep(args.delay_ms / 2000)
            return rss_bytes(), mock_requests(url) - sent0

        sampler = asyncio.ensure_future(sample())
        await asyncio.gather(*(client.complete_async(text) for _ in range(args.count)))
        rss_mid, sent_mid = await sampler
        return (
            (cpu_seconds() - c0) * 1e6 / args.count,
            time.monotonic() - w0,
            (rss_mid - rss0) / args.count,
            sent_mid,
        )

    async def main() -> List[Tuple[float, float, float, int]]:
        await one_round()  # warm-up
        return [await one_round() for _ in range(args.rounds)]

    rounds = asyncio.run(main())
    report(
        IMPL,
        "inflight",
        cpu_us=median(r[0] for r in rounds),
        wall_s=median(r[1] for r in rounds),
        rss_per_request=median(r[2] for r in rounds),
        sent_at_sample=median(r[3] for r in rounds),
        count=args.count,
    )


def bench_workflow(text: str) -> graphbit.Workflow:
    """A chain of 10 agents, the last feeding 40 (as in graphbit-c.c)."""
    workflow = graphbit.Workflow("bench")
    parent = None
    for i in range(CHAIN):
        name = f"c{i}"
        workflow.add_node(graphbit.Node.agent(name, text))
        if parent is not None:
            workflow.connect(parent, name)
        parent = name
    for i in range(FAN):
        workflow.add_node(graphbit.Node.agent(f"f{i}", text))
        workflow.connect(parent, f"f{i}")
    return workflow


def workflow(url: str, args: argparse.Namespace) -> None:
    executor = graphbit.Executor.new_high_throughput(config(url))
    flow = bench_workflow(prompt())

    def run(count: int) -> None:
        for _ in range(count):
            executor.execute(flow).check()

    run(2)  # warm-up
    cpu, wall = per_call(1, args.rounds, run)
    report(IMPL, "workflow", cpu_us_per_node=cpu / (CHAIN + FAN), wall_ms=wall / 1000, nodes=CHAIN + FAN)


SCENARIOS = {
    "sequential": sequential,
    "concurrent": concurrent,
    "stream": stream,
    "idle": idle,
    "inflight": inflight,
    "workflow": workflow,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    # Every loop is bounded: sizes are clamped as in bench-common.c.
    parser.add_argument("--count", type=lambda v: max(1, min(int(v), 100000)), default=400)
    parser.add_argument("--rounds", type=lambda v: max(1, min(int(v), 1000)), default=5)
    parser.add_argument("--lanes", type=lambda v: max(1, min(int(v), 1024)), default=64)
    parser.add_argument("--tokens", type=lambda v: max(1, min(int(v), 100000)), default=2000)
    parser.add_argument("--delay-ms", type=lambda v: max(0, min(int(v), 10000)), default=2000)
    args = parser.parse_args()

    url = os.environ.get("GRAPHBIT_BENCH_URL")
    mock = None
    if not url:
        mock, url = start_mock(os.environ["GRAPHBIT_MOCK_PROVIDER"])
    try:
        SCENARIOS[args.scenario](url, args)
    finally:
        if mock is not None:
            stop_mock(mock)
    return 0


if __name__ == "__main__":
    sys.exit(main())
