package session

import (
	"context"
	"net/netip"
	"slices"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
)

// closedStream is the events of one short connection: n segments, the
// last leaving both ends closed, frames numbered from frame.
func closedStream(stream, n int, frame uint64) []Event {
	evs := make([]Event, n)
	for i := range evs {
		evs[i] = Event{Stream: stream, N: i + 1, Client: Established, Server: Established}
		evs[i].Seg.Frame = frame + uint64(i)
	}
	evs[n-1].Client, evs[n-1].Server = TimeWait, Closed
	return evs
}

func TestBoundedTimelineHoldsAtMostItsBudgetAndDropsTheOldestFinishedStreams(t *testing.T) {
	var forgotten []uint64
	tl := NewBoundedTimeline(TimelineBudget{Events: 1024, Dropped: func(f []uint64) { forgotten = append(forgotten, f...) }})
	// Stream 0 stays open all along: finished streams go before it.
	tl.Append(nil, Event{Stream: 0, Client: Established, Server: Established, Seg: segFrame(1)})
	frame := uint64(2)
	const streams, per = 400, 10
	for s := 1; s <= streams; s++ {
		tl.Append(nil, closedStream(s, per, frame)...)
		frame += per
		if tl.Held() > tl.Budget() {
			t.Fatalf("after stream %d: %d events held, budget %d", s, tl.Held(), tl.Budget())
		}
	}
	if got, want := tl.Len(), 1+streams*per; got != want {
		t.Errorf("Len = %d, want %d: every event appended is counted", got, want)
	}
	if tl.Dropped(KindSegment, 0) {
		t.Error("open stream 0 was dropped while finished streams were held")
	}
	if !tl.Dropped(KindSegment, 1) || tl.Dropped(KindSegment, streams) {
		t.Errorf("dropped: stream 1 %v (want true), stream %d %v (want false)", tl.Dropped(KindSegment, 1), streams, tl.Dropped(KindSegment, streams))
	}
	tcp, _ := tl.DroppedStreams()
	if held := tl.Held(); held != tl.Len()-tcp*per {
		t.Errorf("%d held, %d appended, %d streams of %d dropped: dropping is by whole streams", held, tl.Len(), tcp, per)
	}
	if len(forgotten) != tcp*per || !slices.IsSorted(forgotten) || forgotten[0] != 2 {
		t.Errorf("%d frames forgotten (first %v), want the %d of the dropped streams, ascending from frame 2", len(forgotten), forgotten[:min(3, len(forgotten))], tcp*per)
	}
	if got := tl.ClosedStreams(); got != streams {
		t.Errorf("ClosedStreams = %d, want %d: dropped streams still count", got, streams)
	}
	// Indexes stay those of the run.
	if ev, ok := tl.Get(1); ok || ev.Stream != -1 {
		t.Errorf("Get(1) of a dropped stream = %+v, %v; want DroppedEvent, false", ev, ok)
	}
	last := tl.Len() - 1
	if ev, ok := tl.Get(last); !ok || ev.Stream != streams || ev.N != per {
		t.Errorf("Get(%d) = stream %d N %d (%v), want stream %d N %d", last, ev.Stream, ev.N, ok, streams, per)
	}
	evs, at := tl.SliceIndexed(0, tl.Len())
	if len(evs) != tl.Held() || at[0] != 0 || at[1] != 1+tcp*per || evs[1].Stream != tcp+1 {
		t.Errorf("SliceIndexed: %d events, indexes %v…, stream %d second; want %d, [0 %d], stream %d", len(evs), at[:2], evs[1].Stream, tl.Held(), 1+tcp*per, tcp+1)
	}
}

func segFrame(n uint64) (seg capture.Segment) { seg.Frame = n; return seg }

func TestBoundedTimelineKeepsAPinnedStreamAndRefusesToPinADroppedOne(t *testing.T) {
	tl := NewBoundedTimeline(TimelineBudget{Events: 1024})
	tl.Append(nil, closedStream(0, 10, 1)...)
	if !tl.Pin(KindSegment, 0) {
		t.Fatal("Pin of a held stream = false")
	}
	for s := 1; s <= 300; s++ {
		tl.Append(nil, closedStream(s, 10, uint64(10*s+1))...)
	}
	if tl.Dropped(KindSegment, 0) {
		t.Error("pinned stream 0 was dropped")
	}
	if !tl.Dropped(KindSegment, 1) {
		t.Fatal("stream 1 was not dropped: the test needs the budget to bite")
	}
	if tl.Pin(KindSegment, 1) {
		t.Error("Pin of dropped stream 1 = true, want false (its ladder is not whole)")
	}
	// Pins are the maxPins opened last: older ones go.
	for s := 290; s < 290+maxPins; s++ {
		tl.Pin(KindSegment, s)
	}
	for s := 301; s <= 600; s++ {
		tl.Append(nil, closedStream(s, 10, uint64(10*s+1))...)
	}
	if !tl.Dropped(KindSegment, 0) {
		t.Errorf("stream 0 is still held after %d newer pins", maxPins)
	}
	for s := 290; s < 290+maxPins; s++ {
		if tl.Dropped(KindSegment, s) {
			t.Errorf("pinned stream %d was dropped", s)
		}
	}
}

