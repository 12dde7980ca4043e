package exchange

import (
	"context"
	"errors"
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// playNagle: two connections, each sending the first message one byte
// per send() to a server whose socket holds ACKs back (delayed ACK,
// TCP_QUICKACK 0). The first with TCP_NODELAY (Go's default): every byte
// leaves at once, one segment per send. The second with Nagle's algorithm
// on: the first byte leaves, the next ones wait in the kernel until that
// byte is acknowledged — and the ACK itself waits for the delayed-ACK
// timer (40 ms on Linux; the server reads only once every byte is in) —
// then leave together in one segment.
func playNagle(ctx context.Context, r *Run) error {
	for _, noDelay := range []bool{true, false} {
		if err := nagleTurn(ctx, r, noDelay); err != nil {
			return fmt.Errorf("TCP_NODELAY %t: %w", noDelay, err)
		}
	}
	return nil
}

func nagleTurn(ctx context.Context, r *Run, noDelay bool) error {
	msg := r.Messages()[0]
	accepted := make(chan struct{}, 1)
	readAll := make(chan struct{}, 1)
	return both(ctx, func(ctx context.Context) error {
		sc, err := r.Accept(ctx)
		if err != nil {
			return fmt.Errorf("server: %w", err)
		}
		defer sc.closeQuietly()
		if err := delayACK(sc.TCP()); err != nil {
			return err
		}
		accepted <- struct{}{}
		// Not reading until every byte is in: a read that empties the
		// receive queue makes Linux send the ACK at once.
		if err := r.WaitTrace(ctx, "all the client's bytes", func(tr Trace) bool {
			conns := connections(tr)
			if len(conns) == 0 {
				return false
			}
			_, n, _ := nagleData(tr, conns[len(conns)-1])
			return int(n) >= len(msg)
		}); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		buf := make([]byte, len(msg))
		if err := sc.recvAndACK(buf); err != nil {
			return err
		}
		readAll <- struct{}{}
		return sc.passiveClose()
	}, func(ctx context.Context) error {
		cc, err := r.DialWith(ctx, DialOptions{NoDelay: &noDelay})
		if err != nil {
			return fmt.Errorf("client: %w", err)
		}
		defer cc.closeQuietly()
		if _, err := recv(ctx, accepted); err != nil {
			return err
		}
		for i := range len(msg) {
			if err := cc.sendFast([]byte{msg[i]}); err != nil {
				return fmt.Errorf("client: %w", err)
			}
		}
		if _, err := recv(ctx, readAll); err != nil {
			return err
		}
		return cc.activeClose()
	})
}

// nagleData counts one connection's client data segments (first
// transmissions), their bytes, and those that left while data sent
// before them was unacknowledged.
func nagleData(tr Trace, stream int) (segs int, bytes uint32, unacked int) {
	var acked, sent uint32 // relative to the client's ISN+1: acknowledged / sent so far
	var isn uint32
	for _, ev := range tr.Events {
		if ev.Kind != session.KindSegment || ev.Stream != stream {
			continue
		}
		switch {
		case ev.From == c && ev.Seg.Flags == capture.SYN:
			isn = ev.Seg.Seq
		case ev.From == c && ev.Seg.PayloadLen > 0:
			end := ev.Seg.Seq - isn - 1 + ev.Seg.PayloadLen
			if end <= sent {
				continue // a retransmission
			}
			if acked < sent {
				unacked++
			}
			segs++
			sent = end
		case ev.From == s && ev.Seg.Flags.Has(capture.ACK):
			if a := ev.Seg.Ack - isn - 1; a > acked && a <= sent {
				acked = a
			}
		}
	}
	return segs, sent, unacked
}

// sendFast is Send without reading the kernel's states afterwards (a
// sock_diag dump takes milliseconds on a busy host): back-to-back small
// writes stay back to back.
func (c *Conn) sendFast(b []byte) error {
	c.r.record(session.Call{Side: c.side, Call: session.CallSend, Phase: session.CallEnter}, c.local, c.remote, session.KernelView{})
	n, err := c.tcp.Write(b)
	c.r.record(session.Call{Side: c.side, Call: session.CallSend, Phase: session.CallReturn, Result: errnoName(err), Bytes: n}, c.local, c.remote, session.KernelView{})
	if err != nil {
		return fmt.Errorf("send %d bytes: %w", len(b), err)
	}
	return nil
}

// sigNagle: two connections sending the same bytes one per send. With
// TCP_NODELAY one segment per byte, some leaving while earlier ones are
// unacknowledged; with Nagle fewer segments than bytes, none leaving
// while data sent before it is unacknowledged, and sends returning for
// bytes the kernel holds back.
func sigNagle(tr Trace) error {
	conns := connections(tr)
	if len(conns) != 2 {
		return fmt.Errorf("%d connections, want 2 (TCP_NODELAY on, then off)", len(conns))
	}
	nSegs, nBytes, nUnacked := nagleData(tr, conns[0])
	if nSegs != int(nBytes) || nSegs < 2 {
		return fmt.Errorf("with TCP_NODELAY: %d segments for %d bytes, want one per byte", nSegs, nBytes)
	}
	if nUnacked == 0 {
		return errors.New("with TCP_NODELAY no segment left while earlier data was unacknowledged")
	}
	gSegs, gBytes, gUnacked := nagleData(tr, conns[1])
	if gBytes != nBytes {
		return fmt.Errorf("with Nagle %d bytes, with TCP_NODELAY %d: want the same", gBytes, nBytes)
	}
	if gSegs >= int(gBytes) {
		return fmt.Errorf("with Nagle: %d segments for %d bytes, want fewer (small writes coalesced)", gSegs, gBytes)
	}
	if gUnacked != 0 {
		return fmt.Errorf("with Nagle: %d segments left while earlier data was unacknowledged, want none", gUnacked)
	}
	if tr.Calls() == nil {
		return nil
	}
	// With Nagle, send() returned for bytes the kernel was holding: more
	// sends returned before the second data segment than the one whose
	// byte the first carried.
	second, data := -1, 0
	for i, ev := range tr.Events {
		if ev.Kind == session.KindSegment && ev.Stream == conns[1] && ev.From == c && ev.Seg.PayloadLen > 0 {
			if data++; data == 2 {
				second = i
				break
			}
		}
	}
	sends := 0
	for _, ev := range tr.Events[:max(second, 0)] {
		if CallIs(c, session.CallSend, session.CallReturn)(&ev) && ev.Stream == conns[1] {
			sends++
		}
	}
	if second < 0 || sends < 2 {
		return fmt.Errorf("with Nagle: %d sends returned before the second data segment (event %d), want 2 or more: the bytes were not held back", sends, second)
	}
	return nil
}
