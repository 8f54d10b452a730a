#!/bin/sh
# Configures (once) and builds graphbit in _build with Debian's Python.
# Arguments are extra meson options (scripts/run-tests.sh passes -Ddocs=true).
set -eu
cd "$(dirname "$0")/.."

BUILD_DIR=${GRAPHBIT_BUILD_DIR:-_build}
if [ -f "$BUILD_DIR/build.ninja" ]; then
  meson setup --reconfigure "$BUILD_DIR" -Dpython=/usr/bin/python3 "$@" >/dev/null
else
  meson setup "$BUILD_DIR" -Dpython=/usr/bin/python3 "$@"
fi
meson compile -C "$BUILD_DIR"