func TestBoundedTimelineLosesNoEventAFollowHasNotHandedOver(t *testing.T) {
	tl := NewBoundedTimeline(TimelineBudget{Events: 1024})
	release := make(chan struct{})
	var seen []int
	done := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		done <- tl.Follow(context.Background(), func(ev Event) error {
			if len(seen) == 0 {
				close(started)
				<-release // a slow reader: a blocked pipe
			}
			seen = append(seen, ev.Stream*100+ev.N)
			return nil
		})
	}()
	tl.Append(nil, closedStream(0, 10, 1)...)
	<-started
	for s := 1; s < 500; s++ {
		tl.Append(nil, closedStream(s, 10, uint64(10*s+1))...)
	}
	if tl.Held() <= tl.Budget() {
		t.Errorf("%d events held while the reader was blocked at the first: want more than the budget %d (nothing it has not seen may go)", tl.Held(), tl.Budget())
	}
	close(release)
	tl.Finish()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(seen) != 5000 {
		t.Fatalf("Follow handed over %d events, want 5000", len(seen))
	}
	for i, v := range seen {
		if want := i/10*100 + i%10 + 1; v != want {
			t.Fatalf("event %d = stream*100+N %d, want %d", i, v, want)
		}
	}
}

func TestUnboundedTimelineNeverDrops(t *testing.T) {
	tl := NewTimeline()
	for s := 0; s < 300; s++ {
		tl.Append(nil, closedStream(s, 10, uint64(10*s+1))...)
	}
	if tl.Held() != 3000 || tl.Dropped(KindSegment, 0) || tl.Bounded() || !tl.Pin(KindSegment, 0) {
		t.Errorf("held %d of 3000, dropped %v, bounded %v", tl.Held(), tl.Dropped(KindSegment, 0), tl.Bounded())
	}
	if got := tl.Slice(5, 8); len(got) != 3 || got[0].Stream != 0 || got[0].N != 6 {
		t.Errorf("Slice(5, 8) = %d events, first %+v", len(got), got[0])
	}
}

func TestBoundedTimelineLosesNoEventAReaderHasNotRead(t *testing.T) {
	tl := NewBoundedTimeline(TimelineBudget{Events: 1024})
	rd := tl.NewReader()
	defer rd.Close()
	var got []Event
	for s := 0; s < 500; s++ {
		tl.Append(nil, closedStream(s, 10, uint64(10*s+1))...)
		if s == 100 {
			got = append(got, rd.Read()...) // then the reader stalls
		}
	}
	if tl.Dropped(KindSegment, 101) {
		t.Error("stream 101, not read yet, was dropped")
	}
	got = append(got, rd.Read()...)
	if len(got) != 5000 || rd.Next() != 5000 {
		t.Fatalf("read %d events (next %d), want all 5000", len(got), rd.Next())
	}
	for s := 500; s < 600; s++ {
		tl.Append(nil, closedStream(s, 10, uint64(10*s+1))...)
	}
	if tl.Held() > tl.Budget() {
		t.Errorf("%d events held once read, budget %d", tl.Held(), tl.Budget())
	}
}

// namedLookup names stream i after i (client port 10000+i).
type namedLookup struct{}

func (namedLookup) StreamInfo(kind EventKind, i int) StreamInfo {
	return StreamInfo{Index: i, Client: netip.AddrPortFrom(netip.MustParseAddr("10.0.0.1"), uint16(10000+i)), Server: netip.AddrPortFrom(netip.MustParseAddr("10.0.0.2"), 80)}
}

// A bounded timeline names the streams it holds events of and the
// goneKeep dropped last, and keeps nothing else per stream: after tens of
// thousands of streams it holds no list of every stream's name.
func TestBoundedTimelineNamesTheStreamsItHoldsAndForgetsTheNamesOfLongDroppedOnes(t *testing.T) {
	tl := NewBoundedTimeline(TimelineBudget{Events: 1024})
	const streams, per = 30_000, 6
	for s := range streams {
		tl.Append(namedLookup{}, closedStream(s, per, uint64(s*per+1))...)
	}
	if len(tl.streams) != 0 || len(tl.mem.gone) > goneKeep || len(tl.mem.goneOrder) > goneKeep {
		t.Fatalf("after %d streams: %d names in the list, %d gone names (at most %d)", streams, len(tl.streams), len(tl.mem.gone), goneKeep)
	}
	last := streams - 1
	if got := tl.StreamInfo(KindSegment, last); got != (namedLookup{}).StreamInfo(KindSegment, last) {
		t.Errorf("newest stream named %+v", got)
	}
	held := tl.Streams()
	if len(held) == 0 || held[len(held)-1].Index != last || !slices.IsSortedFunc(held, func(a, b StreamInfo) int { return a.Index - b.Index }) {
		t.Errorf("Streams() = %d names, want those held in index order ending at %d", len(held), last)
	}
	oldest := held[0].Index
	if got := tl.StreamInfo(KindSegment, oldest-1); got.Client.Port() != uint16(10000+oldest-1) {
		t.Errorf("stream %d, dropped last, named %+v: a reader handed its events may still ask", oldest-1, got)
	}
	if got := tl.StreamInfo(KindSegment, 0); got != (StreamInfo{Index: 0}) {
		t.Errorf("stream 0, dropped long ago, named %+v, want only its index", got)
	}
	if tcp, _ := tl.DroppedStreams(); !tl.Dropped(KindSegment, 0) || tcp < streams-goneKeep {
		t.Errorf("%d streams dropped, stream 0 dropped %v", tcp, tl.Dropped(KindSegment, 0))
	}
}
