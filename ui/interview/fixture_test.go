package interview

import (
	"context"
	"flag"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/feed"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// loopExchange is testdata/loop.pcapng, a real `demo --write` capture (the
// recording the demo ships: handshake, hello, world, ##, four-way close),
// through the real decoder and tracker.
func loopExchange(t testing.TB) explain.Exchange {
	t.Helper()
	src, err := capture.OpenFile("testdata/loop.pcapng")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	tl, store := session.NewTimeline(), capture.NewMemoryStore()
	if _, err := feed.Run(context.Background(), src, feed.Options{Timeline: tl, Store: store}); err != nil {
		t.Fatal(err)
	}
	if !tl.Done() || tl.Len() != 17 {
		t.Fatalf("loop.pcapng: %d events, done %v", tl.Len(), tl.Done())
	}
	return explain.Exchange{Scenario: "loop", Timeline: tl, Store: store}
}
