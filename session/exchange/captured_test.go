package exchange

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// feedSlowly appends n segment events (and a call before each) to tl in
// batches of 100, one batch every gap.
func feedSlowly(tl *session.Timeline, n int, gap time.Duration) {
	for i := 0; i < n; i += 100 {
		var evs []session.Event
		for k := i; k < min(n, i+100); k++ {
			evs = append(evs, session.Event{Kind: session.KindCall, Stream: k}, session.Event{Kind: session.KindSegment, Stream: k, N: 1})
		}
		tl.Append(nil, evs...)
		time.Sleep(gap)
	}
}

// A long run's feed behind its capture, on a bounded timeline that holds
// fewer events than the run had: WaitCaptured waits while packets keep
// coming, however long that takes in all, and counts the packets the
// timeline dropped too.
func TestWaitCapturedWaitsForAFeedThatCatchesUpPastItsStallTime(t *testing.T) {
	tl := session.NewBoundedTimeline(session.TimelineBudget{Events: 1024})
	const packets = 5000
	stats := func() (capture.LiveStats, error) { return capture.LiveStats{Packets: packets}, nil }
	go feedSlowly(tl, packets, 30*time.Millisecond) // 50 batches: 1.5 s
	start := time.Now()
	if err := WaitCaptured(context.Background(), tl, stats, 500*time.Millisecond); err != nil {
		t.Fatalf("WaitCaptured: %v", err)
	}
	if took := time.Since(start); took < 1200*time.Millisecond {
		t.Errorf("returned after %v, before the feed had caught up", took)
	}
	if n := tl.Packets(); n != packets || tl.Held() > tl.Budget() {
		t.Errorf("timeline: %d packets, %d events held", n, tl.Held())
	}
}

// A feed that stopped: WaitCaptured gives up after stall without a new
// packet and says how many are missing.
func TestWaitCapturedGivesUpOnAFeedThatStoppedAndSaysWhatIsMissing(t *testing.T) {
	tl := session.NewTimeline()
	stats := func() (capture.LiveStats, error) { return capture.LiveStats{Packets: 3000, Drops: 10}, nil }
	feedSlowly(tl, 2000, 0)
	err := WaitCaptured(context.Background(), tl, stats, 100*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "counted 2990 packets, the timeline has 2000") {
		t.Fatalf("WaitCaptured on a stopped feed: %v, want the counts", err)
	}
}
