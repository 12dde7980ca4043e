package exchange

import (
	"context"
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// playServerFirst: the client sends a message, the server answers it and
// closes first (an HTTP/1.0 server does this). The client reads the
// answer and the FIN, acknowledges it, and closes too. The server's end
// goes through FIN-WAIT-1, FIN-WAIT-2 to TIME-WAIT: the end that closes
// first is the one that waits, whichever it is.
func playServerFirst(ctx context.Context, r *Run) error {
	msg := r.Messages()[0]
	return oneConn(ctx, r, func(ctx context.Context, sc *Conn) error {
		buf := make([]byte, len(msg))
		if err := sc.recvAndACK(buf); err != nil {
			return err
		}
		if _, err := sc.Send(buf); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		if err := sc.Shutdown(); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		if err := sc.RecvEOF(); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		return sc.Close()
	}, func(ctx context.Context, cc *Conn) error {
		if err := cc.SendString(msg); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		got := make([]byte, len(msg))
		if err := cc.RecvFull(got); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		if err := cc.RecvEOF(); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		// ACK the server's FIN by itself: a four-way close.
		if err := cc.QuickACK(); err != nil {
			return err
		}
		// Close returns once the FIN is acknowledged (LAST-ACK -> CLOSED).
		return cc.closeLingering()
	})
}

// sigServerFirst: the server's FIN comes first; a four-way close; the
// server ends in TIME-WAIT, the client CLOSED. The server's shutdown is
// called before its FIN, the client's recv returns 0 after it.
func sigServerFirst(tr Trace) error {
	if err := handshake(tr); err != nil {
		return err
	}
	sfin := tr.Index(-1, HasFlag(s, capture.FIN))
	fin := tr.Index(-1, HasFlag(c, capture.FIN))
	if sfin < 0 || fin < sfin {
		return fmt.Errorf("the server must send the first FIN (server FIN at %d, client FIN at %d)", sfin, fin)
	}
	segs := tr.Segments()
	last := segs[len(segs)-1]
	if last.Close != session.CloseFIN4 || last.Client != session.Closed || last.Server != session.TimeWait {
		return fmt.Errorf("after the last segment: close %v, client %v, server %v; want fin4, CLOSED, TIME-WAIT", last.Close, last.Client, last.Server)
	}
	if tr.Calls() == nil {
		return nil
	}
	if err := callOrder(tr); err != nil {
		return err
	}
	if err := tr.After(CallIs(s, session.CallShutdown, session.CallEnter), HasFlag(s, capture.FIN), "the server's shutdown is called before its FIN"); err != nil {
		return err
	}
	eof := func(ev *session.Event) bool {
		return CallIs(c, session.CallRecv, session.CallReturn)(ev) && ev.Call.Bytes == 0 && ev.Call.Result == "ok"
	}
	if err := tr.After(HasFlag(s, capture.FIN), eof, "the client's recv returns 0 after the server's FIN"); err != nil {
		return err
	}
	return tr.After(CallIs(c, session.CallClose, session.CallEnter), HasFlag(c, capture.FIN), "the client's close is called before its FIN")
}
