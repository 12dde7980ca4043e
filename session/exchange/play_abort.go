package exchange

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// playAbort: the client sends one message, and once the server has read
// it the client closes with SO_LINGER 0 — the kernel throws the
// connection away and sends RST instead of FIN. The server's next recv
// fails with ECONNRESET.
func playAbort(ctx context.Context, r *Run) error {
	read := make(chan struct{}, 1)
	msg := r.Messages()[0]
	return oneConnAccepted(ctx, r, func(ctx context.Context, sc *Conn) error {
		buf := make([]byte, len(msg))
		if err := sc.recvAndACK(buf); err != nil {
			return err
		}
		read <- struct{}{}
		var one [1]byte
		n, err := sc.Recv(one[:])
		if !errors.Is(err, syscall.ECONNRESET) {
			return fmt.Errorf("server: recv after the client's abort returned %d bytes, %v; want ECONNRESET", n, err)
		}
		return sc.Close()
	}, func(ctx context.Context, cc *Conn) error {
		if err := cc.SendString(msg); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		if _, err := recv(ctx, read); err != nil {
			return err
		}
		return cc.Abort()
	})
}

// sigAbort: a handshake, data, then the client's RST and no FIN at all;
// both ends CLOSED at once. The client's close is called before the RST
// and the server's recv returns ECONNRESET after it.
func sigAbort(tr Trace) error {
	if err := handshake(tr); err != nil {
		return err
	}
	if n := tr.Count(func(ev *session.Event) bool { return ev.Seg.Flags.Has(capture.FIN) }); n != 0 {
		return fmt.Errorf("%d FIN segments, want none: an abort resets", n)
	}
	rst := tr.Index(-1, HasFlag(c, capture.RST))
	if rst < 0 {
		return errors.New("no RST from the client")
	}
	if tr.Index(rst, func(ev *session.Event) bool { return ev.Kind == session.KindSegment }) >= 0 {
		return errors.New("segments after the client's RST")
	}
	last := tr.Events[rst]
	if last.Close != session.CloseRST || last.Client != session.Closed || last.Server != session.Closed {
		return fmt.Errorf("after the RST: close %v, client %v, server %v; want rst, CLOSED, CLOSED", last.Close, last.Client, last.Server)
	}
	if tr.Index(-1, func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.From == c && ev.Seg.PayloadLen > 0
	}) > rst {
		return errors.New("the client's data comes after its RST")
	}
	if tr.Calls() == nil {
		return nil
	}
	if err := callOrder(tr); err != nil {
		return err
	}
	if err := tr.After(CallIs(c, session.CallClose, session.CallEnter), HasFlag(c, capture.RST), "the client's close is called before its RST"); err != nil {
		return err
	}
	reset := func(ev *session.Event) bool {
		return CallIs(s, session.CallRecv, session.CallReturn)(ev) && ev.Call.Result == "ECONNRESET"
	}
	return tr.After(HasFlag(c, capture.RST), reset, "the server's recv returns ECONNRESET after the RST")
}
