#!/usr/bin/python3
"""A bounded soak test: mixed completions, streams, embeddings and workflows
against the mock provider with random faults and random cancellations.

    soak.py [--seconds 30] [--lanes 16] [--seed N]

Every request carries a unique id in its prompt, and the mock answers
"Mock reply to: <prompt>", so each answer is checked to be its own request's
(nothing answered twice, nothing crossed). Afterwards it checks that:
- every outcome was an answer or a typed graphbit error (or a cancellation);
- each client's statistics count exactly the calls made on it;
- resident memory did not grow after the warm-up beyond a small margin;
- after shutdown(), the file descriptors are back to the baseline and the
  mock has no connection open.
Exit status 0 when all hold; the figures are printed either way.
"""

import argparse
import asyncio
import gc
import json
import os
import random
import subprocess
import sys
import time
import urllib.request

import graphbit

# Expected failures: the faults injected, surfacing as typed errors.
EXPECTED = (graphbit.GraphbitError, asyncio.CancelledError, asyncio.TimeoutError)


def rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def describe_fds() -> list:
    described = []
    for fd in sorted(os.listdir("/proc/self/fd"), key=int):
        try:
            described.append(f"{fd}:{os.readlink('/proc/self/fd/' + fd)}")
        except OSError:
            pass
    return described


class Mock:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [os.environ["GRAPHBIT_MOCK_PROVIDER"]], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.url = self.process.stdout.readline().decode().split()[1]

    def stats(self) -> dict:
        with urllib.request.urlopen(self.url + "/_mock/stats", timeout=10) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


class Soak:
    def __init__(self, mock: Mock, rng: random.Random) -> None:
        self.rng = rng
        self.serial = 0
        self.outcomes: dict = {}
        self.calls: dict = {}
        self.crossed = []
        options = dict(max_retries=2, retry_base_delay=0.001, retry_max_delay=0.01, request_timeout=2.0,
                       circuit_breaker_threshold=0)
        self.llm = {
            "openai": graphbit.LlmClient(graphbit.LlmConfig.openai(api_key="sk-soak", base_url=mock.url + "/v1"),
                                         **options),
            "anthropic": graphbit.LlmClient(graphbit.LlmConfig.anthropic(api_key="sk-ant-soak", base_url=mock.url),
                                            **options),
            "ollama": graphbit.LlmClient(graphbit.LlmConfig.ollama(base_url=mock.url), **options),
        }
        self.embedder = graphbit.EmbeddingClient(
            graphbit.EmbeddingConfig.openai(api_key="sk-soak", base_url=mock.url + "/v1"), **options)
        self.executor = graphbit.Executor(graphbit.LlmConfig.openai(api_key="sk-soak", base_url=mock.url + "/v1"),
                                          timeout_seconds=10)

    def prompt(self) -> str:
        self.serial += 1
        faults = self.rng.choice([
            "", "", "",
            "mock:fault_rate=0.5 mock:fault=status mock:status=500",
            "mock:fault_rate=0.5 mock:fault=close",
            "mock:fault_rate=0.5 mock:fault=reset",
            "mock:fault=status mock:status=400",
            "mock:delay_ms=30",
        ])
        return f"soak-{self.serial} {faults} mock:seed={self.serial}"

    def count(self, kind: str, outcome: str) -> None:
        key = (kind, outcome)
        self.outcomes[key] = self.outcomes.get(key, 0) + 1

    def called(self, name: str) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1

    async def one(self) -> None:
        kind = self.rng.choice(["complete", "complete", "stream", "embed", "workflow"])
        prompt = self.prompt()
        provider = self.rng.choice(list(self.llm))
        cancel_after = self.rng.choice([None, None, None, 0.001, 0.02])
        try:
            if kind == "complete":
                self.called(provider)
                work = self.llm[provider].complete_async(prompt)
            elif kind == "stream":
                self.called(provider)
                work = self.read_stream(provider, prompt + " mock:tokens=30")
            elif kind == "embed":
                self.called("embed")
                work = self.embedder.embed_batch([prompt, prompt + " again"])
            else:
                work = self.run_workflow(prompt)
            # One step first: the call is then on its way (and counted by
            # its client) whatever the cancellation does.
            task = asyncio.ensure_future(work)
            await asyncio.sleep(0)
            if cancel_after is not None:
                result = await asyncio.wait_for(task, cancel_after)
            else:
                result = await task
            self.check(kind, prompt, result)
            self.count(kind, "answered")
        except EXPECTED as error:
            self.count(kind, type(error).__name__)

    async def read_stream(self, provider: str, prompt: str) -> str:
        stream = self.llm[provider].complete_stream(prompt)
        chunks = []
        try:
            async for chunk in stream:
                chunks.append(chunk)
                if self.rng.random() < 0.05:
                    stream.close()   # the consumer walks away mid-stream
                    raise asyncio.CancelledError()
        finally:
            stream.close()
        return "".join(chunks)

    async def run_workflow(self, prompt: str) -> graphbit.WorkflowResult:
        workflow = graphbit.Workflow("soak")
        workflow.add_node(graphbit.Node.agent("a", f"{prompt} first"))
        workflow.add_node(graphbit.Node.agent("b", f"{prompt} second"))
        workflow.add_node(graphbit.Node.transform("c", "uppercase"))
        workflow.connect("a", "c")
        workflow.connect("b", "c")
        return await self.executor.run_async(workflow)

    def check(self, kind: str, prompt: str, result) -> None:
        tag = prompt.split()[0] + " "
        if kind == "complete" and not result.startswith("Mock reply to: " + tag):
            self.crossed.append((prompt, result[:80]))
        elif kind == "stream" and result and not result.startswith("tok1"):
            self.crossed.append((prompt, result[:80]))
        elif kind == "embed" and (len(result) != 2 or not result[0]):
            self.crossed.append((prompt, "embedding shape"))
        elif kind == "workflow" and result.is_success():
            outputs = result.get_all_node_outputs()
            if tag not in outputs["a"] or tag.upper() not in outputs["c"]:
                self.crossed.append((prompt, "workflow output"))

    async def lane(self, until: float) -> None:
        while time.monotonic() < until:
            await self.one()


