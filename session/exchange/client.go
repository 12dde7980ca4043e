package exchange

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
)

// client runs client i's turn: connect, send each message and read its
// echo, send "##", close first, and wait until both ends are closed.
func (e *Exchange) client(ctx context.Context, i int, t turn) (err error) {
	defer func() {
		if err != nil {
			if ctx.Err() != nil {
				err = context.Cause(ctx)
			} else {
				err = fmt.Errorf("exchange client %d: %w", i+1, err)
			}
		}
	}()
	d := net.Dialer{KeepAlive: -1}
	conn, err := d.DialContext(ctx, "tcp", e.addr.String())
	if err != nil {
		return fmt.Errorf("connect to %s: %w", e.addr, err)
	}
	c := conn.(*net.TCPConn)
	stop := unblockOnDone(ctx, c)
	defer stop()
	defer c.Close()

	var cs KernelState
	if e.opts.Hooks.Established != nil {
		if cs, err = connState(c); err != nil {
			return err
		}
	}
	ss, err := recv(ctx, t.accepted)
	if err != nil {
		return err
	}
	if h := e.opts.Hooks.Established; h != nil {
		h(cs, ss)
	}

	if err := e.talk(c); err != nil {
		return err
	}
	if _, err := recv(ctx, t.endRead); err != nil {
		return err
	}
	// Close first: FIN. Then wait for the server's FIN; the kernel ACKs it
	// and this end goes to TIME-WAIT.
	if err := c.CloseWrite(); err != nil {
		return fmt.Errorf("send FIN: %w", err)
	}
	var one [1]byte
	if n, err := c.Read(one[:]); n > 0 || !errors.Is(err, io.EOF) {
		return fmt.Errorf("wait for the server's FIN: got %d bytes, %v", n, err)
	}
	if err := c.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if _, err := recv(ctx, t.closed); err != nil {
		return err
	}
	if h := e.opts.Hooks.Closed; h != nil {
		table, err := KernelStates(e.Port())
		if err != nil {
			return err
		}
		local, remote := unmapped(c.LocalAddr()), unmapped(c.RemoteAddr())
		h(endState(local, remote, table), endState(remote, local, table))
	}
	return nil
}

// talk sends every message but "##", reading each echo, then sends "##".
func (e *Exchange) talk(c *net.TCPConn) error {
	msgs := e.opts.Messages
	reply := make([]byte, readBufferSize)
	for _, m := range msgs[:len(msgs)-1] {
		if _, err := io.WriteString(c, m); err != nil {
			return fmt.Errorf("send %q: %w", m, err)
		}
		if len(m) > len(reply) {
			reply = make([]byte, len(m))
		}
		got := reply[:len(m)]
		if _, err := io.ReadFull(c, got); err != nil {
			return fmt.Errorf("read the echo of %q: %w", m, err)
		}
		if string(got) != m {
			return fmt.Errorf("sent %q, the server echoed %q", m, got)
		}
		if !e.opts.KernelACKs {
			if err := quickACK(c); err != nil {
				return err
			}
		}
	}
	if _, err := io.WriteString(c, End); err != nil {
		return fmt.Errorf("send %q: %w", End, err)
	}
	return nil
}
