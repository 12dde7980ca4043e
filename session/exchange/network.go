package exchange

import (
	"net/netip"

	"github.com/handshake-viz/handshake-viz/session"
)

// Network is where an exchange's two ends live: the host's own loopback
// (Loopback), or the two network namespaces of the lossy wire (package
// capture/wire), joined through the program. A scenario opens every socket
// through Do, so the same client and server code runs on either.
type Network interface {
	// Addr is the address of one end: where the server listens, or the
	// client's own address.
	Addr(end session.Dir) netip.Addr
	// Do runs f on a locked OS thread inside that end's network namespace
	// (on the loopback network: at once, on the calling goroutine).
	// Sockets that f creates stay in that namespace after Do returns.
	Do(end session.Dir, f func() error) error
}

// Loopback is the host's loopback network: both ends on one address
// (127.0.0.1, or ::1 for IPv6), sockets opened where the program runs.
type Loopback struct{ Host netip.Addr }

// Addr returns the loopback address; both ends share it.
func (l Loopback) Addr(session.Dir) netip.Addr {
	if !l.Host.IsValid() {
		return netip.MustParseAddr(DefaultHost)
	}
	return l.Host
}

// Do runs f at once.
func (Loopback) Do(_ session.Dir, f func() error) error { return f() }
