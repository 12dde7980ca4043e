//go:build linux

package exchange_test

import (
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
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

func TestFreePlayLossRunsTheLoopOnTheWireAndTheSameSeedDropsTheSamePackets(t *testing.T) {
	opts := exchange.Options{Wire: exchange.WireOptions{Loss: 0.1, Seed: 16}}
	a := runOnWire(t, exchange.ScenarioLoop, opts, false)
	b := runOnWire(t, exchange.ScenarioLoop, opts, false)
	va, vb := verdicts(a.tr), verdicts(b.tr)
	firstDrop := func(v []session.Event) int {
		for i, ev := range v {
			if ev.Seg.Verdict == capture.Dropped {
				return i
			}
		}
		return -1
	}
	da, db := firstDrop(a.tr.Segments()), firstDrop(b.tr.Segments())
	if da < 0 {
		t.Fatalf("loss 0.1 with seed 16 dropped nothing:\n%v", va)
	}
	// Up to the first loss the two runs are the same exchange, so the
	// same packet is dropped; after it, retransmission timers may order
	// the two directions differently.
	if da != db || va[da] != vb[db] {
		t.Errorf("seed 16: first drop at %d (%s), then at %d (%s)", da, va[da], db, vb[db])
	}
	t.Logf("seed 16, loss 0.1: %d and %d segments, first drop at segment %d (%s)", len(va), len(vb), da+1, va[da])
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
