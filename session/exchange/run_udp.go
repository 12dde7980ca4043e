package exchange

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/handshake-viz/handshake-viz/session"
)

// DatagramCallSink is a CallSink that also takes the calls made on UDP
// sockets (feed.Calls is one): their events go on the UDP flow of their
// 4-tuple. A sink without it records no UDP calls.
type DatagramCallSink interface {
	RecordDatagram(c session.Call, local, remote netip.AddrPort)
}

// Datagram is one end's UDP socket; its calls are recorded. The client's
// is connected to the server (connect(2) on UDP sends nothing: it only
// fixes the peer); the server's is Run.UDP, which answers whoever sent.
type Datagram struct {
	r      *Run
	side   session.Dir
	udp    *net.UDPConn
	local  netip.AddrPort
	peer   netip.AddrPort // the client's server; the server's last sender
	stop   func() bool
	closed bool
}

// recordUDP passes a UDP socket's call to the sink, if it takes them.
func (r *Run) recordUDP(c session.Call, local, remote netip.AddrPort) {
	if s, ok := r.ex.opts.Calls.(DatagramCallSink); ok {
		s.RecordDatagram(c, local, remote)
	}
}

// DialUDP opens the client's UDP socket, connected to the server's UDP
// port.
func (r *Run) DialUDP(ctx context.Context) (*Datagram, error) {
	if r.ex.udp == nil {
		return nil, errors.New("this scenario has no UDP socket")
	}
	var conn *net.UDPConn
	server := r.ex.addr
	err := r.ex.net.Do(session.FromClient, func() error {
		local := net.UDPAddrFromAddrPort(netip.AddrPortFrom(r.ex.net.Addr(session.FromClient), 0))
		var err error
		conn, err = net.DialUDP("udp", local, net.UDPAddrFromAddrPort(server))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("UDP socket to %s: %w", server, err)
	}
	d := &Datagram{r: r, side: session.FromClient, udp: conn, local: unmapped(conn.LocalAddr()), peer: server}
	d.stop = context.AfterFunc(ctx, func() { conn.SetDeadline(pastDeadline()) })
	return d, nil
}

// ServerUDP returns the server's UDP socket as a Datagram.
func (r *Run) ServerUDP() (*Datagram, error) {
	if r.ex.udp == nil {
		return nil, errors.New("this scenario has no UDP socket")
	}
	// Run unblocks it when the run ends; closing it is the Exchange's.
	return &Datagram{r: r, side: session.FromServer, udp: r.ex.udp, local: r.ex.addr, stop: func() bool { return true }, closed: true}, nil
}

// Local returns the socket's address.
func (d *Datagram) Local() netip.AddrPort { return d.local }

// Send sends b as one datagram to the peer (the server's: to the last
// sender).
func (d *Datagram) Send(b []byte) error {
	peer := d.peer
	d.r.recordUDP(session.Call{Side: d.side, Call: session.CallSend, Phase: session.CallEnter}, d.local, peer)
	var n int
	var err error
	if d.side == session.FromClient {
		n, err = d.udp.Write(b)
	} else {
		n, err = d.udp.WriteToUDPAddrPort(b, peer)
	}
	d.r.recordUDP(session.Call{Side: d.side, Call: session.CallSend, Phase: session.CallReturn, Result: errnoName(err), Bytes: n}, d.local, peer)
	if err != nil {
		return fmt.Errorf("send a %d-byte datagram to %s: %w", len(b), peer, err)
	}
	return nil
}

// Recv receives one datagram into b; the server's remembers its sender
// as the peer to answer. A recv that is still waiting is recorded once
// its datagram came (its sender is known only then).
func (d *Datagram) Recv(b []byte) (int, error) {
	n, from, err := d.udp.ReadFromUDPAddrPort(b)
	if err != nil {
		return 0, fmt.Errorf("recv a datagram: %w", err)
	}
	from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
	if d.side == session.FromServer {
		d.peer = from
	}
	d.r.recordUDP(session.Call{Side: d.side, Call: session.CallRecv, Phase: session.CallReturn, Result: "ok", Bytes: n}, d.local, from)
	return n, nil
}

// Close closes the client's socket (nothing is sent: UDP has no close).
func (d *Datagram) Close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	d.stop()
	d.r.recordUDP(session.Call{Side: d.side, Call: session.CallClose, Phase: session.CallEnter}, d.local, d.peer)
	err := d.udp.Close()
	d.r.recordUDP(session.Call{Side: d.side, Call: session.CallClose, Phase: session.CallReturn, Result: errnoName(err)}, d.local, d.peer)
	if err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

func (d *Datagram) closeQuietly() {
	if !d.closed {
		d.closed = true
		d.stop()
		d.udp.Close()
	}
}
