#!/bin/sh
# Runs the test suite under the memory checkers (issue 9):
#   1. the C tests built with AddressSanitizer + UndefinedBehaviorSanitizer,
#      leaks included (tests/lsan.supp lists GLib's process-lifetime ones);
#   2. the Python tests against that same library, the ASan runtime
#      preloaded into /usr/bin/python3 (the library is checked; Python's
#      own allocations, freed or not at exit, are not leak-checked);
#   3. the C tests of the normal build under valgrind memcheck with
#      tests/valgrind.supp.
# Called by scripts/run-tests.sh; needs its _build (for step 3).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DIR=${GRAPHBIT_SANITIZE_DIR:-_build-sanitize}
OPTIONS="-Db_sanitize=address,undefined -Db_lundef=false -Dpython=/usr/bin/python3 -Dexamples=false -Dvapi=false -Ddocs=false"

if [ -f "$DIR/build.ninja" ]; then
  # shellcheck disable=SC2086
  meson setup --reconfigure "$DIR" $OPTIONS >/dev/null
else
  # shellcheck disable=SC2086
  meson setup "$DIR" $OPTIONS >/dev/null
fi
meson compile -C "$DIR" >/dev/null
BUILD=$(cd "$DIR" && pwd)

export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# GIO's libproxy module throws C++ exceptions, which ASan's interceptor
# cannot follow when its runtime is preloaded; tests never use a proxy.
export GIO_USE_PROXY_RESOLVER=dummy

echo "== C tests, ASan + UBSan"
meson test -C "$DIR" --suite c --print-errorlogs --timeout-multiplier 3

echo "== Python tests, ASan + UBSan library"
(
  export GI_TYPELIB_PATH="$BUILD/gir" LD_LIBRARY_PATH="$BUILD/src" PYTHONPATH="$ROOT/python-overrides"
  export GRAPHBIT_MOCK_PROVIDER="$BUILD/tests/graphbit-mock-provider"
  export GRAPHBIT_FIXTURES_DIR="$ROOT/tests/fixtures/providers" GRAPHBIT_RUN="$BUILD/src/tools/graphbit-run"
  export NO_PROXY='*' OPENAI_API_KEY= OPENAI_BASE_URL= ANTHROPIC_API_KEY= ANTHROPIC_BASE_URL= OLLAMA_HOST= HF_TOKEN= HF_BASE_URL=
  export PYTHONDONTWRITEBYTECODE=1 G_SLICE=always-malloc
  export LD_PRELOAD="$(gcc -print-file-name=libasan.so)"
  export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1"
  # mypy's compiled modules do not load under the preloaded runtime: the
  # typing tests run in the normal suite.
  # Bounded: a hang fails the run (after a traceback of every thread from
  # faulthandler) instead of holding CI until its own limit.
  timeout -k 10 1200 /usr/bin/python3 -m pytest -q -p no:cacheprovider -o faulthandler_timeout=180 \
    tests/python -k "not typing"
)

echo "== C tests, valgrind memcheck"
GRAPHBIT_UNDER_VALGRIND=1 meson test -C _build --suite c --print-errorlogs --timeout-multiplier 10 \
  --wrapper "valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=$ROOT/tests/valgrind.supp --num-callers=30"

echo "sanitizers and valgrind: clean"
