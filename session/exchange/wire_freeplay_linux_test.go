//go:build linux

package exchange_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session/exchange"
)

// verdicts lists what the wire did with each segment, in order, as
// "client [SYN] dropped".
func verdicts(tr exchange.Trace) []string {
	var out []string
	for _, ev := range tr.Segments() {
		out = append(out, ev.From.String()+" ["+ev.Seg.Flags.String()+"] "+ev.Seg.Verdict.String())
	}
	return out
}

// firstDrop names the first segment the wire dropped by its sender, its
// place in that sender's own order, and its flags ("client 5 [PSH, ACK]").
func firstDrop(tr exchange.Trace) string {
	var k [2]int
	for _, ev := range tr.Segments() {
		k[ev.From]++
		if ev.Seg.Verdict == capture.Dropped {
			return fmt.Sprintf("%s %d [%s]", ev.From, k[ev.From], ev.Seg.Flags)
		}
	}
	return ""
}

func TestFreePlayLossRunsTheLoopOnTheWireAndTheSameSeedDropsTheSamePackets(t *testing.T) {
	// Seed 19 at loss 0.1 drops the client's fifth packet ("world") of
	// the loop and nothing else of the textbook trace.
	opts := exchange.Options{Wire: exchange.WireOptions{Loss: 0.1, Seed: 19}}
	a := runOnWire(t, exchange.ScenarioLoop, opts, false)
	b := runOnWire(t, exchange.ScenarioLoop, opts, false)
	da, db := firstDrop(a.tr), firstDrop(b.tr)
	if da == "" {
		t.Fatalf("loss 0.1 with seed 19 dropped nothing:\n%v", verdicts(a.tr))
	}
	if da != db {
		t.Errorf("seed 19 dropped first %s, then %s", da, db)
	}
	if want := "client 5 [PSH, ACK]"; da != want {
		t.Errorf("seed 19 dropped first %s, want %s", da, want)
	}
	t.Logf("seed 19, loss 0.1: %d and %d segments, first drop %s", len(a.tr.Segments()), len(b.tr.Segments()), da)
}

func TestFreePlayDelayDelaysEveryPacketOnTheWire(t *testing.T) {
	const d = 20 * time.Millisecond
	run := runOnWire(t, exchange.ScenarioLoop, exchange.Options{Wire: exchange.WireOptions{Delay: d}}, false)
	segs := run.tr.Segments()
	if len(segs) < 17 {
		t.Fatalf("%d segments, want the loop's 17", len(segs))
	}
	for i, ev := range segs {
		if ev.Seg.Verdict != capture.Delayed || time.Duration(ev.Seg.DelayNS) < d {
			t.Errorf("segment %d: %v by %v, want delayed by at least %v", i+1, ev.Seg.Verdict, time.Duration(ev.Seg.DelayNS), d)
		}
	}
}
