package ui

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// fakeCatalog is a BrowserSource over a corpus file read at once with a
// Tracker: the real summaries, events and frames, without session/feed.
type fakeCatalog struct {
	streams []session.StreamSummary
	flows   []session.UDPFlow
	packets uint64
	events  []session.Event
	frames  *capture.MemoryStore
	tracker *session.Tracker
	changed chan struct{} // closed: nothing more will change

	mu     sync.Mutex
	opened []rowKey // OpenStream calls
}

func corpusFile(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "pcaps")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("capture corpus not found at %s (CI puts shared/ beside the repo): %v", dir, err)
	}
	return filepath.Join(dir, name)
}

func newFakeCatalog(t testing.TB, name string) *fakeCatalog {
	t.Helper()
	src, err := capture.OpenFile(corpusFile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	f := &fakeCatalog{frames: capture.NewMemoryStore(), tracker: session.NewTracker(), changed: make(chan struct{})}
	close(f.changed)
	dec := capture.NewDecoder()
	var seg capture.Segment
	for {
		p, err := src.Next()
		var damage *capture.DamageError
		if errors.Is(err, io.EOF) || errors.As(err, &damage) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		f.packets++
		if !dec.Decode(&p, &seg).OK {
			continue
		}
		f.frames.Add(&p)
		f.events = append(f.events, f.tracker.Observe(&seg)...)
	}
	f.streams, f.flows = f.tracker.Summaries(), f.tracker.UDPFlows()
	return f
}

func (f *fakeCatalog) Changed() <-chan struct{}                 { return f.changed }
func (f *fakeCatalog) Progress() (read, total int64, done bool) { return 100, 100, true }
func (f *fakeCatalog) Packets() uint64                          { return f.packets }
func (f *fakeCatalog) List() session.StreamList                 { return session.NewStreamList(f.streams, f.flows) }
func (f *fakeCatalog) Warnings() []string                       { return nil }

func (f *fakeCatalog) OpenStream(kind session.EventKind, index int) (*session.Timeline, capture.FrameStore, error) {
	f.mu.Lock()
	f.opened = append(f.opened, rowKey{kind, index})
	f.mu.Unlock()
	tl := session.NewTimeline()
	for _, ev := range f.events {
		if ev.Kind == kind && ev.Stream == index {
			tl.Append(f.tracker, ev)
		}
	}
	tl.Finish()
	return tl, f.frames, nil
}

func (f *fakeCatalog) openedStreams() []rowKey {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]rowKey(nil), f.opened...)
}
