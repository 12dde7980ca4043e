package exchange

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"syscall"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// timeWaitPoll is how often the time-wait scenario reads the client's
// TIME-WAIT socket while it waits.
const timeWaitPoll = 20 * time.Millisecond

// playTimeWait: one connection, the client closing first, so the client's
// socket stays in TIME-WAIT (read with sock_diag: the kernel's timer
// counts down from 60 s). A new socket then binds the same local port
// (SO_REUSEADDR) and connects to the same server: the same 4-tuple. What
// Linux does: a connect from an explicitly bound port may take over a
// TIME-WAIT at once when the old connection used TCP timestamps (they
// tell the two incarnations' segments apart), whatever
// net.ipv4.tcp_tw_reuse says (that sysctl is for ports connect picks by
// itself); the new ISN starts 65537 above the old connection's last
// sequence number. Without timestamps connect fails with EADDRNOTAVAIL
// (no SYN is sent) and the scenario ends there.
func playTimeWait(ctx context.Context, r *Run) error {
	first, err := r.DialWith(ctx, DialOptions{ReuseAddr: true})
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	local := first.Local()
	if err := clientFirstTurn(ctx, r, first); err != nil {
		return err
	}
	k0, err := r.timeWaitOf(local)
	if err != nil {
		return err
	}
	// The countdown: read until the kernel's timer has visibly moved.
	if _, err := r.waitTimeWait(ctx, local, func(k KernelState) bool { return k.TimeWaitLeft < k0.TimeWaitLeft }); err != nil {
		return err
	}
	again, err := r.DialWith(ctx, DialOptions{LocalPort: local.Port()})
	if errors.Is(err, syscall.EADDRNOTAVAIL) {
		return nil // the kernel keeps the TIME-WAIT (no timestamps on the old connection)
	}
	if err != nil {
		return fmt.Errorf("client: connect again from %v: %w", local, err)
	}
	return clientFirstTurn(ctx, r, again)
}

// clientFirstTurn runs one connection whose client end is cc (connected,
// not yet accepted): the client sends the first message and closes first,
// the server reads it, acknowledges the FIN and closes; the client's end
// stays in TIME-WAIT. It returns when both sockets are closed.
func clientFirstTurn(ctx context.Context, r *Run, cc *Conn) error {
	msg := r.Messages()[0]
	accepted := make(chan struct{}, 1)
	return both(ctx, func(ctx context.Context) error {
		sc, err := r.Accept(ctx)
		if err != nil {
			return fmt.Errorf("server: %w", err)
		}
		defer sc.closeQuietly()
		accepted <- struct{}{}
		buf := make([]byte, len(msg))
		if err := sc.recvAndACK(buf); err != nil {
			return err
		}
		return sc.passiveClose()
	}, func(ctx context.Context) error {
		defer cc.closeQuietly()
		// Quiet until accept returned, so its kernel view is of this
		// moment of the ladder.
		if _, err := recv(ctx, accepted); err != nil {
			return err
		}
		if err := cc.SendString(msg); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		return cc.activeClose()
	})
}

// timeWaitOf reads the client's TIME-WAIT socket from local to the server
// (sock_diag) and passes it to the TimeWait hook.
func (r *Run) timeWaitOf(local netip.AddrPort) (KernelState, error) {
	table, err := r.KernelStates(session.FromClient)
	if err != nil {
		return KernelState{}, err
	}
	k := endState(local, r.Server(), table)
	if k.State != "TIME-WAIT" {
		return k, fmt.Errorf("client: %v is %s, want TIME-WAIT", local, k.State)
	}
	if h := r.Hooks().TimeWait; h != nil {
		h(k)
	}
	return k, nil
}

// waitTimeWait reads the client's TIME-WAIT socket every timeWaitPoll
// until done holds for it.
func (r *Run) waitTimeWait(ctx context.Context, local netip.AddrPort, done func(KernelState) bool) (KernelState, error) {
	tick := time.NewTicker(timeWaitPoll)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case <-ctx.Done():
			return KernelState{}, context.Cause(ctx)
		}
		k, err := r.timeWaitOf(local)
		if err != nil || done(k) {
			return k, err
		}
	}
}

// sigTimeWait: a client-first close leaves the client in TIME-WAIT; then
// either a connect from the same port takes the 4-tuple over — its SYN
// comes from the same client port, with a sequence number beyond the old
// connection's, opens a new connection with a complete handshake, and the
// kernel has the 4-tuple ESTABLISHED when connect returns — or connect is
// refused with EADDRNOTAVAIL before any SYN.
func sigTimeWait(tr Trace) error {
	if err := handshake(tr); err != nil {
		return err
	}
	segs := tr.Segments()
	first := segs[0]
	firstEnd := -1
	for i, ev := range tr.Events {
		if ev.Kind == session.KindSegment && ev.Stream == first.Stream {
			firstEnd = i
		}
	}
	if last := tr.Events[firstEnd]; last.Close != session.CloseFIN4 || last.Client != session.TimeWait {
		return fmt.Errorf("the first connection ends %v with the client %v, want fin4 and TIME-WAIT", last.Close, last.Client)
	}
	second := tr.Index(firstEnd, func(ev *session.Event) bool { return ev.Kind == session.KindSegment })
	if second < 0 {
		if tr.Calls() == nil {
			return errors.New("one connection only, and no calls to say why")
		}
		refused := func(ev *session.Event) bool {
			return CallIs(c, session.CallConnect, session.CallReturn)(ev) && ev.Call.Result == "EADDRNOTAVAIL"
		}
		if tr.Index(firstEnd, refused) < 0 {
			return errors.New("no second connection, and no connect refused with EADDRNOTAVAIL")
		}
		return nil
	}
	ev := tr.Events[second]
	if ev.From != c || ev.Seg.Flags != capture.SYN || ev.Seg.SrcEndpoint() != first.Seg.SrcEndpoint() {
		return fmt.Errorf("after the first connection: %v [%v] from %v, want a SYN from the same client port %v", ev.From, ev.Seg.Flags, ev.Seg.SrcEndpoint(), first.Seg.SrcEndpoint())
	}
	if ev.Stream == first.Stream {
		return errors.New("the reused 4-tuple's SYN was taken as part of the first connection")
	}
	// The client's last sequence number of the first connection: its FIN + 1.
	fin := tr.Index(-1, HasFlag(c, capture.FIN))
	if fin < 0 || fin > firstEnd {
		return errors.New("no client FIN in the first connection")
	}
	oldNext := tr.Events[fin].Seg.Seq + 1
	if d := int32(ev.Seg.Seq - oldNext); d <= 0 {
		return fmt.Errorf("the new SYN's sequence number %d is not beyond the old connection's %d", ev.Seg.Seq, oldNext)
	}
	if err := handshake(Trace{Events: tr.Events[second:], Server: tr.Server}); err != nil {
		return fmt.Errorf("the second connection: %w", err)
	}
	if tr.Calls() == nil {
		return nil
	}
	ret := tr.Index(second, CallIs(c, session.CallConnect, session.CallReturn))
	if ret < 0 {
		return errors.New("the second connect never returns after its SYN")
	}
	if k := tr.Events[ret].Kernel; k.Known && k.Client != session.Established {
		return fmt.Errorf("when the second connect returns the kernel has the 4-tuple %v, want ESTABLISHED (the TIME-WAIT taken over)", k.Client)
	}
	return nil
}
