package exchange

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// playFIN3: the client sends a message and closes; the server closes as
// soon as its recv returns 0. Its socket holds the ACK of the client's FIN
// back (delayed ACK, TCP_QUICKACK 0), so the server's FIN carries that
// ACK: FIN, FIN+ACK, ACK — a three-way close.
func playFIN3(ctx context.Context, r *Run) error {
	msg := r.Messages()[0]
	ready := make(chan struct{}, 1)
	return oneConnAccepted(ctx, r, func(ctx context.Context, sc *Conn) error {
		buf := make([]byte, len(msg))
		if err := sc.RecvFull(buf); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		// Acknowledge the data now, then hold back the next ACK.
		if err := sc.QuickACK(); err != nil {
			return err
		}
		if err := delayACK(sc.TCP()); err != nil {
			return err
		}
		ready <- struct{}{}
		if err := sc.TCP().SetLinger(lingerSeconds); err != nil {
			return fmt.Errorf("set SO_LINGER: %w", err)
		}
		return sc.recvEOFThenClose()
	}, func(ctx context.Context, cc *Conn) error {
		if err := cc.SendString(msg); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		if _, err := recv(ctx, ready); err != nil {
			return err
		}
		return cc.activeClose()
	})
}

// sigFIN3: after the client's FIN the server sends no ACK of its own:
// its next segment is FIN+ACK acknowledging the client's FIN, then the
// client's ACK; the Tracker calls it fin3, the client ends in TIME-WAIT
// and the server CLOSED.
func sigFIN3(tr Trace) error {
	if err := handshake(tr); err != nil {
		return err
	}
	fin := tr.Index(-1, HasFlag(c, capture.FIN))
	if fin < 0 {
		return errors.New("no FIN from the client")
	}
	next := tr.Index(fin, func(ev *session.Event) bool { return ev.Kind == session.KindSegment && ev.From == s })
	if next < 0 {
		return errors.New("the server sent nothing after the client's FIN")
	}
	sfin := tr.Events[next]
	want := tr.Events[fin].Seg.Seq + tr.Events[fin].Seg.PayloadLen + 1
	if sfin.Seg.Flags != capture.FIN|capture.ACK || sfin.Seg.Ack != want {
		return fmt.Errorf("the server's first segment after the client's FIN is [%v] ack %d, want [FIN, ACK] acknowledging the FIN (ack %d): the ACK was not merged",
			sfin.Seg.Flags, sfin.Seg.Ack, want)
	}
	segs := tr.Segments()
	last := segs[len(segs)-1]
	if last.From != c || last.Seg.Flags != capture.ACK || last.Close != session.CloseFIN3 || last.Client != session.TimeWait || last.Server != session.Closed {
		return fmt.Errorf("last segment %v [%v]: close %v, client %v, server %v; want the client's ACK, fin3, TIME-WAIT, CLOSED",
			last.From, last.Seg.Flags, last.Close, last.Client, last.Server)
	}
	if n := tr.Count(func(ev *session.Event) bool { return ev.Seg.Flags.Has(capture.FIN) }); n != 2 {
		return fmt.Errorf("%d FIN segments, want 2", n)
	}
	if tr.Calls() == nil {
		return nil
	}
	if err := callOrder(tr); err != nil {
		return err
	}
	eof := func(ev *session.Event) bool {
		return CallIs(s, session.CallRecv, session.CallReturn)(ev) && ev.Call.Bytes == 0 && ev.Call.Result == "ok"
	}
	if err := tr.After(HasFlag(c, capture.FIN), eof, "the server's recv returns 0 after the client's FIN"); err != nil {
		return err
	}
	return tr.After(CallIs(s, session.CallClose, session.CallEnter), HasFlag(s, capture.FIN), "the server's close is called before its FIN+ACK")
}

// recvEOFThenClose reads the peer's FIN and closes at once: the kernel is
// read only after the close, so that nothing delays it (the ACK of the
// FIN is held back for the delayed-ACK timer, 40 ms at least on Linux; a
// sock_diag dump on a busy host can take milliseconds); the recv's
// return is recorded without the kernel's view.
func (c *Conn) recvEOFThenClose() error {
	r := c.r
	r.record(session.Call{Side: c.side, Call: session.CallRecv, Phase: session.CallEnter}, c.local, c.remote, session.KernelView{})
	var one [1]byte
	n, rerr := c.tcp.Read(one[:])
	result := errnoName(rerr)
	if errors.Is(rerr, io.EOF) {
		result = "ok"
	}
	// Recording takes microseconds; reading the kernel would take more.
	r.record(session.Call{Side: c.side, Call: session.CallRecv, Phase: session.CallReturn, Result: result, Bytes: n}, c.local, c.remote, session.KernelView{})
	c.closed = true
	c.stop()
	r.record(session.Call{Side: c.side, Call: session.CallClose, Phase: session.CallEnter}, c.local, c.remote, session.KernelView{})
	cerr := c.tcp.Close()
	var k session.KernelView
	if r.recording() {
		k = r.KernelView(c.ends())
	}
	r.record(session.Call{Side: c.side, Call: session.CallClose, Phase: session.CallReturn, Result: errnoName(cerr)}, c.local, c.remote, k)
	if n > 0 || !errors.Is(rerr, io.EOF) {
		return fmt.Errorf("wait for the peer's FIN: got %d bytes, %v", n, rerr)
	}
	if cerr != nil {
		return fmt.Errorf("close: %w", cerr)
	}
	return nil
}
