#!/bin/sh
# Installs graphbit into a temporary prefix and uses it the way each kind of
# user would: a C program built with pkg-config, Python's `import graphbit`,
# GJS, and a Vala program built with valac --pkg graphbit-1. Run by
# scripts/run-tests.sh after `meson test` (it needs _build for the mock).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PREFIX="$TMP/prefix"

echo "== install into $PREFIX"
meson setup "$TMP/build" --prefix "$PREFIX" -Dpython=/usr/bin/python3 -Dtests=false -Dexamples=false -Ddocs=true >/dev/null
meson install -C "$TMP/build" >/dev/null

LIBDIR=$(dirname "$(find "$PREFIX" -name 'libgraphbit-1.so.0' | head -n 1)")
SITE=$(dirname "$(find "$PREFIX" -type d -name graphbit -path '*dist-packages*' | head -n 1)")
export LD_LIBRARY_PATH="$LIBDIR"
export GI_TYPELIB_PATH="$LIBDIR/girepository-1.0"
export PKG_CONFIG_PATH="$LIBDIR/pkgconfig"
export PYTHONPATH="$SITE"
export GRAPHBIT_MOCK_PROVIDER="$ROOT/_build/tests/graphbit-mock-provider"
OPENAI_API_KEY=""
export OPENAI_API_KEY
WITH_MOCK="/usr/bin/python3 $ROOT/scripts/with-mock-provider.py"

echo "== API reference in $PREFIX/share/doc/graphbit-1"
for page in index.html class.LlmClient.html getting-started.html graphbit-1.devhelp2; do
  test -f "$PREFIX/share/doc/graphbit-1/$page" || { echo "missing from the installed reference: $page" >&2; exit 1; }
done

echo "== C program built with pkg-config --cflags --libs graphbit-1"
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror examples/c/quickstart.c $(pkg-config --cflags --libs graphbit-1) -o "$TMP/quickstart-c"
$WITH_MOCK "$TMP/quickstart-c"

echo "== Python: import graphbit from $SITE"
(cd "$TMP" && /usr/bin/python3 -c "
import graphbit, gi.overrides.Graphbit as o
assert graphbit.__file__.startswith('$SITE'), graphbit.__file__
assert o.__file__.startswith('$SITE'), o.__file__
print('graphbit', graphbit.version(), 'from', graphbit.__file__)
")
(cd "$TMP" && $WITH_MOCK /usr/bin/python3 "$ROOT/examples/python/quickstart.py")

echo "== graphbit-run from $PREFIX/bin on a saved workflow"
(cd "$TMP" && /usr/bin/python3 -c "
import graphbit
w = graphbit.Workflow('installed')
w.add_node(graphbit.Node.agent('ask', 'Hello {who}'))
w.add_node(graphbit.Node.transform('shout', 'uppercase'))
w.connect('ask', 'shout')
open('workflow.json', 'w').write(w.to_json())
")
$WITH_MOCK "$PREFIX/bin/graphbit-run" --quiet --input who=installed "$TMP/workflow.json" | grep -q "MOCK REPLY TO: HELLO INSTALLED"

echo "== GJS"
gjs -c "imports.gi.versions.Graphbit = '1.0'; print('Graphbit', imports.gi.Graphbit.get_version());"

echo "== Vala program built with valac --pkg graphbit-1"
valac --vapidir "$PREFIX/share/vala/vapi" --pkg graphbit-1 -X -w tests/vala/smoke.vala -o "$TMP/vala-smoke"
"$TMP/vala-smoke"

echo "install check passed"
