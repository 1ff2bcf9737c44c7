#!/usr/bin/env bash
# Builds what the real-node tests (test/k8s-real/) add to the Kubernetes control plane of
# scripts/k8s-control-plane.sh: a real kubelet v1.36.3 from the Go module proxy (the module in
# test/k8s-real/kubelet/, committed with its go.sum) and the pod sandbox's `pause` program (a
# 25-line Go program, below). Cached under $DUAT_TEST_CACHE/k8s-node-v1.36.3/ (default
# ~/.cache/duat-test); a no-op when both are there. See ../shared/spec/k8s-real-node.md.
#
# Usage: scripts/k8s-real-node.sh           build when not cached; print the binary folder
#        scripts/k8s-real-node.sh --check   exit 1 (quietly) when not cached
#        scripts/k8s-real-node.sh --down    remove what real-node test runs killed with -9 left behind:
#                                           their processes (containerd, kubelet, control plane, shims,
#                                           containers), mounts, network namespaces, pod cgroups,
#                                           directories; runs still going are left alone. Needs root and
#                                           `npm run build` (it runs dist/test/k8s-real/down.js). A new
#                                           real-node run does the same by itself when it starts.
#
# It installs nothing: the node's runtime comes from Debian (scripts/test-all.sh installs
# containerd, runc, containernetworking-plugins, busybox-static and iptables); it says which is missing.
# Builds run under `nice -n 10` into a scratch folder, moved into place only when complete (an
# interrupted build never looks cached), one at a time (flock). Build logs: $DUAT_TEST_CACHE/logs/.
# Timings (2 cores): the kubelet 30-60 s when the control plane's Go build cache is warm (they share
# most packages), about 15 minutes cold on a loaded machine; pause < 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

K8S_VERSION="v1.36.3"
K8S_MINOR="36"
CACHE_ROOT="${DUAT_TEST_CACHE:-$HOME/.cache/duat-test}"
BIN_DIR="$CACHE_ROOT/k8s-node-$K8S_VERSION"
LOG_DIR="$CACHE_ROOT/logs"
BINARIES=(kubelet pause)

# shellcheck source=build-step.sh
source "$ROOT/scripts/build-step.sh"

if [ "${1:-}" = "--check" ]; then
  cached
  exit $?
fi

if [ "${1:-}" = "--down" ]; then
  if [ ! -f "$ROOT/dist/test/k8s-real/down.js" ]; then
    echo "k8s-real-node: --down runs dist/test/k8s-real/down.js: run npm run build first" >&2
    exit 1
  fi
  exec node "$ROOT/dist/test/k8s-real/down.js"
fi

# The runtime the node needs, from Debian's packages (named so that the message says what to install).
missing=()
command -v containerd >/dev/null 2>&1 || missing+=(containerd)
command -v runc >/dev/null 2>&1 || missing+=(runc)
[ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/host-local ] && [ -x /usr/lib/cni/loopback ] ||
  missing+=(containernetworking-plugins)
[ -x /bin/busybox ] || missing+=(busybox-static)
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "k8s-real-node: the real-node tests need the Debian packages ${missing[*]}: apt-get install ${missing[*]} (scripts/test-all.sh does)" >&2
  exit 1
fi

if cached; then
  echo "$BIN_DIR"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "k8s-real-node: Go is needed to build the kubelet (go build from the module proxy); install Go 1.26 or later" >&2
  exit 1
fi

mkdir -p "$CACHE_ROOT" "$LOG_DIR"
exec 9>"$CACHE_ROOT/k8s-node-build.lock"
flock 9
if cached; then
  echo "$BIN_DIR"
  exit 0
fi
SCRATCH="$(mktemp -d "$CACHE_ROOT/k8s-node-build.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT

STEP_PREFIX=k8s-real-node

export CGO_ENABLED=0
LDFLAGS="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$K8S_MINOR"

build_kubelet() {
  cd "$ROOT/test/k8s-real/kubelet" &&
    nice -n 10 go build -mod=readonly -trimpath -ldflags "$LDFLAGS" -o "$SCRATCH/kubelet" k8s.io/kubernetes/cmd/kubelet
}

# The pod sandbox's process (containerd runs it as every pod's first container): waits for
# SIGTERM/SIGINT and reaps the zombies it inherits. Written here rather than built from
# k8s.io/kubernetes/build/pause, which is C.
build_pause() {
  local src="$SCRATCH/pause-src"
  mkdir -p "$src"
  cat >"$src/main.go" <<'EOF'
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	for s := range sigs {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var ws syscall.WaitStatus
			if pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil); pid <= 0 || err != nil {
				break
			}
		}
	}
}
EOF
  printf 'module duat.test/pause\n\ngo 1.26\n' >"$src/go.mod"
  cd "$src" && nice -n 10 go build -trimpath -ldflags "-s -w" -o "$SCRATCH/pause" .
}

total=$SECONDS
run "pause" build_pause
run "kubelet-$K8S_VERSION" build_kubelet

mkdir -p "$BIN_DIR"
for b in "${BINARIES[@]}"; do
  [ -x "$SCRATCH/$b" ] || { echo "k8s-real-node: $b was not built (see $LOG_DIR)" >&2; exit 1; }
  mv -f "$SCRATCH/$b" "$BIN_DIR/$b"
done
echo "k8s-real-node: built in $((SECONDS - total))s into $BIN_DIR" >&2
echo "$BIN_DIR"
