//go:build tools

// Package tools pins the commands built from this module, so `go mod tidy` keeps them.
package tools

import (
	_ "sigs.k8s.io/kubefed/cmd/controller-manager"
	_ "sigs.k8s.io/kubefed/cmd/kubefedctl"
)