async def main_async(soak: Soak, seconds: float, lanes: int) -> dict:
    start = time.monotonic()
    warm = start + seconds * 0.25
    samples = {}

    async def sampler() -> None:
        await asyncio.sleep(max(0.0, warm - time.monotonic()))
        gc.collect()
        samples["rss_after_warmup_kb"] = rss_kb()

    tasks = [asyncio.ensure_future(soak.lane(start + seconds)) for _ in range(lanes)]
    await asyncio.gather(sampler(), *tasks)
    gc.collect()
    samples["rss_end_kb"] = rss_kb()
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--lanes", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-rss-growth-kb", type=int, default=12 * 1024)
    args = parser.parse_args()

    fds_before = open_fds()
    mock = Mock()
    soak = Soak(mock, random.Random(args.seed))
    # A short first round, then shutdown(): what stays open after it (the
    # mock's pipes, GLib's wake-up fds and the event loop's completion queue) is the
    # baseline the end is compared with.
    asyncio.run(main_async(soak, min(1.0, args.seconds / 10), args.lanes))
    graphbit.shutdown()
    gc.collect()
    fds_baseline = open_fds()
    for client in (*soak.llm.values(), soak.embedder):
        client.reset_stats()
    soak.calls.clear()
    soak.outcomes.clear()
    samples = asyncio.run(main_async(soak, args.seconds, args.lanes))

    stats = {name: client.get_stats()["total_requests"] for name, client in soak.llm.items()}
    stats["embed"] = soak.embedder.get_stats()["total_requests"]
    graphbit.shutdown()
    gc.collect()
    fds_after = open_fds()
    mock_stats = mock.stats()
    mock.stop()

    total = sum(soak.outcomes.values())
    growth = samples["rss_end_kb"] - samples["rss_after_warmup_kb"]
    report = {
        "operations": total,
        "per_second": round(total / args.seconds, 1),
        "outcomes": {f"{kind}/{outcome}": n for (kind, outcome), n in sorted(soak.outcomes.items())},
        "rss_after_warmup_kb": samples["rss_after_warmup_kb"],
        "rss_end_kb": samples["rss_end_kb"],
        "rss_growth_kb": growth,
        "fds": {"before": fds_before, "baseline": fds_baseline, "after_shutdown": fds_after},
        "mock_connections_open_after_shutdown": mock_stats["connections_open"],
        "mock_requests": mock_stats["requests"],
        "faults_injected": mock_stats.get("faults_injected"),
        "calls": soak.calls,
        "client_stats": stats,
    }
    print(json.dumps(report, indent=2))

    problems = []
    if soak.crossed:
        problems.append(f"{len(soak.crossed)} answers were not their request's: {soak.crossed[:3]}")
    if stats != {name: soak.calls.get(name, 0) for name in stats}:
        problems.append(f"client statistics {stats} differ from the calls made {soak.calls}")
    if growth > args.max_rss_growth_kb:
        problems.append(f"resident memory grew by {growth} kB after the warm-up")
    if fds_after > fds_baseline:
        problems.append(f"{fds_after - fds_baseline} file descriptors still open after shutdown(): {describe_fds()}")
    if mock_stats["connections_open"] != 0:
        problems.append(f"the mock still has {mock_stats['connections_open']} connections open")
    if not any(outcome == "answered" for (_, outcome) in soak.outcomes):
        problems.append("nothing was answered")
    for problem in problems:
        print("FAIL:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
