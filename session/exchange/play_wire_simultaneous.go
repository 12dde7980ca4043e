package exchange

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"github.com/handshake-viz/handshake-viz/session"
)

// playSimultaneousOpen: nobody listens; both ends connect to each other
// at once (the client from its port to the server's, the server from its
// port to the client's), and the wire holds the first SYN until the
// other end has sent its own, so the SYNs cross: each end gets a SYN in
// SYN-SENT, is SYN-RECEIVED, answers SYN+ACK, and both are ESTABLISHED
// without accept. Then one message and its echo, and the client closes
// first, as in the loop.
func playSimultaneousOpen(ctx context.Context, r *Run) error {
	t := newTurns(1)[0]
	port := r.Server().Port()
	clientAddr := netip.AddrPortFrom(r.ex.net.Addr(session.FromClient), port)
	return both(ctx, func(ctx context.Context) error {
		c, err := r.dialFromServer(ctx, clientAddr)
		if err != nil {
			return fmt.Errorf("server: %w", err)
		}
		defer c.closeQuietly()
		t.accepted <- KernelState{}
		if err := echo(r, c, make([]byte, readBufferSize)); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		t.endRead <- struct{}{}
		return serveClose(r, c, t)
	}, func(ctx context.Context) error {
		c, err := r.DialWith(ctx, DialOptions{LocalPort: port})
		if err != nil {
			return fmt.Errorf("client: %w", err)
		}
		defer c.closeQuietly()
		if _, err := recv(ctx, t.accepted); err != nil {
			return err
		}
		if err := talkFrom(r, c, 0); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		return closeFirst(ctx, c, t)
	})
}

// dialFromServer connects the server's end (bound to the server's address
// and port, SO_REUSEADDR on, as the reserved port is) to a client
// address, recording connect on the server's side.
func (r *Run) dialFromServer(ctx context.Context, to netip.AddrPort) (*Conn, error) {
	var local netip.AddrPort
	var conn net.Conn
	err := r.ex.net.Do(session.FromServer, func() error {
		d := net.Dialer{
			KeepAlive: -1,
			Control: func(_, _ string, rc syscall.RawConn) error {
				var berr error
				if err := rc.Control(func(fd uintptr) { local, berr = bindControl(fd, r.ex.addr, true) }); err != nil {
					return err
				}
				if berr == nil {
					r.record(session.Call{Side: session.FromServer, Call: session.CallConnect, Phase: session.CallEnter}, local, to, session.KernelView{})
				}
				return berr
			},
		}
		var err error
		conn, err = d.DialContext(ctx, "tcp", to.String())
		return err
	})
	if local.IsValid() {
		var k session.KernelView
		if r.recording() && err == nil {
			k = r.KernelView(to, local)
		}
		r.record(session.Call{Side: session.FromServer, Call: session.CallConnect, Phase: session.CallReturn, Result: errnoName(err)}, local, to, k)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", to, err)
	}
	return r.newConn(ctx, session.FromServer, conn.(*net.TCPConn)), nil
}

// playSimultaneousClose: the loop's exchange, but both ends close as soon
// as the server has read "##", and the wire holds the first FIN until the
// other end has sent its own: the FINs cross, each end gets a FIN in
// FIN-WAIT-1 and is CLOSING, and the ACKs take both to TIME-WAIT.
func playSimultaneousClose(ctx context.Context, r *Run) error {
	t := newTurns(1)[0]
	return oneConn(ctx, r, func(ctx context.Context, c *Conn) error {
		t.accepted <- KernelState{}
		if err := echo(r, c, make([]byte, readBufferSize)); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		t.endRead <- struct{}{}
		return closeTogether(c, "server")
	}, func(ctx context.Context, c *Conn) error {
		if _, err := recv(ctx, t.accepted); err != nil {
			return err
		}
		if err := talkFrom(r, c, 0); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		if _, err := recv(ctx, t.endRead); err != nil {
			return err
		}
		return closeTogether(c, "client")
	})
}

// closeTogether sends this end's FIN without waiting for the peer's, then
// reads the peer's FIN and closes.
func closeTogether(c *Conn, who string) error {
	if err := c.Shutdown(); err != nil {
		return fmt.Errorf("%s: %w", who, err)
	}
	if err := c.RecvEOF(); err != nil {
		return fmt.Errorf("%s: %w", who, err)
	}
	if err := c.Close(); err != nil {
		return fmt.Errorf("%s: %w", who, err)
	}
	return nil
}
