//go:build tools

// Package tools pins the kubelet that the duat real-node tests run (test/k8s-real/);
// scripts/k8s-real-node.sh builds it from here.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kubelet"
)
