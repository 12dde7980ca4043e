//go:build linux

package exchange_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/wire"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/exchange"
	"github.com/handshake-viz/handshake-viz/session/feed"
)

// wireRun is one scenario run through the stepped lossy wire: the trace
// (segments with their verdicts, and the socket calls) and the kernel's
// states after every arrow.
type wireRun struct {
	tr     exchange.Trace
	checks []arrowCheck
}

// runOnWire starts the scenario with exchange.Start on a stepped wire,
// feeds the wire into a timeline, runs it, waits until every packet is in
// the timeline and every arrow was checked, closes it and checks that
// nothing of the wire is left.
func runOnWire(t *testing.T, name string, opts exchange.Options, stepped bool) wireRun {
	t.Helper()
	sc, err := exchange.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	if !sc.NeedsWire() && !opts.Wire.FreePlay() {
		t.Fatalf("scenario %s does not run on the wire", name)
	}
	ck := newStepChecker()
	tl := session.NewTimeline()
	calls := feed.NewCalls()
	opts.Scenario, opts.Calls, opts.Trace = sc, calls, tl
	if stepped {
		opts.Wire.Stepped, opts.Wire.AfterDeliver = true, ck.afterDeliver
	}
	ctx, cancel := context.WithTimeout(context.Background(), wireWait)
	defer cancel()
	fdsBefore := procNetFDs(t)
	st, err := exchange.Start(ctx, opts)
	if errors.Is(err, wire.ErrPrivilege) {
		t.Skipf("needs root: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if st.Where != exchange.OnWire {
		st.Close()
		t.Fatalf("started on %v, want the lossy wire", st.Where)
	}
	w := st.Source.(*wire.Wire)
	ck.setWire(w)
	ns, err := w.Namespaces()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := feed.Run(ctx, st.Source, feed.Options{Timeline: tl, Calls: calls})
		done <- err
	}()
	t0 := time.Now()
	runErr := st.Exchange.Run(ctx)
	elapsed := time.Since(t0)
	if err := exchange.WaitCaptured(ctx, tl, st.Stats, 0); err != nil {
		t.Error(err)
	}
	stats, _ := st.Stats()
	var cks []arrowCheck
	if stepped {
		cks, err = ck.waitFor(ctx, func(cks []arrowCheck) bool {
			return len(cks) >= int(stats.Packets) && (len(cks) == 0 || cks[len(cks)-1].ahead == [2]int{})
		})
		if err != nil {
			t.Error(err)
		}
	}
	port := st.Exchange.Port()
	if err := st.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := <-done; err != nil {
		t.Errorf("feed: %v", err)
	}
	tm := w.Timings()
	t.Logf("%s: Run %v; %d packets; wire setup %.2f ms, teardown %.2f ms", name, elapsed.Round(time.Millisecond), stats.Packets,
		float64(tm.SetupNS)/1e6, float64(tm.TeardownNS)/1e6)
	if runErr != nil {
		t.Fatalf("Run: %v\narrows:\n%s", runErr, checksText(cks))
	}
	assertWireGone(t, ns, fdsBefore)
	assertNoListener(t, port)
	return wireRun{tr: exchange.Trace{Events: tl.Slice(0, tl.Len()), Server: st.Exchange.Addr()}, checks: cks}
}

// procNetFDs is this process's socket, TUN and namespace fds.
func procNetFDs(t *testing.T) map[string]bool {
	t.Helper()
	dir := "/proc/self/fd"
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, e := range ents {
		target, err := os.Readlink(dir + "/" + e.Name())
		if err != nil {
			continue
		}
		if strings.HasPrefix(target, "socket:") || target == "/dev/net/tun" || strings.HasPrefix(target, "net:") {
			out[e.Name()+" -> "+target] = true
		}
	}
	return out
}

// assertWireGone checks that no process holds the wire's namespaces (so
// they, their TUN devices and their sockets are gone) and that this
// process has no socket, TUN or namespace fd more than before.
func assertWireGone(t *testing.T, ns [2]string, before map[string]bool) {
	t.Helper()
	if h := wire.NamespaceHolders(ns[:]); len(h) > 0 {
		t.Errorf("the wire's namespaces are still held:\n%s", strings.Join(h, "\n"))
	}
	var extra []string
	for fd := range procNetFDs(t) {
		if !before[fd] {
			extra = append(extra, fd)
		}
	}
	if len(extra) > 0 {
		t.Errorf("fds left open after the scenario: %v", extra)
	}
}

// checkOnWire runs a wire scenario, asserts its signature and the
// kernel's agreement with the inferred states at every arrow, and logs
// the arrows.
func checkOnWire(t *testing.T, name string, opts exchange.Options) wireRun {
	t.Helper()
	run := runOnWire(t, name, opts, true)
	sc, _ := exchange.Lookup(name)
	if err := sc.Signature(run.tr); err != nil {
		dumpTrace(t, run.tr)
		t.Fatalf("signature of %s: %v\narrows:\n%s", name, err, checksText(run.checks))
	}
	compareStates(t, run.checks)
	if !t.Failed() {
		t.Logf("arrows and the kernel's states:\n%s", checksText(run.checks))
	}
	return run
}

