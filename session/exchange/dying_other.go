//go:build !linux

package exchange

import (
	"context"
	"errors"
	"net/netip"
)

// RunChildIfAsked returns at once: the client-dies scenario runs on Linux only.
func RunChildIfAsked() {}

type dyingProcess struct{}

func startDyingClient(ctx context.Context, server netip.AddrPort, msg string, in func(func() error) error) (*dyingProcess, error) {
	return nil, errors.New("the client-dies scenario runs on Linux only")
}

func (p *dyingProcess) kill() error { return nil }
