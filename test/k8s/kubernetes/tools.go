//go:build tools

// Package tools pins the Kubernetes control-plane commands that the duat
// Kubernetes tests run; scripts/k8s-control-plane.sh builds them from here.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
