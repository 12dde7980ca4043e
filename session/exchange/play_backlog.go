package exchange

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// backlogClients is how many clients the backlog scenario sends at a
// listener with backlog 1: Linux queues backlog+1 finished handshakes
// (it refuses only when the queue holds more than the backlog), so the
// third is the one that does not fit.
const backlogClients = 3

// playBacklog: the server listens with backlog 1 and does not accept. The
// clients connect one after another; while the accept queue is full, the
// kernel drops a new client's SYN without a word (no RST, no SYN-ACK: the
// client cannot tell a full queue from a lost packet), and the client
// sends it again when its retransmission timer fires: after 1 s, then
// (Linux 6.7 and later, net.ipv4.tcp_syn_linear_timeouts=4) 1 s apart
// four times before doubling; older kernels double at once (1 s, 2 s, 4
// s…). Once one client's SYN went unanswered and was sent again, the
// server starts accepting; the waiting client's next SYN is answered, and
// each connection then closes normally.
func playBacklog(ctx context.Context, r *Run) error {
	type dialed struct {
		c   *Conn
		err error
	}
	var fitted []*Conn
	var waiting chan dialed
	for i := range r.Clients() {
		ch := make(chan dialed, 1)
		r.Go(func() {
			c, err := r.Dial(ctx)
			ch <- dialed{c, err}
		})
		var answered bool
		if err := r.WaitTrace(ctx, fmt.Sprintf("client %d's SYN answered, or sent again", i+1), func(tr Trace) bool {
			conns := connections(tr)
			if len(conns) <= i {
				return false
			}
			st := conns[i]
			answered = tr.Index(-1, func(ev *session.Event) bool { return ev.Stream == st && HasFlag(s, capture.SYN|capture.ACK)(ev) }) >= 0
			return answered || tr.Count(func(ev *session.Event) bool { return ev.Stream == st && ev.From == c && ev.Seg.Flags == capture.SYN }) >= 2
		}); err != nil {
			return err
		}
		if !answered {
			waiting = ch
			break
		}
		d, err := recv(ctx, ch)
		if err != nil {
			return err
		}
		if d.err != nil {
			return fmt.Errorf("client %d: %w", i+1, d.err)
		}
		fitted = append(fitted, d.c)
	}
	if waiting == nil {
		for _, c := range fitted {
			c.closeQuietly()
		}
		return fmt.Errorf("all %d clients fitted in the accept queue of a listener with backlog 1", len(fitted))
	}
	// Accept the queued connections; the waiting client's next SYN fits.
	for i, cc := range fitted {
		if err := clientFirstTurn(ctx, r, cc); err != nil {
			return fmt.Errorf("client %d: %w", i+1, err)
		}
	}
	d, err := recv(ctx, waiting)
	if err != nil {
		return err
	}
	if d.err != nil {
		return fmt.Errorf("client %d, after its SYN was dropped: %w", len(fitted)+1, d.err)
	}
	return clientFirstTurn(ctx, r, d.c)
}

// connections returns the TCP streams of a trace in the order of their
// first segment.
func connections(tr Trace) []int {
	var out []int
	for _, ev := range tr.Events {
		if ev.Kind == session.KindSegment && !slices.Contains(out, ev.Stream) {
			out = append(out, ev.Stream)
		}
	}
	return out
}

// sigBacklog: three connections. The first two open at once (their SYNs
// answered right away); the third's SYN is answered by nothing — no
// SYN-ACK, no RST — and sent again (the same ISN) before its handshake
// completes, after the server's first accept. Every connection then
// closes client first.
func sigBacklog(tr Trace) error {
	conns := connections(tr)
	if len(conns) != backlogClients {
		return fmt.Errorf("%d connections, want %d", len(conns), backlogClients)
	}
	of := func(st int) Trace {
		var evs []session.Event
		for _, ev := range tr.Events {
			if ev.Stream == st {
				evs = append(evs, ev)
			}
		}
		return Trace{Events: evs, Server: tr.Server}
	}
	for i, st := range conns[:backlogClients-1] {
		if err := handshake(of(st)); err != nil {
			return fmt.Errorf("client %d fits in the queue: %w", i+1, err)
		}
	}
	last := of(conns[backlogClients-1])
	segs := last.Segments()
	syns := 0
	for syns < len(segs) && segs[syns].From == c && segs[syns].Seg.Flags == capture.SYN {
		syns++
	}
	if syns < 2 {
		return fmt.Errorf("the third client's SYN was sent %d times before an answer, want at least 2 (dropped at the full queue)", syns)
	}
	for _, sg := range segs[1:syns] {
		if sg.Seg.Seq != segs[0].Seg.Seq || !sg.Analysis.Has(session.Retransmission) {
			return fmt.Errorf("a later SYN of the third client (seq %d, %v) is not a retransmission of the first (seq %d)", sg.Seg.Seq, sg.Analysis.Names(), segs[0].Seg.Seq)
		}
	}
	if err := handshake(Trace{Events: segs[syns-1:], Server: tr.Server}); err != nil {
		return fmt.Errorf("the third client, once a SYN fits: %w", err)
	}
	for i, st := range conns {
		evs := of(st).Segments()
		if e := evs[len(evs)-1]; e.Close != session.CloseFIN4 || e.Client != session.TimeWait {
			return fmt.Errorf("connection %d ends %v with the client %v, want fin4, TIME-WAIT", i+1, e.Close, e.Client)
		}
	}
	if tr.Calls() == nil {
		return nil
	}
	synack3 := tr.Index(-1, func(ev *session.Event) bool { return ev.Stream == conns[2] && HasFlag(s, capture.SYN|capture.ACK)(ev) })
	firstAccept := tr.Index(-1, CallIs(s, session.CallAccept, session.CallReturn))
	if firstAccept < 0 || firstAccept > synack3 {
		return errors.New("the third client's SYN was answered before the server accepted anything")
	}
	ret := tr.Index(synack3, func(ev *session.Event) bool {
		return ev.Stream == conns[2] && CallIs(c, session.CallConnect, session.CallReturn)(ev)
	})
	if ret < 0 {
		return errors.New("the third client's connect does not return after its SYN-ACK")
	}
	return nil
}
