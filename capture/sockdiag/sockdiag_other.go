//go:build !linux

package sockdiag

import "net/netip"

// Conn is a sock_diag socket; outside Linux it cannot be opened.
type Conn struct{}

// Open fails outside Linux.
func Open() (*Conn, error) { return nil, ErrUnsupported }

// Close does nothing.
func (c *Conn) Close() error { return nil }

// Dump fails outside Linux.
func (c *Conn) Dump(family uint8) ([]Socket, error) { return nil, ErrUnsupported }

// Dump fails outside Linux.
func Dump() ([]Socket, error) { return nil, ErrUnsupported }

// Find fails outside Linux.
func (c *Conn) Find(local, remote netip.AddrPort) (Socket, bool, error) {
	return Socket{}, false, ErrUnsupported
}
