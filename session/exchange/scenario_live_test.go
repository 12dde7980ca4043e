package exchange_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/exchange"
	"github.com/handshake-viz/handshake-viz/session/feed"
)

// liveRun is one scenario run under a live capture on lo, with its calls
// merged into the timeline.
type liveRun struct {
	ex *exchange.Exchange
	tl *session.Timeline
	tr exchange.Trace
}

// runScenario runs the scenario under a live capture and returns the trace
// once the capture holds every packet the kernel counted.
func runScenario(t *testing.T, name string, opts exchange.Options) liveRun {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: live capture on lo needs CAP_NET_RAW (CI runs as root)")
	}
	sc, err := exchange.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	tl := session.NewTimeline()
	calls := feed.NewCalls()
	opts.Scenario, opts.Calls, opts.Trace = sc, calls, tl
	ex, err := exchange.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	live, err := capture.OpenLive(capture.LiveConfig{Interface: "lo", Port: uint16(ex.Port())})
	if err != nil {
		ex.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := feed.Run(ctx, live, feed.Options{Timeline: tl, Calls: calls})
		done <- err
	}()
	runErr := ex.Run(ctx)
	if err := exchange.WaitCaptured(ctx, tl, live.Stats, 0); err != nil {
		t.Error(err)
	}
	live.Close()
	if err := <-done; err != nil {
		t.Error(err)
	}
	port := ex.Port()
	if err := ex.Close(); err != nil {
		t.Error(err)
	}
	if runErr != nil {
		t.Fatalf("Run: %v", runErr)
	}
	assertNoListener(t, port)
	return liveRun{ex: ex, tl: tl, tr: exchange.Trace{Events: tl.Slice(0, tl.Len()), Server: ex.Addr()}}
}

// assertNoListener checks that nothing listens on port any more.
func assertNoListener(t *testing.T, port int) {
	t.Helper()
	table, err := exchange.DiagStates(port)
	if err != nil {
		t.Fatalf("sock_diag: %v", err)
	}
	for _, k := range table {
		if k.State == "LISTEN" && int(k.Local.Port()) == port {
			t.Errorf("after the scenario a socket still listens: %v", k)
		}
	}
}

// assertKernelAgrees checks inferred == kernel wherever the kernel was
// read, and returns how many times it was.
func assertKernelAgrees(t *testing.T, tr exchange.Trace) int {
	t.Helper()
	n := 0
	for i, ev := range tr.Events {
		// Only where the connection is quiet on loopback: after connect and
		// accept return. Elsewhere the kernel is read after the call
		// returned, while later packets may already have moved it on (the
		// wire's stepped relay is needed for per-arrow checks).
		if !ev.Kernel.Known || (ev.Call.Call != session.CallConnect && ev.Call.Call != session.CallAccept) {
			continue
		}
		n++
		if ev.Kernel.Client != ev.Client || ev.Kernel.Server != ev.Server {
			t.Errorf("event %d (%v %v %v): inferred client %v server %v, kernel client %v server %v",
				i, ev.Kind, ev.Call.Call, ev.Call.Phase, ev.Client, ev.Server, ev.Kernel.Client, ev.Kernel.Server)
		}
	}
	return n
}

func dumpTrace(t *testing.T, tr exchange.Trace) {
	t.Helper()
	var t0 int64
	for i, ev := range tr.Events {
		if i == 0 {
			t0 = ev.Seg.TimeNS
		}
		t.Logf("     +%dus", (ev.Seg.TimeNS-t0)/1000)
		switch ev.Kind {
		case session.KindCall:
			t.Logf("%3d %d call %v %v %v %s %d  [%v %v] kernel %v", i, ev.Stream, ev.Call.Side, ev.Call.Call, ev.Call.Phase, ev.Call.Result, ev.Call.Bytes, ev.Client, ev.Server, ev.Kernel)
		default:
			t.Logf("%3d %d %v %v %v len %d win %d  [%v %v] %v", i, ev.Stream, ev.Kind, ev.From, ev.Seg.Flags, ev.Seg.PayloadLen, ev.Seg.Window, ev.Client, ev.Server, ev.Analysis.Names())
		}
	}
}

// checkScenario runs a scenario and asserts its signature and the
// kernel's agreement with the inferred states.
func checkScenario(t *testing.T, name string, opts exchange.Options) liveRun {
	t.Helper()
	run := runScenario(t, name, opts)
	if err := run.ex.Scenario().Signature(run.tr); err != nil {
		dumpTrace(t, run.tr)
		t.Fatalf("signature of %s: %v", name, err)
	}
	if n := assertKernelAgrees(t, run.tr); n == 0 && len(run.tr.Calls()) > 0 {
		t.Errorf("the kernel was never read")
	}
	if t.Failed() {
		dumpTrace(t, run.tr)
	}
	return run
}

func TestScenarioLoopShowsHandshakeEchoesFourWayCloseAndCallsBetweenThePackets(t *testing.T) {
	run := checkScenario(t, "loop", exchange.Options{Clients: 2})
	if got := len(run.tr.Segments()); got != 34 {
		t.Errorf("%d segments, want 17 per client", got)
	}
	if len(run.tr.Calls()) == 0 {
		t.Fatal("no socket calls in the timeline")
	}
}
