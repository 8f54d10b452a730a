#!/bin/sh
# The whole test suite: installs what is missing, builds, runs every test
# (C, Python, GJS, Vala, examples) against the local mock provider, then
# checks that an installed graphbit works from C, Python, GJS and Vala, and
# runs the C and Python tests again under ASan + UBSan and the C tests
# under valgrind (scripts/run-sanitizers.sh; GRAPHBIT_SKIP_SANITIZERS=1
# skips that for a quick local run), then runs each libFuzzer target for
# 10 s (scripts/run-fuzzers.sh; GRAPHBIT_SKIP_FUZZERS=1 skips it). The API
# reference is built too, so a documentation warning fails the suite.
set -eu
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh -Ddocs=true
meson test -C _build --print-errorlogs
# Each stage is bounded (meson test bounds each test): a hang fails here,
# named, instead of running into CI's own limit.
bounded () {
  limit=$1
  shift
  timeout -k 30 "$limit" "$@" || {
    status=$?
    [ "$status" -ne 124 ] || echo "$* did not finish within $limit s" >&2
    exit "$status"
  }
}
bounded 600 scripts/check-install.sh
if [ -z "${GRAPHBIT_SKIP_SANITIZERS:-}" ]; then
  bounded 2400 scripts/run-sanitizers.sh
fi
if [ -z "${GRAPHBIT_SKIP_FUZZERS:-}" ]; then
  scripts/run-fuzzers.sh
fi
