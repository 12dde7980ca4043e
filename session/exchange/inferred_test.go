package exchange_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/exchange"
	"github.com/handshake-viz/handshake-viz/session/feed"
)

// TestInferredStatesMatchTheKernelAtEstablishedAndAfterClose runs the
// exchange under a live capture and checks the states the tracker infers
// from the packets against the kernel's view of the program's own sockets
// (TCP_INFO when both are ESTABLISHED, /proc/net/tcp after the close).
func TestInferredStatesMatchTheKernelAtEstablishedAndAfterClose(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: live capture on lo needs CAP_NET_RAW (CI runs as root)")
	}
	const clients = 2
	var mu sync.Mutex
	var est, closed [][2]exchange.KernelState
	ex, err := exchange.New(exchange.Options{Clients: clients, Hooks: exchange.Hooks{
		Established: func(c, s exchange.KernelState) {
			mu.Lock()
			est = append(est, [2]exchange.KernelState{c, s})
			mu.Unlock()
		},
		Closed: func(c, s exchange.KernelState) {
			mu.Lock()
			closed = append(closed, [2]exchange.KernelState{c, s})
			mu.Unlock()
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	live, err := capture.OpenLive(capture.LiveConfig{Interface: "lo", Port: uint16(ex.Port())})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tl := session.NewTimeline()
	done := make(chan error, 1)
	go func() {
		_, err := feed.Run(ctx, live, feed.Options{Timeline: tl})
		done <- err
	}()
	if err := ex.Run(ctx); err != nil {
		t.Fatal(err)
	}
	// 17 packets per client (see the trace test); wait for the capture to
	// deliver them all, then end it.
	for want := 17 * clients; tl.Len() < want; {
		select {
		case <-tl.Changed():
		case <-ctx.Done():
			t.Fatalf("captured %d packets, want %d", tl.Len(), want)
		}
	}
	live.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(est) != clients || len(closed) != clients {
		t.Fatalf("hooks ran %d/%d times, want %d", len(est), len(closed), clients)
	}
	for i := 0; i < clients; i++ {
		var evs []session.Event
		for j := 0; j < tl.Len(); j++ {
			if ev := tl.At(j); ev.Stream == i {
				evs = append(evs, ev)
			}
		}
		info := tl.StreamInfo(session.KindSegment, i)
		if info.Client != est[i][0].Local || info.Server != est[i][1].Local {
			t.Fatalf("stream %d is %v -> %v, kernel sockets %v / %v", i, info.Client, info.Server, est[i][0], est[i][1])
		}
		// The handshake's last packet is where both ends became ESTABLISHED.
		hs := evs[2]
		if got := [2]string{hs.Client.String(), hs.Server.String()}; got != [2]string{est[i][0].State, est[i][1].State} {
			t.Errorf("stream %d after the handshake: inferred %v, kernel %v / %v", i, got, est[i][0].State, est[i][1].State)
		}
		last := evs[len(evs)-1]
		if got := [2]string{last.Client.String(), last.Server.String()}; got != [2]string{closed[i][0].State, closed[i][1].State} {
			t.Errorf("stream %d after the close: inferred %v, kernel %v / %v", i, got, closed[i][0].State, closed[i][1].State)
		}
	}
}
