//go:build !linux

package main

import (
	"context"
	"errors"
)

// inUserNS is false outside Linux.
func inUserNS() bool { return false }

// userNSAllowed is false outside Linux.
func userNSAllowed() bool { return false }

// runInUserNS is refused outside Linux: user namespaces are Linux's.
func runInUserNS(context.Context, streams) (int, error) {
	return 0, errors.New("user namespaces are Linux only")
}

func loopbackUp() error { return nil }
