package exchange

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
)

// readBufferSize is what one read of the server or client takes at most.
const readBufferSize = 64 << 10

// serve accepts one connection per turn and serves it to the end.
func (e *Exchange) serve(ctx context.Context, turns []turn) error {
	buf := make([]byte, readBufferSize)
	for i, t := range turns {
		c, err := e.ln.AcceptTCP()
		if err != nil {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			return fmt.Errorf("exchange server: accept client %d on %s: %w", i+1, e.addr, err)
		}
		if err := e.serveConn(ctx, c, t, buf); err != nil {
			return fmt.Errorf("exchange server, client %d (%s): %w", i+1, c.RemoteAddr(), err)
		}
	}
	return nil
}

// serveConn echoes until "##", acknowledges the client's FIN, then closes
// and returns when its own FIN is acknowledged.
func (e *Exchange) serveConn(ctx context.Context, c *net.TCPConn, t turn, buf []byte) (err error) {
	stop := unblockOnDone(ctx, c)
	defer stop()
	closed := false
	defer func() {
		if !closed {
			c.Close()
		}
		if err != nil && ctx.Err() != nil {
			err = context.Cause(ctx)
		}
	}()

	var st KernelState
	if e.opts.Hooks.Established != nil {
		if st, err = connState(c); err != nil {
			return err
		}
	}
	t.accepted <- st

	if err := e.echo(c, buf); err != nil {
		return err
	}
	t.endRead <- struct{}{}

	// The client closes now. Reading its FIN moves this end to CLOSE-WAIT;
	// Linux would hold the ACK back to piggyback it on our FIN. Send it
	// first, so the close is FIN / ACK / FIN / ACK.
	n, err := c.Read(buf)
	if n > 0 {
		return fmt.Errorf("client sent %d bytes after %q", n, End)
	}
	if !errors.Is(err, io.EOF) {
		return fmt.Errorf("wait for the client's FIN: %w", err)
	}
	if err := quickACK(c); err != nil {
		return err
	}
	// With a linger time, close returns once our FIN is acknowledged
	// (LAST-ACK -> CLOSED), so the socket is gone when Run goes on.
	if err := c.SetLinger(lingerSeconds); err != nil {
		return fmt.Errorf("set SO_LINGER: %w", err)
	}
	closed = true
	if err := c.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	t.closed <- struct{}{}
	return nil
}

// echo sends back what it reads until the client sends "##".
func (e *Exchange) echo(c *net.TCPConn, buf []byte) error {
	for {
		n, err := c.Read(buf)
		if n > 0 && !e.opts.KernelACKs {
			if err := quickACK(c); err != nil {
				return err
			}
		}
		data := buf[:n]
		end := bytes.HasSuffix(data, []byte(End))
		if end {
			data = data[:len(data)-len(End)]
		}
		if len(data) > 0 {
			if _, werr := c.Write(data); werr != nil {
				return fmt.Errorf("echo %d bytes: %w", len(data), werr)
			}
		}
		if end {
			return nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("client closed without sending %q", End)
			}
			return fmt.Errorf("read: %w", err)
		}
	}
}
