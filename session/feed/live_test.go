package feed

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/synth"
	"github.com/handshake-viz/handshake-viz/session"
)

// pipedSynth is a synthetic capture streamed through a pipe, as `open -`
// reads one: no size, no re-reading.
func pipedSynth(t testing.TB, cfg synth.Config) capture.Source {
	t.Helper()
	r, w := io.Pipe()
	go func() { _, err := synth.Write(w, cfg); w.CloseWithError(err) }()
	src, err := capture.OpenReader("-", r, -1)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestStdinCatalogKeepsItsBudgetTheWholeListAndSaysWhichStreamsWereDropped(t *testing.T) {
	const conns = 8000 // 19 packets each: 152,000 events, over twice the budget
	c := startCatalog(context.Background(), "-", pipedSynth(t, synth.Config{Connections: conns}), true)
	defer c.Close()
	if err := c.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	snap := c.Snapshot()
	if snap.Err != nil || snap.List.Streams() != conns {
		t.Fatalf("%d streams listed (err %v), want all %d", snap.List.Streams(), snap.Err, conns)
	}
	tl := c.Timeline()
	if tl.Held() > session.DefaultLiveEvents || tl.Len() != int(snap.Packets) {
		t.Errorf("%d events held of %d, budget %d", tl.Held(), tl.Len(), session.DefaultLiveEvents)
	}
	if b := c.store.Bytes(); b > DefaultLiveFrameBytes {
		t.Errorf("frame store holds %d bytes, budget %d", b, DefaultLiveFrameBytes)
	}
	// Every frame held belongs to an event held, and the other way round.
	for _, ev := range tl.Slice(0, tl.Len()) {
		if _, ok := c.store.Frame(ev.Seg.Frame); !ok {
			t.Fatalf("frame %d of a held event (stream %d) is not in the store", ev.Seg.Frame, ev.Stream)
		}
	}
	if got := c.store.Len(); got != tl.Held() {
		t.Errorf("store holds %d frames, timeline %d events: they are dropped together", got, tl.Held())
	}

	_, _, err := c.OpenStream(session.KindSegment, 0)
	var dropped *DroppedError
	if !errors.As(err, &dropped) || dropped.Index != 0 {
		t.Errorf("OpenStream(0) = %v, want a DroppedError for stream 0", err)
	}
	last := conns - 1
	otl, store, err := c.OpenStream(session.KindSegment, last)
	if err != nil {
		t.Fatalf("OpenStream(%d) of a stream still held: %v", last, err)
	}
	n := 0
	for _, ev := range otl.Slice(0, otl.Len()) {
		if ev.Stream == last {
			n++
			if _, ok := store.Frame(ev.Seg.Frame); !ok {
				t.Errorf("frame %d of stream %d missing", ev.Seg.Frame, last)
			}
		}
	}
	if uint64(n) != snap.List.Stream(last).Packets {
		t.Errorf("stream %d has %d events held, %d packets listed: a held stream is whole", last, n, snap.List.Stream(last).Packets)
	}
}

func TestStoreBudgetShedsStreamsWhenFramesAreLargeBeforeTheEventBudget(t *testing.T) {
	live := NewLive(LiveBudget{Events: 1 << 20, FrameBytes: 2 << 20})
	opts := Options{}
	live.Apply(&opts)
	if opts.Tracker.Finish.Idle != session.DefaultIdle || opts.Tracker.Finish.MaxConns != session.DefaultMaxConns {
		t.Errorf("live finish options %+v, want analyze's defaults", opts.Tracker.Finish)
	}
	src := pipedSynth(t, synth.Config{Connections: 3000, ResponseLen: 1400})
	defer src.Close()
	if _, err := Run(context.Background(), src, opts); err != nil {
		t.Fatal(err)
	}
	tl := live.Timeline
	if tcp, _ := tl.DroppedStreams(); tcp == 0 {
		t.Fatalf("no stream dropped: %d bytes of frames held (budget %d)", live.Store.Bytes(), live.Budget.FrameBytes)
	}
	if b := live.Store.Bytes(); b > live.Budget.FrameBytes {
		t.Errorf("frame store holds %d bytes, budget %d", b, live.Budget.FrameBytes)
	}
	if got := live.Store.Len(); got != tl.Held() {
		t.Errorf("store holds %d frames, timeline %d events", got, tl.Held())
	}
}
