#!/usr/bin/env bash
# Builds the bench's peers from the Go module proxy, once, into the test cache, and prints
# NAME=PATH for each (bench/peers.ts reads that):
#   crane    github.com/google/go-containerregistry/cmd/crane  ~/.cache/duat-test/crane-<version>/crane
#   regctl   github.com/regclient/regclient/cmd/regctl         ~/.cache/duat-test/regctl-<version>/regctl
#   proctime bench/proctime (wall, CPU and peak RSS of a child)  ~/.cache/duat-test/proctime-<hash>/proctime
# crane and regctl come from scripts/go-tools.sh (their versions live in scripts/go-tools.versions
# only; the tests use the same builds). proctime is built here: a build goes to a temporary directory
# renamed into place under a lock, so a half build is never taken as done.
# skopeo (Debian's package) and Debian's docker-registry are used from PATH.
set -euo pipefail

cache="${DUAT_TEST_CACHE:-$HOME/.cache/duat-test}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$cache"

# build NAME DIR FUNCTION: FUNCTION OUT builds NAME into the fresh directory OUT, which becomes DIR.
build() {
  local name=$1 dir=$2 how=$3 out
  if [ ! -x "$dir/$name" ]; then
    exec 9>"$cache/$name-build.lock"
    flock 9
    if [ ! -x "$dir/$name" ]; then
      out="$(mktemp -d "$cache/$name-build.XXXXXX")"
      if ! (cd "$here" && "$how" "$out") >&2; then
        rm -rf "$out"
        echo "setup-peers: building $name failed (needs Go and the Go module proxy)" >&2
        exit 1
      fi
      rm -rf "$dir"
      mv "$out" "$dir"
    fi
    exec 9>&-
  fi
  echo "$name=$dir/$name"
}

proctime() { (cd proctime && nice -n 10 go build -trimpath -o "$1/proctime" .); }

bash "$here/../scripts/go-tools.sh" crane regctl >&2
for tool in crane regctl; do
  echo "$tool=$(bash "$here/../scripts/go-tools.sh" --path "$tool")"
done
build proctime "$cache/proctime-$(cd "$here" && cat proctime/go.mod proctime/main.go 2>/dev/null | sha256sum | cut -c1-12)" proctime
