#!/bin/sh
# The whole test suite: installs what is missing, builds, runs every test
# (C, Python, GJS, Vala, examples) against the local mock provider, then
# checks that an installed graphbit works from C, Python, GJS and Vala. The
# API reference is built too, so a documentation warning fails the suite.
set -eu
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh -Ddocs=true
meson test -C _build --print-errorlogs
scripts/check-install.sh
