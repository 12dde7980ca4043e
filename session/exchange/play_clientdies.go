package exchange

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// playClientDies: the first client is a process of its own (this program
// re-executed) that connects, sends the first message and is killed with
// SIGKILL once the echo is in its receive queue, unread. Its kernel closes
// the socket on its behalf and, as data was unread, sends RST. The
// server's recv fails with ECONNRESET; it closes that socket and goes back
// to accept, and the next clients (--clients minus the one that died, at
// least one) are served as in loop.
func playClientDies(ctx context.Context, r *Run) error {
	msg := r.Messages()[0]
	if msg == End {
		msg = DefaultMessages()[0]
	}
	t, clients := newTurns(1)[0], max(r.Clients()-1, 1)
	return both(ctx, func(ctx context.Context) error {
		sc, err := r.Accept(ctx)
		if err != nil {
			return fmt.Errorf("server, the dying client: %w", err)
		}
		if err := serveDying(sc, msg); err != nil {
			return fmt.Errorf("server, the dying client (%s): %w", sc.Remote(), err)
		}
		buf := make([]byte, readBufferSize)
		for i := range clients {
			c, err := r.Accept(ctx)
			if err != nil {
				return fmt.Errorf("server, client %d: %w", i+2, err)
			}
			if err := loopServe(ctx, r, c, t, buf); err != nil {
				return fmt.Errorf("server, client %d (%s): %w", i+2, c.Remote(), err)
			}
		}
		return nil
	}, func(ctx context.Context) error {
		p, err := startDyingClient(ctx, r.Server(), msg, func(start func() error) error {
			return r.ex.net.Do(session.FromClient, start)
		})
		if err != nil {
			return err
		}
		if err := p.kill(); err != nil {
			return err
		}
		for i := range clients {
			if err := loopClient(ctx, r, t); err != nil {
				return fmt.Errorf("client %d: %w", i+2, err)
			}
		}
		return nil
	})
}

// serveDying reads the dying client's message, echoes it, and reads on
// until the client is gone: ECONNRESET (its RST) or, had it read the echo
// before it died, the end of the stream (its FIN). Then it closes.
func serveDying(sc *Conn, msg string) error {
	defer sc.closeQuietly()
	buf := make([]byte, len(msg))
	if err := sc.RecvFull(buf); err != nil {
		return err
	}
	if _, err := sc.Send(buf); err != nil {
		return err
	}
	var one [1]byte
	n, err := sc.Recv(one[:])
	if n > 0 || (!errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF)) {
		return fmt.Errorf("recv after the client died returned %d bytes, %v; want ECONNRESET or the end of the stream", n, err)
	}
	return sc.Close()
}

// sigClientDies: the first connection is a handshake, the client's data
// and the echo, then the client's RST (sent by its kernel: no close call,
// no FIN) leaving both ends CLOSED, and the server's recv returning
// ECONNRESET after it; every later connection is a whole loop exchange
// ending in a four-way close with the client in TIME-WAIT.
func sigClientDies(tr Trace) error {
	if err := handshake(tr); err != nil {
		return err
	}
	first := tr.Events[tr.Index(-1, func(ev *session.Event) bool { return ev.Kind == session.KindSegment })].Stream
	in := func(st int, f func(*session.Event) bool) func(*session.Event) bool {
		return func(ev *session.Event) bool { return ev.Stream == st && f(ev) }
	}
	if tr.Index(-1, in(first, HasFlag(c, capture.FIN))) >= 0 {
		return errors.New("the dying client sent a FIN: its kernel must reset (the echo was unread)")
	}
	rst := tr.Index(-1, in(first, HasFlag(c, capture.RST)))
	if rst < 0 {
		return errors.New("no RST from the dying client")
	}
	if tr.Index(-1, in(first, func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.From == s && ev.Seg.PayloadLen > 0
	})) > rst {
		return errors.New("the echo comes after the client's RST")
	}
	if ev := tr.Events[rst]; ev.Close != session.CloseRST || ev.Client != session.Closed || ev.Server != session.Closed {
		return fmt.Errorf("after the RST: close %v, client %v, server %v; want rst, CLOSED, CLOSED", ev.Close, ev.Client, ev.Server)
	}
	if tr.Index(rst, in(first, func(ev *session.Event) bool { return ev.Kind == session.KindSegment })) >= 0 {
		return errors.New("segments of the dead client's connection after its RST")
	}
	if tr.Calls() != nil {
		if tr.Index(-1, in(first, func(ev *session.Event) bool { return ev.Kind == session.KindCall && ev.Call.Side == c })) >= 0 {
			return errors.New("client calls on the dying client's connection: it is another process, whose calls are not seen")
		}
		reset := in(first, func(ev *session.Event) bool {
			return CallIs(s, session.CallRecv, session.CallReturn)(ev) && ev.Call.Result == "ECONNRESET"
		})
		if err := tr.After(HasFlag(c, capture.RST), reset, "the server's recv returns ECONNRESET after the RST"); err != nil {
			return err
		}
	}
	next := 0
	for st := first + 1; tr.Index(-1, in(st, func(ev *session.Event) bool { return ev.Kind == session.KindSegment })) >= 0; st++ {
		var sub Trace
		for _, ev := range tr.Events {
			if ev.Stream == st && (ev.Kind == session.KindSegment || ev.Kind == session.KindCall) {
				sub.Events = append(sub.Events, ev)
			}
		}
		sub.Server = tr.Server
		if err := sigLoop(sub); err != nil {
			return fmt.Errorf("the client after the dead one (stream %d): %w", st, err)
		}
		next++
	}
	if next == 0 {
		return errors.New("no client after the one that died: the server must serve the next")
	}
	return nil
}
