#!/usr/bin/python3
"""Runs a command against a real provider if one is configured, else against graphbit's mock.

    scripts/with-mock-provider.py COMMAND [ARGS...]

If OPENAI_API_KEY is set (optionally with OPENAI_BASE_URL for any
OpenAI-compatible server), the command runs as is, against that provider.
Otherwise the project's local mock provider is started on an ephemeral
loopback port, OPENAI_API_KEY and OPENAI_BASE_URL are pointed at it, and
the command runs against it; the mock stops when the command ends.

The mock binary is $GRAPHBIT_MOCK_PROVIDER, else _build/tests/graphbit-mock-provider.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    command = sys.argv[1:]
    if not command:
        print(__doc__, file=sys.stderr)
        return 2

    if os.environ.get("OPENAI_API_KEY", "").strip():
        base = os.environ.get("OPENAI_BASE_URL", "").strip() or "https://api.openai.com/v1"
        print(f"Using the real provider from OPENAI_API_KEY at {base}.", flush=True)
        return subprocess.call(command)

    mock_path = os.environ.get("GRAPHBIT_MOCK_PROVIDER") or os.path.join(
        HERE, "..", "_build", "tests", "graphbit-mock-provider"
    )
    if not os.access(mock_path, os.X_OK):
        print(f"No OPENAI_API_KEY and no mock provider at {mock_path}: build the project first.", file=sys.stderr)
        return 2

    mock = subprocess.Popen([mock_path], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        line = mock.stdout.readline().decode().strip()
        if not line.startswith("READY "):
            print(f"The mock provider did not start: {line!r}", file=sys.stderr)
            return 1
        url = line[len("READY "):]
        print(
            f"No OPENAI_API_KEY configured: running against graphbit's local mock provider at {url} "
            "(canned replies, not a real model). Set OPENAI_API_KEY to use OpenAI.",
            flush=True,
        )
        env = dict(os.environ, OPENAI_API_KEY="graphbit-mock-key", OPENAI_BASE_URL=url + "/v1")
        return subprocess.call(command, env=env)
    finally:
        mock.stdin.close()
        mock.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
