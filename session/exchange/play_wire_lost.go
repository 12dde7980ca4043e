package exchange

import (
	"bytes"
	"context"
	"fmt"
)

// playLostACK is the homework with the client sending its first message
// as soon as connect returns, without waiting for the server to accept:
// the handshake's third ACK is lost on the wire, so the client is
// ESTABLISHED and sending while the server is still SYN-RECEIVED; the
// data segment carries the ACK again, and its arrival makes the server
// ESTABLISHED (then accept returns).
func playLostACK(ctx context.Context, r *Run) error {
	t := newTurns(1)[0]
	return both(ctx, func(ctx context.Context) error {
		c, err := r.Accept(ctx)
		if err != nil {
			return fmt.Errorf("server: %w", err)
		}
		return loopServe(ctx, r, c, t, make([]byte, readBufferSize))
	}, func(ctx context.Context) error {
		c, err := r.Dial(ctx)
		if err != nil {
			return fmt.Errorf("client: %w", err)
		}
		defer c.closeQuietly()
		msgs := r.Messages()
		first := msgs[0]
		if first == End {
			return fmt.Errorf("client: the scenario needs a message before %q", End)
		}
		if err := c.SendString(first); err != nil {
			return fmt.Errorf("client: send %q: %w", first, err)
		}
		if _, err := recv(ctx, t.accepted); err != nil {
			return err
		}
		got := make([]byte, len(first))
		if err := c.RecvFull(got); err != nil {
			return fmt.Errorf("client: read the echo of %q: %w", first, err)
		}
		if string(got) != first {
			return fmt.Errorf("client: sent %q, the server echoed %q", first, got)
		}
		if err := talkFrom(r, c, 1); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		return closeFirst(ctx, c, t)
	})
}

// closeFirst is the client's end of a loop turn: once the server has read
// "##", send the first FIN, read the server's, close, and wait until the
// server's close returned.
func closeFirst(ctx context.Context, c *Conn, t turn) error {
	if _, err := recv(ctx, t.endRead); err != nil {
		return err
	}
	if err := c.activeClose(); err != nil {
		return err
	}
	_, err := recv(ctx, t.closed)
	return err
}

// Stream sizes of lost-data: a burst of full-sized segments (the initial
// congestion window is ten), so that after the lost one several arrive
// out of order and each draws a duplicate ACK.
const (
	streamMSS      = 1460 // the wire's MTU 1500 less 40 bytes of headers
	streamSegments = 8
	streamBytes    = streamSegments * streamMSS
)

// streamData is what the lost-data client sends in one write: streamBytes
// of text ending in "##".
func streamData() []byte {
	line := []byte("0123456789abcdefghijklmnopqrstuvwxyz\n")
	b := bytes.Repeat(line, streamBytes/len(line)+1)[:streamBytes-len(End)]
	return append(b, End...)
}

// playStream is lost-data: the client sends a burst of segments in one
// write; the wire loses the first; the server, getting the later ones
// out of order, answers each with a duplicate ACK (with SACK blocks), and
// the client retransmits the lost one fast, before its timer. The server
// answers "##" once it has read everything; then the four-way close as
// in the loop.
func playStream(ctx context.Context, r *Run) error {
	t := newTurns(1)[0]
	data := streamData()
	return oneConn(ctx, r, func(ctx context.Context, c *Conn) error {
		t.accepted <- KernelState{}
		got := make([]byte, 0, len(data))
		buf := make([]byte, readBufferSize)
		for !bytes.HasSuffix(got, []byte(End)) {
			n, err := c.Recv(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				return fmt.Errorf("server: read %d of %d bytes: %w", len(got), len(data), err)
			}
		}
		if !bytes.Equal(got, data) {
			return fmt.Errorf("server: read %d bytes, not the %d the client sent", len(got), len(data))
		}
		// Answer "##": its ACK field acknowledges everything, so the
		// client, having read it, closes with nothing unacknowledged (a
		// FIN queued behind unacknowledged data would leave the client
		// FIN-WAIT-1 with no FIN on the wire yet).
		if err := c.SendString(End); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		t.endRead <- struct{}{}
		return serveClose(r, c, t)
	}, func(ctx context.Context, c *Conn) error {
		if _, err := recv(ctx, t.accepted); err != nil {
			return err
		}
		if _, err := c.Send(data); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		got := make([]byte, len(End))
		if err := c.RecvFull(got); err != nil || string(got) != End {
			return fmt.Errorf("client: read the server's %q: %q, %v", End, got, err)
		}
		return closeFirst(ctx, c, t)
	})
}

// serveClose is the server's end of a loop turn after "##": acknowledge
// the client's FIN at once, then close, returning once its own FIN is
// acknowledged.
func serveClose(r *Run, c *Conn, t turn) error {
	if err := c.passiveClose(); err != nil {
		return err
	}
	t.closed <- struct{}{}
	return nil
}
