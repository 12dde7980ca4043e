package interview

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// loopExchange is cmd/handshake-viz/recorded.pcapng, a real `demo --write`
// capture (the recording the demo ships: handshake, hello, world, ##, four-way close),
// through the real decoder and tracker.
func loopExchange(t testing.TB) explain.Exchange {
	t.Helper()
	tl, store, _ := laddertest.Play(t, filepath.Join("..", "..", "cmd", "handshake-viz", "recorded.pcapng"), feed.Options{})
	if !tl.Done() || tl.Len() != 17 {
		t.Fatalf("recorded.pcapng: %d events, done %v", tl.Len(), tl.Done())
	}
	return explain.Exchange{Scenario: "loop", Timeline: tl, Store: store}
}
