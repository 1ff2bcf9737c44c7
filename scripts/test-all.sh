#!/usr/bin/env bash
# Installs what the tests need (skipping what is already there), then runs every test.
# Slow-to-build tools are cached under ~/.cache/duat-test and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
export DUAT_TEST_CACHE="${DUAT_TEST_CACHE:-$HOME/.cache/duat-test}"
mkdir -p "$DUAT_TEST_CACHE"

step() { printf '\n== %s\n' "$*" >&2; }

need_cmd() { command -v "$1" >/dev/null 2>&1; }

# Debian packages the tests use, by the command each provides.
APT_PACKAGES=()
need_cmd git || APT_PACKAGES+=(git)
need_cmd setpriv || APT_PACKAGES+=(util-linux)
need_cmd make || APT_PACKAGES+=(make)
need_cmd go || APT_PACKAGES+=(golang-go)
need_cmd docker-registry || APT_PACKAGES+=(docker-registry)
need_cmd skopeo || APT_PACKAGES+=(skopeo)
need_cmd openssl || APT_PACKAGES+=(openssl)
need_cmd chromium || APT_PACKAGES+=(chromium)
if [ "${#APT_PACKAGES[@]}" -gt 0 ]; then
  step "installing Debian packages: ${APT_PACKAGES[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${APT_PACKAGES[@]}" >/dev/null
fi

# The suite runs on the Node found on PATH (Node 20, duat's oldest supported line, on CI) and then on
# the current LTS, from scripts/node-lts.sh (cached under $DUAT_TEST_CACHE). A failure on either
# fails the run.
if ! need_cmd node || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "Node.js 20.16 or later is required (found: $(node -v 2>/dev/null || echo none))" >&2
  exit 1
fi
step "Node LTS for the second run"
NODE_LTS_BIN="$(bash scripts/node-lts.sh)"

# npm packages: reinstall only when package-lock.json changed since the last install.
stamp="node_modules/.duat-lock-sha"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  step "npm ci"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

# ---- Kubernetes control plane (test/kubernetes): etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler and KWOK built from the Go module proxy into $DUAT_TEST_CACHE/k8s-v1.36.3/ (about 5
# minutes cold, a no-op when cached; build logs in $DUAT_TEST_CACHE/logs/, printed on failure).
# The tests start it with certificates made by openssl (installed above).
step "Kubernetes control plane for the tests"
bash scripts/k8s-control-plane.sh >/dev/null
# ---- end of Kubernetes control plane

# ---- real Kubernetes node (test/k8s-real): Debian's containerd, runc, CNI plugins, busybox-static and iptables,
# and a kubelet built from the Go module proxy into $DUAT_TEST_CACHE/k8s-node-v1.36.3/ (about a minute
# with the control plane's Go build cache, a no-op when cached). The tests run it as root inside a
# network namespace they make.
step "real Kubernetes node for the tests"
NODE_PACKAGES=()
need_cmd containerd || NODE_PACKAGES+=(containerd)
need_cmd runc || NODE_PACKAGES+=(runc)
[ -x /usr/lib/cni/bridge ] || NODE_PACKAGES+=(containernetworking-plugins)
[ -x /bin/busybox ] || NODE_PACKAGES+=(busybox-static)
need_cmd iptables || NODE_PACKAGES+=(iptables)
if [ "${#NODE_PACKAGES[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${NODE_PACKAGES[@]}" >/dev/null
fi
bash scripts/k8s-real-node.sh >/dev/null
# ---- end of real Kubernetes node

# ---- Go tools for the image tests (test/image-referrers): distribution 3, a go-containerregistry
# registry with the referrers API, oras, cosign, crane, regctl; and BuildKit (buildkitd, buildctl) for
# the real node's image build (test/k8s-real). Built into $DUAT_TEST_CACHE/NAME-VERSION/ (cosign and
# buildkitd take a few minutes each cold; a no-op when cached).
step "Go tools for the image and real-node tests"
bash scripts/go-tools.sh
# ---- end of Go tools

# Both runs go ahead even when the first fails, so one CI run shows every version's failures.
failed=()
step "npm test on Node $(node -v)"
npm test || failed+=("$(node -v)")
if [ "$("$NODE_LTS_BIN/node" -v)" != "$(node -v)" ]; then
  step "npm test on Node $("$NODE_LTS_BIN/node" -v)"
  PATH="$NODE_LTS_BIN:$PATH" npm test || failed+=("$("$NODE_LTS_BIN/node" -v)")
fi
if [ "${#failed[@]}" -gt 0 ]; then
  echo "tests failed on Node ${failed[*]}" >&2
  exit 1
fi
