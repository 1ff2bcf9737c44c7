#!/usr/bin/env bash
# Builds the Go tools the image tests, the real-node tests and benchmarks use (registries, oras,
# cosign, crane, regctl, BuildKit) from the Go module proxy, each into
# $DUAT_TEST_CACHE/NAME-VERSION/BINARY (default cache ~/.cache/duat-test). Names, versions and
# packages live in scripts/go-tools.versions only. A no-op for what is cached; cosign and buildkitd
# take a few minutes cold (buildkitd 462 s on a loaded 2-core machine).
#
# Usage: scripts/go-tools.sh [NAME...]          build NAME (default: all) when not cached
#        scripts/go-tools.sh --path NAME         print NAME's binary path; exit 1 when not cached
#
# - Each tool is built into a scratch folder and renamed into place only when its build succeeded,
#   so an interrupted build never looks complete; a lock per tool lets parallel runs wait for one build.
# - Builds run under `nice -n 10` (the machine is shared); logs go to $DUAT_TEST_CACHE/logs/, and
#   their tail is printed on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
VERSIONS="$ROOT/scripts/go-tools.versions"
CACHE_ROOT="${DUAT_TEST_CACHE:-$HOME/.cache/duat-test}"
LOG_DIR="$CACHE_ROOT/logs"

# line NAME: the versions-file line for NAME (VERSION BINARY PACKAGE), or exit 2.
line() {
  local found
  found="$(awk -v n="$1" '$1 == n { print $2, $3, $4 }' "$VERSIONS")"
  if [ -z "$found" ]; then
    echo "go-tools: no tool named '$1' in scripts/go-tools.versions" >&2
    exit 2
  fi
  echo "$found"
}

# folder NAME VERSION PACKAGE: the cache folder; local modules add a hash of their files.
folder() {
  local name="$1" version="$2" pkg="$3"
  if [[ "$pkg" == ./* ]]; then
    local sum
    sum="$(cd "$ROOT/${pkg%%#*}" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-12)"
    echo "$CACHE_ROOT/$name-$version-$sum"
  else
    echo "$CACHE_ROOT/$name-$version"
  fi
}

build() {
  local name="$1" version binary pkg dir
  read -r version binary pkg <<<"$(line "$name")"
  dir="$(folder "$name" "$version" "$pkg")"
  [ -x "$dir/$binary" ] && return 0
  if ! command -v go >/dev/null 2>&1; then
    echo "go-tools: Go is needed to build $name (from the module proxy); install Go 1.25 or later" >&2
    exit 1
  fi
  mkdir -p "$CACHE_ROOT" "$LOG_DIR"
  exec 9>"$CACHE_ROOT/$name-build.lock"
  flock 9
  if [ -x "$dir/$binary" ]; then
    exec 9>&-
    return 0
  fi
  local scratch log start=$SECONDS ok=0
  scratch="$(mktemp -d "$CACHE_ROOT/$name-build.XXXXXX")"
  log="$LOG_DIR/$name-$version.log"
  printf 'go-tools: building %s %s ... ' "$name" "$version" >&2
  if [[ "$pkg" == ./* ]]; then
    local target=.
    [[ "$pkg" == *#* ]] && target="${pkg#*#}"
    (cd "$ROOT/${pkg%%#*}" && CGO_ENABLED=0 nice -n 10 go build -mod=readonly -trimpath -o "$scratch/$binary" "$target") >"$log" 2>&1 && ok=1
  else
    CGO_ENABLED=0 GOBIN="$scratch" nice -n 10 go install -trimpath "$pkg@$version" >"$log" 2>&1 && ok=1
  fi
  if [ "$ok" = 1 ] && [ -x "$scratch/$binary" ]; then
    rm -rf "$dir"
    mv "$scratch" "$dir"
    printf 'done in %ss\n' "$((SECONDS - start))" >&2
  else
    rm -rf "$scratch"
    printf 'FAILED after %ss\n---- last 40 lines of %s ----\n' "$((SECONDS - start))" "$log" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  exec 9>&-
}

if [ "${1:-}" = "--path" ]; then
  [ $# -eq 2 ] || { echo "usage: scripts/go-tools.sh --path NAME" >&2; exit 2; }
  read -r version binary pkg <<<"$(line "$2")"
  path="$(folder "$2" "$version" "$pkg")/$binary"
  [ -x "$path" ] || exit 1
  echo "$path"
  exit 0
fi

if [ $# -eq 0 ]; then
  set -- $(awk '!/^#/ && NF { print $1 }' "$VERSIONS")
fi
for name in "$@"; do
  build "$name"
done
