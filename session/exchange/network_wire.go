package exchange

import (
	"net/netip"

	"github.com/handshake-viz/handshake-viz/capture/wire"
	"github.com/handshake-viz/handshake-viz/session"
)

// WireNetwork is the lossy wire as a Network: the client end in one
// namespace (10.77.0.1), the server end in the other (10.77.0.2).
// (capture/wire imports none of the project's packages, so its ends are
// its own type; this adapts them.)
type WireNetwork struct{ Wire *wire.Wire }

// wireEnd maps a direction to the wire's end.
func wireEnd(d session.Dir) wire.End {
	if d == session.FromServer {
		return wire.Server
	}
	return wire.Client
}

// Addr returns the end's address on the wire.
func (n WireNetwork) Addr(end session.Dir) netip.Addr { return n.Wire.Addr(wireEnd(end)) }

// Do runs f in the end's namespace.
func (n WireNetwork) Do(end session.Dir, f func() error) error { return n.Wire.Do(wireEnd(end), f) }
