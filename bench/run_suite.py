"""Runs the benchmark suite and prints the table of issue 7 (see bench/RESULTS.md).

    run_suite.py --build-dir DIR [--quick] [--json FILE]

Starts one mock provider (a child process, on an ephemeral loopback port),
runs every scenario in a fresh process per implementation (the floor, a
hand-written libsoup client; graphbit through C; graphbit through Python),
then the cold starts, and prints one Markdown table: each metric for the
three, the ratios to the floor, the targets and pass/miss. Every count is
bounded and every process has a time limit. The results are not part of the
test suite's pass/fail: the exit status only says whether the suite ran.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from typing import Dict, List, Optional, Tuple

from bench_util import median, parse_result, start_mock, stop_mock

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"
PROCESS_TIMEOUT = 180  # seconds, per scenario process

# Scenario sizes: (full, quick). "count" and "rounds" mean what the C
# programs' --help says for each scenario.
SIZES = {
    "sequential": ({"count": 1000, "rounds": 5}, {"count": 300, "rounds": 3}),
    "concurrent": ({"count": 2000, "rounds": 5, "lanes": 64}, {"count": 640, "rounds": 3, "lanes": 64}),
    "stream": ({"count": 200, "rounds": 5, "tokens": 2000}, {"count": 50, "rounds": 3, "tokens": 2000}),
    "idle": ({"count": 2000}, {"count": 1000}),
    "inflight": ({"count": 1000, "rounds": 2, "delay-ms": 2000}, {"count": 1000, "rounds": 1, "delay-ms": 2000}),
    "workflow": ({"rounds": 40}, {"rounds": 15}),
}
COLD_SAMPLES = (11, 5)
# The cheap scenarios run this many times, the three implementations in
# turn, and each figure is the median over the runs: drift on a shared
# machine then hits all three alike.
REPEATS = {"sequential": (3, 1), "concurrent": (3, 1), "stream": (3, 1), "workflow": (3, 1)}
# The floor shards its 1000 requests over 16 sessions (~63 each): one
# session with 1000 costs ~3 ms CPU per request (see bench/RESULTS.md).
FLOOR_SESSIONS = 16

IMPLS = ("floor", "c", "python")
# Also run through the C API with caller loops off (every exchange on a
# worker thread, graphbit_runtime_set_use_caller_loops()): in the notes.
WORKERS = ("concurrent", "stream")


def command(build: str, impl: str, scenario: str, sizes: Dict[str, int]) -> List[str]:
    args = [f"--{name}={value}" for name, value in sizes.items()]
    if impl == "floor":
        extra = [f"--sessions={FLOOR_SESSIONS}"] if scenario == "inflight" else []
        return [os.path.join(build, "bench", "bench-floor"), scenario] + args + extra
    if impl == "c":
        return [os.path.join(build, "bench", "bench-graphbit-c"), scenario] + args
    return [PYTHON, os.path.join(HERE, "graphbit_python.py"), scenario] + args


def merge(runs: List[dict]) -> dict:
    """One result from several runs of a scenario: the median of each figure."""
    merged = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, (int, float)):
            merged[key] = median(run[key] for run in runs)
    return merged


def run_scenario(cmd: List[str], env: Dict[str, str]) -> Optional[dict]:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=PROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        print(f"  timed out after {PROCESS_TIMEOUT} s: {' '.join(cmd)}", file=sys.stderr)
        return None
    result = parse_result(done.stdout)
    if done.returncode != 0 or result is None:
        print(f"  failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    return result


def cold_start(build: str, cmd: List[str], env: Dict[str, str], samples: int) -> Optional[Tuple[float, float]]:
    """Median CPU (ms) and peak RSS (MB) of a fresh process per sample (see bench/cold-start.c)."""
    launcher = os.path.join(build, "bench", "bench-cold-start")
    try:
        done = subprocess.run([launcher, str(samples)] + cmd, env=env, capture_output=True, text=True,
                              timeout=30 * samples + 10)
    except subprocess.TimeoutExpired:
        print(f"  cold start timed out: {' '.join(cmd)}", file=sys.stderr)
        return None
    if done.returncode != 0:
        print(f"  cold start failed: {' '.join(cmd)}\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    rows = [line.split() for line in done.stdout.splitlines()]
    return median(float(cpu) for cpu, _ in rows), median(float(rss) / 1024 for _, rss in rows)


def machine() -> str:
    model = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} CPUs, Linux {platform.release()}, Python {platform.python_version()}"


# The table: (label, scenario, key, scale, unit, C target, Python target).
# A target is ("ratio", r): ≤ r × floor; ("add", a): ≤ floor + a;
# ("max", m): ≤ m; None: not a target, shown for information.
ROWS = [
    ("CPU per completion, sequential", "sequential", "cpu_us", 1, "µs", ("ratio", 1.2), ("ratio", 1.5)),
    ("CPU per completion, 64 in flight", "concurrent", "cpu_us", 1, "µs", ("ratio", 1.2), ("ratio", 1.5)),
    ("time to first streamed token", "stream", "ttft_us", 1e-3, "ms", ("add", 0.25), ("add", 0.75)),
    ("CPU per streamed token (2,000)", "stream", "cpu_us_per_token", 1, "µs", ("ratio", 1.2), ("ratio", 1.5)),
    ("memory per idle client", "idle", "rss_per_client", 1 / 1024, "kB", ("max", 8), ("max", 16)),
    ("memory per request, 1000 in flight", "inflight", "rss_per_request", 1 / 1024, "kB", ("max", 20), ("max", 25)),
    ("CPU per request, 1000 in flight, 2 s", "inflight", "cpu_us", 1e-3, "ms", ("max", 1.0), ("max", 1.2)),
    ("wall time, 1000 in flight, 2 s", "inflight", "wall_s", 1, "s", ("max", 2.5), None),
    ("CPU per workflow node (chain 10, fan-out 40)", "workflow", "cpu_us_per_node", 1, "µs", ("add", 25), ("ratio", 1.3)),
    ("cold start CPU", "cold", "cpu_ms", 1, "ms", ("max", 20), ("max", 95)),
    ("cold start peak RSS", "cold", "rss_mb", 1, "MB", ("max", 12), ("max", 30)),
]


def fmt(value: Optional[float]) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def target_text(target, unit: str) -> str:
    if target is None:
        return "—"
    kind, limit = target
    if kind == "ratio":
        return f"≤ {limit:g}×"
    if kind == "add":
        return f"≤ +{limit:g} {unit}"
    return f"≤ {limit:g} {unit}"


def verdict(target, value: Optional[float], floor: Optional[float]) -> str:
    if target is None or value is None:
        return "—"
    kind, limit = target
    if kind == "max":
        ok = value <= limit
    elif floor is None:
        return "—"
    elif kind == "ratio":
        ok = value <= limit * floor
    else:
        ok = value <= floor + limit
    return "pass" if ok else "**miss**"


def versus(target, value: Optional[float], floor: Optional[float], unit: str) -> str:
    """The comparison with the floor the target is stated in (a ratio, or the difference)."""
    if value is None or floor is None or floor == 0:
        return "—"
    if target is not None and target[0] == "add":
        return f"{value - floor:+.2f} {unit}"
    return f"{value / floor:.2f}×"


def table(results: Dict[Tuple[str, str], dict]) -> str:
    lines = [
        "| metric | floor | C | C vs floor | Python | Python vs floor | target C / Python | C | Python |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for label, scenario, key, scale, unit, c_target, py_target in ROWS:
        values = {}
        for impl in IMPLS:
            result = results.get((impl, scenario))
            values[impl] = result[key] * scale if result is not None and key in result else None
        floor, c, py = values["floor"], values["c"], values["python"]
        c_verdict, py_verdict = verdict(c_target, c, floor), verdict(py_target, py, floor)
        if key == "rss_per_request":
            c_verdict = not_all_in_flight(results.get(("c", scenario))) or c_verdict
            py_verdict = not_all_in_flight(results.get(("python", scenario))) or py_verdict
        lines.append(
            f"| {label} ({unit}) | {fmt(floor)} | {fmt(c)} | {versus(c_target, c, floor, unit)} | {fmt(py)} "
            f"| {versus(py_target, py, floor, unit)} | {target_text(c_target, unit)} / {target_text(py_target, unit)} "
            f"| {c_verdict} | {py_verdict} |"
        )
    return "\n".join(lines)


def not_all_in_flight(result: Optional[dict]) -> Optional[str]:
    """A memory reading taken while fewer than all the requests had reached the mock measures less."""
    if result is None or result.get("sent_at_sample", 0) >= result.get("count", 0):
        return None
    return f"n/a: {result['sent_at_sample']:.0f} sent"


def notes(results: Dict[Tuple[str, str], dict]) -> List[str]:
    """Readings that explain the table without being targets."""
    def get(impl: str, scenario: str, key: str) -> Optional[float]:
        return results.get((impl, scenario), {}).get(key)

    lines = []
    if get("floor", "sequential", "cpu_async_us") is not None:
        lines.append(f"- floor, sequential: blocking libsoup API {fmt(get('floor', 'sequential', 'cpu_us'))} µs/call "
                     f"(the floor), async API on a main loop {fmt(get('floor', 'sequential', 'cpu_async_us'))} µs/call; "
                     f"wall {fmt(get('floor', 'sequential', 'wall_us'))} / {fmt(get('c', 'sequential', 'wall_us'))} / "
                     f"{fmt(get('python', 'sequential', 'wall_us'))} µs per call (floor / C / Python)")
    if get("c", "concurrent-workers", "cpu_us") is not None and get("floor", "concurrent", "cpu_us"):
        lines.append(f"- C with caller loops off (`graphbit_runtime_set_use_caller_loops (FALSE)`, every exchange "
                     f"on a worker thread): 64 in flight "
                     f"{fmt(get('c', 'concurrent-workers', 'cpu_us'))} µs per completion "
                     f"({get('c', 'concurrent-workers', 'cpu_us') / get('floor', 'concurrent', 'cpu_us'):.2f}× the floor)"
                     + (f", {fmt(get('c', 'stream-workers', 'cpu_us_per_token'))} µs per streamed token "
                        f"({get('c', 'stream-workers', 'cpu_us_per_token') / get('floor', 'stream', 'cpu_us_per_token'):.2f}×)"
                        if get("c", "stream-workers", "cpu_us_per_token") is not None and get("floor", "stream", "cpu_us_per_token")
                        else ""))
    if get("floor", "stream", "reads") is not None:
        lines.append(f"- stream of 2,000 tokens: the floor's reads {fmt(get('floor', 'stream', 'reads'))}, "
                     f"C chunks {fmt(get('c', 'stream', 'chunks'))}, Python chunks {fmt(get('python', 'stream', 'chunks'))}")
    if get("floor", "idle", "rss_per_session") is not None:
        lines.append(f"- a SoupSession of its own per client would cost {fmt(get('floor', 'idle', 'rss_per_session') / 1024)} kB")
    if get("floor", "inflight", "sent_at_sample") is not None:
        lines.append("- 1000 in flight: requests at the mock when memory was sampled (1 s in): "
                     + ", ".join(f"{impl} {fmt(get(impl, 'inflight', 'sent_at_sample'))}" for impl in IMPLS)
                     + f"; the floor shards over {FLOOR_SESSIONS} sessions")
    if get("floor", "workflow", "wall_ms") is not None:
        lines.append("- workflow wall per run: " + ", ".join(f"{impl} {fmt(get(impl, 'workflow', 'wall_ms'))} ms" for impl in IMPLS))
    if get("python-bare", "cold", "cpu_ms") is not None:
        lines.append(f"- cold start for scale: `python3 -c pass` {fmt(get('python-bare', 'cold', 'cpu_ms'))} ms, "
                     f"{fmt(get('python-bare', 'cold', 'rss_mb'))} MB; `import graphbit` alone "
                     f"{fmt(get('python-import', 'cold', 'cpu_ms'))} ms, {fmt(get('python-import', 'cold', 'rss_mb'))} MB")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--quick", action="store_true", help="smaller counts: about a minute")
    parser.add_argument("--json", help="also write every raw result to this file")
    parser.add_argument("--only", help="comma-separated scenarios to run (default: all, cold included)")
    args = parser.parse_args()

    build = os.path.abspath(args.build_dir)
    which = 1 if args.quick else 0
    only = set(args.only.split(",")) if args.only else set(SIZES) | {"cold"}
    mock, url = start_mock(os.path.join(build, "tests", "graphbit-mock-provider"))
    # Debugging allocators distort the figures (meson test sets MALLOC_PERTURB_).
    base_env = {k: v for k, v in os.environ.items() if k not in ("MALLOC_CHECK_", "MALLOC_PERTURB_", "G_SLICE", "G_DEBUG")}
    env = dict(
        base_env,
        GRAPHBIT_BENCH_URL=url,
        GRAPHBIT_MOCK_PROVIDER=os.path.join(build, "tests", "graphbit-mock-provider"),
        GI_TYPELIB_PATH=os.path.join(build, "gir"),
        LD_LIBRARY_PATH=os.path.join(build, "src"),
        PYTHONPATH=os.pathsep.join([os.path.join(SOURCE, "python-overrides"), HERE]),
        PYTHONDONTWRITEBYTECODE="1",
        NO_PROXY="*",
        OPENAI_API_KEY="",
        OPENAI_BASE_URL="",
        G_MESSAGES_DEBUG="",
    )
    started = datetime.datetime.now().astimezone()
    print(f"graphbit benchmark suite ({'quick' if args.quick else 'full'}), {started:%Y-%m-%d %H:%M %Z}", flush=True)
    print(f"machine: {machine()}", flush=True)

    results: Dict[Tuple[str, str], dict] = {}
    try:
        for scenario, sizes in SIZES.items():
            if scenario not in only:
                continue
            runs: Dict[str, List[dict]] = {impl: [] for impl in IMPLS}
            for _ in range(REPEATS.get(scenario, (1, 1))[which]):
                for impl in IMPLS:
                    t0 = time.monotonic()
                    result = run_scenario(command(build, impl, scenario, sizes[which]), env)
                    if result is not None:
                        runs[impl].append(result)
                    print(f"  {scenario:<10} {impl:<6} {time.monotonic() - t0:5.1f} s  {json.dumps(result)}", flush=True)
            for impl, done in runs.items():
                if done:
                    results[(impl, scenario)] = merge(done)
            if scenario in WORKERS:
                # The C API with caller loops off, for the notes.
                on_workers = [run_scenario(command(build, "c", f"{scenario}-workers", sizes[which]), env)
                              for _ in range(REPEATS.get(scenario, (1, 1))[which])]
                on_workers = [result for result in on_workers if result is not None]
                print(f"  {scenario:<10} c-workers {json.dumps(on_workers[-1] if on_workers else None)}", flush=True)
                if on_workers:
                    results[("c", f"{scenario}-workers")] = merge(on_workers)
        if "cold" in only:
            samples = COLD_SAMPLES[which]
            cold = {
                "floor": command(build, "floor", "cold", {}),
                "c": command(build, "c", "cold", {}),
                "python": [PYTHON, os.path.join(HERE, "cold_python.py")],
                # For scale: the interpreter alone, and importing the typelib.
                "python-bare": [PYTHON, "-c", "pass"],
                "python-import": [PYTHON, "-c", "import graphbit"],
            }
            for impl, cmd in cold.items():
                measured = cold_start(build, cmd, env, samples)
                if measured is not None:
                    results[(impl, "cold")] = {"impl": impl, "scenario": "cold", "cpu_ms": measured[0], "rss_mb": measured[1]}
                print(f"  cold       {impl:<13} {json.dumps(results.get((impl, 'cold')))}", flush=True)
    finally:
        stop_mock(mock)

    print()
    print(table(results))
    print()
    print("\n".join(notes(results)))
    print(f"\n{len(results)} results in {(datetime.datetime.now().astimezone() - started).total_seconds():.0f} s; "
          "ratios are to the floor measured in the same run.")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"date": started.isoformat(), "machine": machine(), "quick": args.quick,
                       "results": list(results.values())}, out, indent=1)
    expected = sum(1 for s in only if s in SIZES) * len(IMPLS) + (5 if "cold" in only else 0)
    return 0 if len(results) == expected else 1


if __name__ == "__main__":
    sys.exit(main())
