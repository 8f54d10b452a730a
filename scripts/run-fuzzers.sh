#!/bin/sh
# Runs the libFuzzer targets of tests/fuzz (issue 9) for SECONDS each
# (default 10): builds them with clang, ASan and UBSan into _build-fuzz,
# seeds each one's corpus from the provider fixtures and tests/fuzz/seeds/
# (copied into a temporary directory: a run never writes into the
# repository), and fails if any target crashes, leaks, breaks one of its
# invariants or times out. A failing input is left in
# _build-fuzz/artifacts/NAME/ (the output in _build-fuzz/logs/); keep it as a regression test under
# tests/fuzz/regressions/NAME/ once the bug is fixed.
#   scripts/run-fuzzers.sh [SECONDS] [NAME...]
# Called by scripts/run-tests.sh.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECONDS_EACH=${1:-10}
[ $# -gt 0 ] && shift
TARGETS=${*:-"sse ndjson openai anthropic ollama embeddings workflow expression template"}
DIR=${GRAPHBIT_FUZZ_DIR:-_build-fuzz}
OPTIONS="-Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false -Dintrospection=false -Dvapi=false -Dexamples=false -Ddocs=false"
FIXTURES=tests/fixtures/providers

if [ -f "$DIR/build.ninja" ]; then
  # shellcheck disable=SC2086
  CC=clang meson setup --reconfigure "$DIR" $OPTIONS >/dev/null
else
  # shellcheck disable=SC2086
  CC=clang meson setup "$DIR" $OPTIONS >/dev/null
fi
# shellcheck disable=SC2046
meson compile -C "$DIR" $(for name in $TARGETS; do echo "fuzz-$name"; done) >/dev/null

# The seeds of a target: the fixtures it parses, then its own.
seeds () {
  case $1 in
    sse) ls $FIXTURES/*/*.sse ;;
    ndjson) ls $FIXTURES/*/*.ndjson ;;
    openai|anthropic|ollama) ls $FIXTURES/"$1"/* ;;
    embeddings) ls $FIXTURES/openai/embeddings_* $FIXTURES/huggingface/* $FIXTURES/ollama/embed* $FIXTURES/*/error_* ;;
  esac
  if [ -d "tests/fuzz/seeds/$1" ]; then
    ls -d "tests/fuzz/seeds/$1"/*
  fi
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Fast unwinding keeps the fuzzers 20 times faster; for the whole stack of
# a leak found, rerun its input with ASAN_OPTIONS=fast_unwind_on_malloc=0.
export ASAN_OPTIONS="detect_leaks=1"
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export G_SLICE=always-malloc
# As in the test suite, so a replayed input behaves the same.
export OPENAI_API_KEY= OPENAI_BASE_URL= ANTHROPIC_API_KEY= ANTHROPIC_BASE_URL= OLLAMA_HOST= HF_TOKEN= HF_BASE_URL=

failed=""
for name in $TARGETS; do
  mkdir -p "$WORK/$name" "$DIR/artifacts/$name" "$DIR/logs"
  for seed in $(seeds "$name"); do
    cp "$seed" "$WORK/$name/"
  done
  case $name in
    expression|template) dict=tests/fuzz/dicts/$name.dict ;;
    *) dict=tests/fuzz/dicts/json.dict ;;
  esac
  echo "== fuzz-$name, ${SECONDS_EACH} s, $(ls "$WORK/$name" | wc -l) seeds"
  if ! "$DIR/tests/fuzz/fuzz-$name" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
       -max_len=65536 -print_final_stats=1 -artifact_prefix="$DIR/artifacts/$name/" -dict="$dict" \
       "$WORK/$name" >"$DIR/logs/$name.log" 2>&1; then
    tail -n 60 "$DIR/logs/$name.log"
    failed="$failed $name"
  fi
  grep -E '^stat::number_of_executed_units|^Done ' "$DIR/logs/$name.log" || true
done

if [ -n "$failed" ]; then
  echo "fuzzers failed:$failed (inputs in $DIR/artifacts/)" >&2
  exit 1
fi
echo "fuzzers: clean"
