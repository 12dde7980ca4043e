package exchange

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/handshake-viz/handshake-viz/session"
)

// Keep-alive timers of the keepalive scenario (Linux's defaults are 2 h
// idle, 75 s between probes, 9 probes).
const (
	keepAliveIdle     = time.Second // TCP_KEEPIDLE
	keepAliveInterval = time.Second // TCP_KEEPINTVL
	keepAliveCount    = 3           // TCP_KEEPCNT
	keepAliveProbes   = 2           // probes to wait for
)

// playKeepAlive: the client turns on keep-alive with short timers, sends
// one message and falls silent. After a second idle its kernel sends a
// probe — an empty segment one below its next sequence number, which the
// server's kernel must answer with an ACK — and again every second. The
// applications do nothing meanwhile: no call, no data. After two probes
// and their ACKs the client closes first.
func playKeepAlive(ctx context.Context, r *Run) error {
	msg := r.Messages()[0]
	probed := make(chan struct{}, 1)
	return oneConnAccepted(ctx, r, func(ctx context.Context, sc *Conn) error {
		buf := make([]byte, len(msg))
		if err := sc.recvAndACK(buf); err != nil {
			return err
		}
		if err := r.WaitTrace(ctx, fmt.Sprintf("%d keep-alive probes and their ACKs", keepAliveProbes), func(tr Trace) bool {
			return answeredProbes(tr) >= keepAliveProbes
		}); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		probed <- struct{}{}
		return sc.passiveClose()
	}, func(ctx context.Context, cc *Conn) error {
		if err := cc.TCP().SetKeepAliveConfig(net.KeepAliveConfig{Enable: true, Idle: keepAliveIdle, Interval: keepAliveInterval, Count: keepAliveCount}); err != nil {
			return fmt.Errorf("client: keep-alive: %w", err)
		}
		if err := cc.SendString(msg); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		if _, err := recv(ctx, probed); err != nil {
			return err
		}
		return cc.activeClose()
	})
}

// answeredProbes counts the client's keep-alive probes answered by the
// server's ACK (Analysis KeepAlive, then KeepAliveACK).
func answeredProbes(tr Trace) int {
	n := 0
	for i, ev := range tr.Events {
		if ev.Kind != session.KindSegment || ev.From != c || !ev.Analysis.Has(session.KeepAlive) {
			continue
		}
		if ans := tr.Index(i, func(a *session.Event) bool { return a.Kind == session.KindSegment && a.From == s }); ans >= 0 && tr.Events[ans].Analysis.Has(session.KeepAliveACK) {
			n++
		}
	}
	return n
}

// sigKeepAlive: after the data, at least two keep-alive probes from the
// client, each answered by the server's ACK, the first about a second
// after the last data and the next about a second later; no socket call
// of either end between the probes. The client closes first.
func sigKeepAlive(tr Trace) error {
	if err := handshake(tr); err != nil {
		return err
	}
	if n := answeredProbes(tr); n < keepAliveProbes {
		return fmt.Errorf("%d keep-alive probes answered, want at least %d", n, keepAliveProbes)
	}
	var probes []int
	for i, ev := range tr.Events {
		if ev.Kind == session.KindSegment && ev.From == c && ev.Analysis.Has(session.KeepAlive) {
			probes = append(probes, i)
		}
	}
	lastData := -1
	for i, ev := range tr.Events[:probes[0]] {
		if ev.Kind == session.KindSegment && ev.Seg.PayloadLen > 0 {
			lastData = i
		}
	}
	if lastData < 0 {
		return errors.New("no data before the first probe")
	}
	at := func(i int) time.Duration { return time.Duration(tr.Events[i].Seg.TimeNS) }
	// Timers run on jiffies: allow a little either way.
	if idle := at(probes[0]) - at(lastData); idle < keepAliveIdle-50*time.Millisecond || idle > 3*keepAliveIdle {
		return fmt.Errorf("the first probe came %v after the last data, want about %v (TCP_KEEPIDLE)", idle, keepAliveIdle)
	}
	if gap := at(probes[1]) - at(probes[0]); gap < keepAliveInterval-50*time.Millisecond || gap > 3*keepAliveInterval {
		return fmt.Errorf("the second probe came %v after the first, want about %v (TCP_KEEPINTVL)", gap, keepAliveInterval)
	}
	if tr.Calls() == nil {
		return nil
	}
	if err := callOrder(tr); err != nil {
		return err
	}
	for i := probes[0]; i < probes[len(probes)-1]; i++ {
		if ev := tr.Events[i]; ev.Kind == session.KindCall && ev.Call.Phase == session.CallEnter {
			return fmt.Errorf("a %v call of the %v at event %d, between the probes: the kernel probes by itself", ev.Call.Call, ev.Call.Side, i)
		}
	}
	return nil
}
