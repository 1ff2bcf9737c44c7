#!/usr/bin/env bash
# Builds the Kubernetes control plane the Kubernetes tests run (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and KWOK) from the Go module proxy, and caches the
# binaries under $DUAT_TEST_CACHE/k8s-v1.36.3/ (default ~/.cache/duat-test). A no-op when all
# five are there. No Docker: see ../shared/spec/k8s-test.md for how this was worked out.
#
# Usage: scripts/k8s-control-plane.sh           build when not cached; print the binary folder
#        scripts/k8s-control-plane.sh --check   exit 1 (quietly) when not cached
#
# Differences from the spec, and why:
# - The Go modules under test/k8s/ are committed with their go.sum (built with -mod=readonly, so the
#   build never edits them), so a cold CI does not run `go mod tidy` or guess a module cache path;
#   KWOK's stages are copied into test/k8s/kwok/stages.yaml (with one marked change).
# - The five binaries go in one folder whose name carries the Kubernetes version (the cache key);
#   CI caches ~/.cache/duat-test. Changing a version here means a new folder, hence a rebuild.
# - Binaries are built into a scratch folder and moved into place only when all of them built,
#   so an interrupted build never leaves a cache that looks complete.
# - Build logs go to $DUAT_TEST_CACHE/logs/; on failure the tail is printed to stderr (CI shows it).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

K8S_VERSION="v1.36.3"
K8S_MINOR="36"
ETCD_VERSION="v3.6.8"
KWOK_VERSION="v0.8.0"

CACHE_ROOT="${DUAT_TEST_CACHE:-$HOME/.cache/duat-test}"
BIN_DIR="$CACHE_ROOT/k8s-$K8S_VERSION"
LOG_DIR="$CACHE_ROOT/logs"
BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

# shellcheck source=build-step.sh
source "$ROOT/scripts/build-step.sh"

if [ "${1:-}" = "--check" ]; then
  cached
  exit $?
fi

if cached; then
  echo "$BIN_DIR"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "k8s-control-plane: Go is needed to build the control plane (go build from the module proxy); install Go 1.26 or later" >&2
  exit 1
fi

mkdir -p "$CACHE_ROOT" "$LOG_DIR"
# One build at a time (test files started together all ask for it): the others wait, then find it cached.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_ROOT/k8s-build.lock"
  flock 9
  if cached; then
    echo "$BIN_DIR"
    exit 0
  fi
fi
SCRATCH="$(mktemp -d "$CACHE_ROOT/k8s-build.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT

STEP_PREFIX=k8s-control-plane

export CGO_ENABLED=0

LDFLAGS="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$K8S_MINOR"

build_etcd() {
  cd "$ROOT/test/k8s/etcd" && go build -mod=readonly -trimpath -ldflags "-s -w" -o "$SCRATCH/etcd" go.etcd.io/etcd/server/v3
}
build_kubernetes() {
  cd "$ROOT/test/k8s/kubernetes" && go build -mod=readonly -trimpath -ldflags "$LDFLAGS" -o "$SCRATCH/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler
}
build_kwok() {
  GOBIN="$SCRATCH" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
}

total=$SECONDS
run "etcd-$ETCD_VERSION" build_etcd
run "kwok-$KWOK_VERSION" build_kwok
run "kubernetes-$K8S_VERSION" build_kubernetes

for b in "${BINARIES[@]}"; do
  if [ ! -x "$SCRATCH/$b" ]; then
    echo "k8s-control-plane: $b was not built (see $LOG_DIR)" >&2
    exit 1
  fi
done
mkdir -p "$BIN_DIR"
for b in "${BINARIES[@]}"; do
  mv -f "$SCRATCH/$b" "$BIN_DIR/$b"
done
echo "k8s-control-plane: built in $((SECONDS - total))s into $BIN_DIR" >&2
echo "$BIN_DIR"
