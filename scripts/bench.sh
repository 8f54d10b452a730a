#!/bin/sh
# Builds graphbit if needed and runs the benchmark suite (bench/RESULTS.md):
# the floor (a hand-written libsoup client), graphbit's C API and its Python
# API on the same loopback mock, then prints the table with the ratios.
#
#   scripts/bench.sh [--quick] [--json FILE] [--only sequential,stream,...]
#
# About 5 minutes (--quick: about 1). Uses $GRAPHBIT_BUILD_DIR (default
# _build). Starts nothing global: the mock is a child of the run.
set -eu
cd "$(dirname "$0")/.."

BUILD_DIR=${GRAPHBIT_BUILD_DIR:-_build}
GRAPHBIT_BUILD_DIR=$BUILD_DIR scripts/build.sh >/dev/null
exec /usr/bin/python3 bench/run_suite.py --build-dir "$BUILD_DIR" "$@"
