package exchange

import (
	"context"
	"errors"
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// playCloseWait: the client sends a message and shuts down (FIN); the
// server's recv returns 0, the kernel has acknowledged the FIN, and the
// server does not close: its socket stays in CLOSE-WAIT (what `ss -tan`
// shows by the thousand on a server that leaks sockets), the client's in
// FIN-WAIT-2. The scenario reads both with sock_diag, then cleans up: the
// server closes and the connection ends as a four-way close.
func playCloseWait(ctx context.Context, r *Run) error {
	msg := r.Messages()[0]
	return oneConnAccepted(ctx, r, func(ctx context.Context, sc *Conn) error {
		buf := make([]byte, len(msg))
		if err := sc.recvAndACK(buf); err != nil {
			return err
		}
		if err := sc.RecvEOF(); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		if err := sc.QuickACK(); err != nil {
			return err
		}
		// The leak: no close. What the kernel says now.
		table, err := r.KernelStates(session.FromServer)
		if err != nil {
			return err
		}
		if k := endState(sc.Local(), sc.Remote(), table); k.State != "CLOSE-WAIT" {
			return fmt.Errorf("server: after the peer's FIN and no close, the kernel has %v, want CLOSE-WAIT", k)
		}
		// Clean up.
		return sc.closeLingering()
	}, func(ctx context.Context, cc *Conn) error {
		if err := cc.SendString(msg); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		return cc.activeClose()
	})
}

// sigCloseWait: the client's FIN, acknowledged by a pure ACK of the
// server that leaves it in CLOSE-WAIT (the client in FIN-WAIT-2); the
// server's recv returns 0 with the kernel's socket in CLOSE-WAIT; the
// server's FIN comes only after its close call; the client ends in
// TIME-WAIT, the server CLOSED.
func sigCloseWait(tr Trace) error {
	if err := handshake(tr); err != nil {
		return err
	}
	fin := tr.Index(-1, HasFlag(c, capture.FIN))
	if fin < 0 {
		return errors.New("no FIN from the client")
	}
	ack := tr.Index(fin, func(ev *session.Event) bool { return ev.Kind == session.KindSegment && ev.From == s })
	if ack < 0 {
		return errors.New("the server sent nothing after the client's FIN")
	}
	if ev := tr.Events[ack]; ev.Seg.Flags != capture.ACK || ev.Client != session.FinWait2 || ev.Server != session.CloseWait {
		return fmt.Errorf("the server's answer to the FIN is [%v] leaving client %v, server %v; want a pure ACK, FIN-WAIT-2, CLOSE-WAIT", ev.Seg.Flags, ev.Client, ev.Server)
	}
	segs := tr.Segments()
	last := segs[len(segs)-1]
	if last.Close != session.CloseFIN4 || last.Client != session.TimeWait || last.Server != session.Closed {
		return fmt.Errorf("after the last segment: close %v, client %v, server %v; want fin4, TIME-WAIT, CLOSED", last.Close, last.Client, last.Server)
	}
	if tr.Calls() == nil {
		return nil
	}
	if err := callOrder(tr); err != nil {
		return err
	}
	eof := tr.Index(-1, func(ev *session.Event) bool {
		return CallIs(s, session.CallRecv, session.CallReturn)(ev) && ev.Call.Bytes == 0 && ev.Call.Result == "ok"
	})
	if eof < 0 {
		return errors.New("the server's recv never returned 0")
	}
	// (The client may still be in FIN-WAIT-1 then: Linux holds the ACK
	// of a FIN back for the delayed-ACK timer; the play sends it.)
	if k := tr.Events[eof].Kernel; k.Known && k.Server != session.CloseWait {
		return fmt.Errorf("when the server's recv returned 0 the kernel had it in %v, want CLOSE-WAIT", k.Server)
	}
	return tr.After(CallIs(s, session.CallClose, session.CallEnter), HasFlag(s, capture.FIN), "the server's FIN comes after its close is called")
}
