package exchange

import (
	"context"
	"errors"
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// playHalfClose: the client sends its messages and shuts down its sending
// half (shutdown(SHUT_WR): FIN) but keeps reading; the server reads to the
// FIN, then still sends a reply per message on the half-open connection
// (CLOSE-WAIT), and only then closes. The client's FIN-WAIT-2 lasts as
// long as the server keeps sending.
func playHalfClose(ctx context.Context, r *Run) error {
	msgs := r.Messages()
	msgs = msgs[:len(msgs)-1] // no "##": the FIN ends the client's turn
	return oneConnAccepted(ctx, r, func(ctx context.Context, sc *Conn) error {
		total := 0
		for _, m := range msgs {
			total += len(m)
		}
		buf := make([]byte, total)
		if err := sc.RecvFull(buf); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		if err := sc.RecvEOF(); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		// ACK the FIN at once, so the data that follows is not what
		// acknowledges it.
		if err := sc.QuickACK(); err != nil {
			return err
		}
		for _, m := range msgs {
			if err := sc.SendString("re:" + m); err != nil {
				return fmt.Errorf("server, half-closed: %w", err)
			}
		}
		return sc.closeLingering()
	}, func(ctx context.Context, cc *Conn) error {
		for _, m := range msgs {
			if err := cc.SendString(m); err != nil {
				return fmt.Errorf("client: %w", err)
			}
		}
		if err := cc.Shutdown(); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		for _, m := range msgs {
			got := make([]byte, len("re:"+m))
			if err := cc.RecvFull(got); err != nil {
				return fmt.Errorf("client, half-closed: %w", err)
			}
			if err := cc.QuickACK(); err != nil {
				return err
			}
			if string(got) != "re:"+m {
				return fmt.Errorf("client: got %q, want %q", got, "re:"+m)
			}
		}
		if err := cc.RecvEOF(); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		return cc.Close()
	})
}

// sigHalfClose: the client's FIN first, then the server's data while it
// is in CLOSE-WAIT and the client in FIN-WAIT-2, acknowledged by the
// client; then the server's FIN, and the client ends in TIME-WAIT. The
// client's shutdown is called before its FIN; the server's recv returns
// 0 (the FIN) before it sends.
func sigHalfClose(tr Trace) error {
	if err := handshake(tr); err != nil {
		return err
	}
	fin := tr.Index(-1, HasFlag(c, capture.FIN))
	sfin := tr.Index(-1, HasFlag(s, capture.FIN))
	if fin < 0 || sfin < fin {
		return fmt.Errorf("the client must send the first FIN (client FIN at %d, server FIN at %d)", fin, sfin)
	}
	data := 0
	for i := fin + 1; i < sfin; i++ {
		ev := tr.Events[i]
		if ev.Kind != session.KindSegment || ev.From != s || ev.Seg.PayloadLen == 0 {
			continue
		}
		data++
		if ev.Client != session.FinWait2 || ev.Server != session.CloseWait {
			return fmt.Errorf("server data at event %d: client %v, server %v; want FIN-WAIT-2, CLOSE-WAIT", i, ev.Client, ev.Server)
		}
		if tr.Index(i, func(a *session.Event) bool {
			return a.Kind == session.KindSegment && a.From == c && a.Seg.Flags.Has(capture.ACK) && a.Seg.Ack >= ev.Seg.Seq+ev.Seg.PayloadLen
		}) < 0 {
			return fmt.Errorf("the server's data at event %d is never acknowledged by the half-closed client", i)
		}
	}
	if data == 0 {
		return errors.New("no data from the server between the client's FIN and its own: nothing was sent half-closed")
	}
	segs := tr.Segments()
	last := segs[len(segs)-1]
	if last.Client != session.TimeWait || last.Server != session.Closed {
		return fmt.Errorf("after the last segment: client %v, server %v; want TIME-WAIT, CLOSED", last.Client, last.Server)
	}
	if tr.Calls() == nil {
		return nil
	}
	if err := callOrder(tr); err != nil {
		return err
	}
	if err := tr.After(CallIs(c, session.CallShutdown, session.CallEnter), HasFlag(c, capture.FIN), "shutdown is called before the client's FIN"); err != nil {
		return err
	}
	eof := func(ev *session.Event) bool {
		return CallIs(s, session.CallRecv, session.CallReturn)(ev) && ev.Call.Bytes == 0 && ev.Call.Result == "ok"
	}
	if err := tr.After(HasFlag(c, capture.FIN), eof, "the server's recv returns 0 after the client's FIN"); err != nil {
		return err
	}
	return tr.After(eof, CallIs(s, session.CallSend, session.CallEnter), "the server sends after its recv returned 0")
}
