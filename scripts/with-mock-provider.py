#!/usr/bin/python3
"""Runs a command against a real provider if one is configured, else against graphbit's mock.

    scripts/with-mock-provider.py COMMAND [ARGS...]

If a real provider is configured (OPENAI_API_KEY, ANTHROPIC_API_KEY, HF_TOKEN
or OLLAMA_HOST is set), the command runs as is, against it. Otherwise the
project's local mock provider is started on an ephemeral loopback port, the
providers' variables (keys, OPENAI_BASE_URL, ANTHROPIC_BASE_URL, HF_BASE_URL,
OLLAMA_HOST) are pointed at it, and the command runs against it; the mock
stops when the command ends.

The mock binary is $GRAPHBIT_MOCK_PROVIDER, else _build/tests/graphbit-mock-provider.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REAL_PROVIDER_VARIABLES = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "HF_TOKEN", "OLLAMA_HOST")


def main() -> int:
    command = sys.argv[1:]
    if not command:
        print(__doc__, file=sys.stderr)
        return 2

    configured = [name for name in REAL_PROVIDER_VARIABLES if os.environ.get(name, "").strip()]
    if configured:
        print(f"Using the real provider(s) configured by {', '.join(configured)}.", flush=True)
        return subprocess.call(command)

    mock_path = os.environ.get("GRAPHBIT_MOCK_PROVIDER") or os.path.join(
        HERE, "..", "_build", "tests", "graphbit-mock-provider"
    )
    if not os.access(mock_path, os.X_OK):
        print(f"No provider configured and no mock provider at {mock_path}: build the project first.", file=sys.stderr)
        return 2

    mock = subprocess.Popen([mock_path], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        line = mock.stdout.readline().decode().strip()
        if not line.startswith("READY "):
            print(f"The mock provider did not start: {line!r}", file=sys.stderr)
            return 1
        url = line[len("READY "):]
        print(
            f"No provider configured: running against graphbit's local mock provider at {url} "
            "(canned replies, not a real model). Set OPENAI_API_KEY, ANTHROPIC_API_KEY, HF_TOKEN or OLLAMA_HOST "
            "to use a real one.",
            flush=True,
        )
        env = dict(
            os.environ,
            OPENAI_API_KEY="graphbit-mock-key",
            OPENAI_BASE_URL=url + "/v1",
            ANTHROPIC_API_KEY="graphbit-mock-key",
            ANTHROPIC_BASE_URL=url,
            HF_TOKEN="graphbit-mock-key",
            HF_BASE_URL=url + "/hf-inference",
            OLLAMA_HOST=url,
        )
        return subprocess.call(command, env=env)
    finally:
        mock.stdin.close()
        mock.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
