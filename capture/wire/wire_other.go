//go:build !linux

package wire

import (
	"context"
	"errors"
	"io"
	"net/netip"
	"os"

	"github.com/handshake-viz/handshake-viz/capture"
)

// errNotLinux is Open's error outside Linux.
var errNotLinux = errors.New("the lossy wire needs Linux (network namespaces and TUN devices): run it on Linux as root")

// Wire is the lossy wire; outside Linux it cannot be opened.
type Wire struct{}

// Open fails outside Linux.
func Open(ctx context.Context, cfg Config) (*Wire, error) { return nil, errNotLinux }

// Addr returns the address of end e.
func (w *Wire) Addr(e End) netip.Addr { return Addr(e) }

// Do fails outside Linux.
func (w *Wire) Do(e End, f func() error) error { return errNotLinux }

// Sockets fails outside Linux.
func (w *Wire) Sockets(e End) ([]Socket, error) { return nil, errNotLinux }

// Timings returns zero.
func (w *Wire) Timings() Timings { return Timings{} }

// Next returns io.EOF.
func (w *Wire) Next() (capture.RawPacket, error) { return capture.RawPacket{}, io.EOF }

// Info describes the wire.
func (w *Wire) Info() capture.SourceInfo {
	return capture.SourceInfo{Name: "lossy wire", Format: "live", Size: -1}
}

// BytesRead is 0.
func (w *Wire) BytesRead() int64 { return 0 }

// Stats returns zero.
func (w *Wire) Stats() (capture.LiveStats, error) { return capture.LiveStats{}, nil }

// Namespaces fails outside Linux.
func (w *Wire) Namespaces() ([2]string, error) { return [2]string{}, errNotLinux }

// NamespaceHolders finds nothing outside Linux.
func NamespaceHolders(ids []string) []string { return nil }

// InNamespace fails outside Linux.
func InNamespace(ns *os.File, f func() error) error { return errNotLinux }

// Close does nothing.
func (w *Wire) Close() error { return nil }

// Ahead reports nothing.
func (s Step) Ahead() (client, server int) { return 0, 0 }
