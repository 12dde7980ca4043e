package exchange

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// readBufferSize is what one read of the server or client takes at most.
const readBufferSize = 64 << 10

// turn carries one client's rendezvous with the server. Clients are
// served one after another and each signal is taken before the next
// client dials, so one turn serves every client of a run (a long
// --clients run allocates nothing per client here).
type turn struct {
	accepted chan KernelState // the server's end after accept
	endRead  chan struct{}    // the server read "##" (and acknowledged it)
	closed   chan struct{}    // the server's close returned: its FIN was acknowledged
}

func newTurns(n int) []turn {
	turns := make([]turn, n)
	for i := range turns {
		turns[i] = turn{accepted: make(chan KernelState, 1), endRead: make(chan struct{}, 1), closed: make(chan struct{}, 1)}
	}
	return turns
}

// playLoop is the homework: a server serves clients one after another,
// echoing each message until "##"; the client closes first, with the
// four-way close FIN / ACK / FIN / ACK.
func playLoop(ctx context.Context, r *Run) error {
	t := newTurns(1)[0]
	return both(ctx, func(ctx context.Context) error {
		buf := make([]byte, readBufferSize)
		for i := range r.Clients() {
			c, err := r.Accept(ctx)
			if err != nil {
				return fmt.Errorf("server, client %d: %w", i+1, err)
			}
			if err := loopServe(ctx, r, c, t, buf); err != nil {
				return fmt.Errorf("server, client %d (%s): %w", i+1, c.Remote(), err)
			}
		}
		return nil
	}, func(ctx context.Context) error {
		for i := range r.Clients() {
			if err := loopClient(ctx, r, t); err != nil {
				return fmt.Errorf("client %d: %w", i+1, err)
			}
		}
		return nil
	})
}

// loopClient runs one client's turn: connect, send each message and read
// its echo, send "##", close first, and wait until both ends are closed.
func loopClient(ctx context.Context, r *Run, t turn) error {
	c, err := r.Dial(ctx)
	if err != nil {
		return err
	}
	defer c.closeQuietly()
	var cs KernelState
	if r.Hooks().Established != nil {
		if cs, err = c.State(); err != nil {
			return err
		}
	}
	ss, err := recv(ctx, t.accepted)
	if err != nil {
		return err
	}
	if h := r.Hooks().Established; h != nil {
		h(cs, ss)
	}
	if err := talk(r, c); err != nil {
		return err
	}
	if _, err := recv(ctx, t.endRead); err != nil {
		return err
	}
	// Close first: FIN. Then wait for the server's FIN; the kernel ACKs it
	// and this end goes to TIME-WAIT.
	if err := c.Shutdown(); err != nil {
		return err
	}
	if err := c.RecvEOF(); err != nil {
		return err
	}
	if err := c.Close(); err != nil {
		return err
	}
	if _, err := recv(ctx, t.closed); err != nil {
		return err
	}
	if h := r.Hooks().Closed; h != nil {
		table, err := KernelStates(r.ex.Port())
		if err != nil {
			return err
		}
		h(endState(c.Local(), c.Remote(), table), endState(c.Remote(), c.Local(), table))
	}
	return nil
}

// talk sends every message but "##", reading each echo, then sends "##".
func talk(r *Run, c *Conn) error { return talkFrom(r, c, 0) }

// talkFrom sends the messages from index i on but "##", reading each
// echo, then sends "##".
func talkFrom(r *Run, c *Conn, i int) error {
	msgs := r.Messages()
	reply := make([]byte, readBufferSize)
	for _, m := range msgs[i : len(msgs)-1] {
		if err := c.SendString(m); err != nil {
			return fmt.Errorf("send %q: %w", m, err)
		}
		if len(m) > len(reply) {
			reply = make([]byte, len(m))
		}
		got := reply[:len(m)]
		if err := c.RecvFull(got); err != nil {
			return fmt.Errorf("read the echo of %q: %w", m, err)
		}
		if string(got) != m {
			return fmt.Errorf("sent %q, the server echoed %q", m, got)
		}
		if !r.KernelACKs() {
			if err := c.QuickACK(); err != nil {
				return err
			}
		}
	}
	if err := c.SendString(End); err != nil {
		return fmt.Errorf("send %q: %w", End, err)
	}
	return nil
}

// loopServe echoes until "##", acknowledges the client's FIN, then closes
// and returns when its own FIN is acknowledged.
func loopServe(ctx context.Context, r *Run, c *Conn, t turn, buf []byte) error {
	defer c.closeQuietly()
	var st KernelState
	if r.Hooks().Established != nil {
		var err error
		if st, err = c.State(); err != nil {
			return err
		}
	}
	t.accepted <- st
	if err := echo(r, c, buf); err != nil {
		return err
	}
	t.endRead <- struct{}{}

	// The client closes now. Reading its FIN moves this end to CLOSE-WAIT;
	// Linux would hold the ACK back to piggyback it on our FIN. Send it
	// first, so the close is FIN / ACK / FIN / ACK.
	// With a linger time, close returns once our FIN is acknowledged
	// (LAST-ACK -> CLOSED), so the socket is gone when Run goes on.
	if err := c.passiveClose(); err != nil {
		return err
	}
	t.closed <- struct{}{}
	return nil
}

// echo sends back what it reads until the client sends "##".
func echo(r *Run, c *Conn, buf []byte) error {
	for {
		n, err := c.Recv(buf)
		if n > 0 && !r.KernelACKs() {
			if err := c.QuickACK(); err != nil {
				return err
			}
		}
		data := buf[:n]
		end := bytes.HasSuffix(data, []byte(End))
		if end {
			data = data[:len(data)-len(End)]
		}
		if len(data) > 0 {
			if _, werr := c.Send(data); werr != nil {
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
