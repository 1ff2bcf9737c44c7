//go:build tools

// Package tools pins the BuildKit daemon and client that the duat real-node tests run in a pod
// (test/k8s-real/buildkit.test.ts); scripts/go-tools.sh builds them from here. A module of its
// own because github.com/moby/buildkit's go.mod has exclude directives, which `go install
// pkg@version` refuses.
package tools

import (
	_ "github.com/moby/buildkit/cmd/buildctl"
	_ "github.com/moby/buildkit/cmd/buildkitd"
)
