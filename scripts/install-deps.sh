#!/bin/sh
# Installs the Debian 12 packages graphbit needs to build, test and document,
# skipping those already present. Safe to run again.
set -eu

PACKAGES="
  gcc pkg-config meson ninja-build
  libglib2.0-dev libsoup-3.0-dev libjson-glib-dev
  gobject-introspection libgirepository1.0-dev gir1.2-soup-3.0 gir1.2-json-1.0
  python3 python3-gi python3-pytest python3-mypy
  gjs valac gi-docgen
  valgrind
  clang libclang-rt-14-dev
"

missing=""
for package in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done

if [ -z "$missing" ]; then
  exit 0
fi

echo "Installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Missing packages:$missing; run this script as root (or install sudo)." >&2
  exit 1
fi
$SUDO apt-get update -q
# shellcheck disable=SC2086  # word splitting of the list is intended
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
