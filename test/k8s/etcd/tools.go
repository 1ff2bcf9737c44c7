//go:build tools

// Package tools pins the etcd server that the duat Kubernetes tests run;
// scripts/k8s-control-plane.sh builds it from here.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
