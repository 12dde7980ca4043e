package exchange

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// playRefused connects to a port that is bound but not listening: the
// kernel answers the SYN with RST and connect fails with ECONNREFUSED.
// The server does nothing at all: no socket of its own answers.
func playRefused(ctx context.Context, r *Run) error {
	c, err := r.Dial(ctx)
	if err == nil {
		c.closeQuietly()
		return errors.New("connect succeeded: something listens on the port")
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("want ECONNREFUSED: %w", err)
	}
	return nil
}

// sigRefused: the client's SYN, the server's RST+ACK, nothing else; the
// connect call returns ECONNREFUSED after the RST.
func sigRefused(tr Trace) error {
	segs := tr.Segments()
	if len(segs) != 2 {
		return fmt.Errorf("%d segments, want 2 (SYN, RST)", len(segs))
	}
	if segs[0].From != c || segs[0].Seg.Flags != capture.SYN {
		return fmt.Errorf("first segment %v %v, want the client's SYN", segs[0].From, segs[0].Seg.Flags)
	}
	if segs[1].From != s || segs[1].Seg.Flags != capture.RST|capture.ACK {
		return fmt.Errorf("second segment %v %v, want the server's RST+ACK", segs[1].From, segs[1].Seg.Flags)
	}
	if segs[1].Handshake != session.HandshakeRefused || segs[1].Close != session.CloseRST {
		return fmt.Errorf("after the RST: handshake %v, close %v; want refused, rst", segs[1].Handshake, segs[1].Close)
	}
	if segs[1].Client != session.Closed || segs[1].Server != session.Closed {
		return fmt.Errorf("after the RST: client %v, server %v; want CLOSED, CLOSED", segs[1].Client, segs[1].Server)
	}
	if tr.Calls() == nil {
		return nil
	}
	if err := tr.After(CallIs(c, session.CallConnect, session.CallEnter), Flags(c, capture.SYN), "connect is called before the SYN"); err != nil {
		return err
	}
	ret := CallIs(c, session.CallConnect, session.CallReturn)
	if err := tr.After(Flags(s, capture.RST|capture.ACK), ret, "connect returns after the RST"); err != nil {
		return err
	}
	if got := tr.Events[tr.Index(-1, ret)].Call.Result; got != "ECONNREFUSED" {
		return fmt.Errorf("connect returned %s, want ECONNREFUSED", got)
	}
	if n := len(tr.Calls()); n != 2 {
		return fmt.Errorf("%d socket calls, want 2 (connect called and returned; the server makes none)", n)
	}
	return nil
}