// gap is the time from the first segment matching a to the next one
// matching b after it.
func gap(tr exchange.Trace, a, b func(*session.Event) bool) time.Duration {
	i := tr.Index(-1, a)
	if i < 0 {
		return -1
	}
	j := tr.Index(i, b)
	if j < 0 {
		return -1
	}
	return time.Duration(tr.Events[j].Seg.TimeNS - tr.Events[i].Seg.TimeNS)
}

func isDropped(ev *session.Event) bool {
	return ev.Kind == session.KindSegment && ev.Seg.Verdict == capture.Dropped
}

func both(fs ...func(*session.Event) bool) func(*session.Event) bool {
	return func(ev *session.Event) bool {
		for _, f := range fs {
			if !f(ev) {
				return false
			}
		}
		return true
	}
}

func passedSeg(ev *session.Event) bool {
	return ev.Kind == session.KindSegment && ev.Seg.Verdict != capture.Dropped
}

const (
	cl = session.FromClient
	sv = session.FromServer
)

// resentAfter logs and returns the time from the dropped segment matching
// m to its next copy.
func resentAfter(t *testing.T, tr exchange.Trace, m func(*session.Event) bool, what string) time.Duration {
	t.Helper()
	d := gap(tr, both(m, isDropped), both(m, passedSeg))
	t.Logf("%s sent again %v after the dropped one", what, d.Round(time.Millisecond))
	return d
}

func TestScenarioLostSYNRetransmitsTheSYNAfterAboutASecondThenCompletesTheHandshake(t *testing.T) {
	run := checkOnWire(t, exchange.ScenarioLostSYN, exchange.Options{})
	if d := resentAfter(t, run.tr, exchange.Flags(cl, capture.SYN), "the SYN"); d < 800*time.Millisecond || d > 3*time.Second {
		t.Errorf("SYN retransmitted after %v, want the initial RTO of about 1 s", d)
	}
}

func TestScenarioLostSYNACKIsRepairedByARetransmissionAndTheHandshakeCompletes(t *testing.T) {
	run := checkOnWire(t, exchange.ScenarioLostSYNACK, exchange.Options{})
	resentAfter(t, run.tr, exchange.Flags(sv, capture.SYN|capture.ACK), "the SYN-ACK")
	t.Logf("client SYNs: %d, server SYN-ACKs: %d", run.tr.Count(exchange.Flags(cl, capture.SYN)), run.tr.Count(exchange.Flags(sv, capture.SYN|capture.ACK)))
}

func TestScenarioLostACKClientSendsDataWhileTheServerIsStillSynReceived(t *testing.T) {
	checkOnWire(t, exchange.ScenarioLostACK, exchange.Options{})
}

func TestScenarioLostDataDrawsDuplicateACKsAndAFastRetransmission(t *testing.T) {
	checkOnWire(t, exchange.ScenarioLostData, exchange.Options{})
}

func TestScenarioLostFINIsSentAgainAndTheServerStaysEstablishedUntilThen(t *testing.T) {
	run := checkOnWire(t, exchange.ScenarioLostFIN, exchange.Options{})
	resentAfter(t, run.tr, exchange.HasFlag(cl, capture.FIN), "the client's FIN")
}

func TestScenarioLostFinalACKMakesTheServerSendItsFINTwiceWhileTheClientWaitsInTimeWait(t *testing.T) {
	run := checkOnWire(t, exchange.ScenarioLostFinalACK, exchange.Options{})
	fin := exchange.HasFlag(sv, capture.FIN)
	t.Logf("the server's FIN sent again %v after the first", gap(run.tr, fin, fin).Round(time.Millisecond))
}

func TestScenarioFilteredRetransmitsTheSYNWithBackoffThenConnectTimesOut(t *testing.T) {
	run := checkOnWire(t, exchange.ScenarioFiltered, exchange.Options{Wire: exchange.WireOptions{SynRetries: 1}})
	// With TCP_SYNCNT 1 the kernel gives up 3 s after the first SYN (1 s
	// + 2 s of exponential backoff); Linux 6.x retransmits the first SYNs
	// at linear 1 s intervals (net.ipv4.tcp_syn_linear_timeouts, 4 by
	// default), so a third SYN fits in those 3 s.
	syns := run.tr.Segments()
	if len(syns) < 2 || len(syns) > 3 {
		t.Errorf("%d SYNs with one retry, want 2 (3 with linear SYN timeouts)", len(syns))
	}
	var times []string
	for _, ev := range syns {
		times = append(times, time.Duration(ev.Seg.TimeNS-syns[0].Seg.TimeNS).Round(time.Millisecond).String())
	}
	ret := run.tr.Index(-1, exchange.CallIs(cl, session.CallConnect, session.CallReturn))
	t.Logf("SYNs at %v; connect returned %s after %v", times, run.tr.Events[ret].Call.Result,
		time.Duration(run.tr.Events[ret].Seg.TimeNS-syns[0].Seg.TimeNS).Round(time.Millisecond))
}

func TestScenarioSimultaneousOpenCrossesTheSYNsBothEndsSynReceived(t *testing.T) {
	checkOnWire(t, exchange.ScenarioSimultaneousOpen, exchange.Options{})
}

func TestScenarioSimultaneousCloseCrossesTheFINsBothEndsThroughClosingToTimeWait(t *testing.T) {
	checkOnWire(t, exchange.ScenarioSimultaneousClose, exchange.Options{})
}
