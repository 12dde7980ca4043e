package ui

import (
	"path/filepath"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// recordedFixture is the real exchange the demo ships
// (cmd/handshake-viz/recorded.pcapng, a `demo --write` capture:
// handshake, hello, world, ##, four-way close) run through the real decoder
// and tracker, so golden screens show what users see.
func recordedFixture(t testing.TB) (*session.Timeline, *capture.MemoryStore) {
	t.Helper()
	return fileFixture(t, filepath.Join("..", "cmd", "handshake-viz", "recorded.pcapng"), 17)
}

// fileFixture runs a capture file through the real pipeline and checks it
// yields want events.
func fileFixture(t testing.TB, path string, want int) (*session.Timeline, *capture.MemoryStore) {
	t.Helper()
	tl, store, res := laddertest.Play(t, path, feed.Options{})
	if len(res.Warnings) > 0 || tl.Len() != want {
		t.Fatalf("%s: %d events (want %d), warnings %v", path, tl.Len(), want, res.Warnings)
	}
	return tl, store
}
