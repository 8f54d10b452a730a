#!/bin/sh
# The main job: installs what is missing, builds everything, and runs the
# quickstart example end to end, against OpenAI (or any OpenAI-compatible
# server) when OPENAI_API_KEY is set, otherwise against graphbit's local
# mock provider, saying so.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)

scripts/install-deps.sh
scripts/build.sh

export GRAPHBIT_MOCK_PROVIDER="$ROOT/_build/tests/graphbit-mock-provider"
exec meson devenv -C _build -w "$ROOT" \
  /usr/bin/python3 scripts/with-mock-provider.py /usr/bin/python3 examples/python/quickstart.py
