package feed

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/synth"
	"github.com/handshake-viz/handshake-viz/session"
)

// corpusFiles are the captures MANIFEST.tsv lists.
func corpusFiles(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir(t), "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if name, _, _ := strings.Cut(sc.Text(), "\t"); name != "path" && name != "" {
			names = append(names, name)
		}
	}
	return names
}

// plainList is the list a Tracker that finishes nothing early gives.
func plainList(t *testing.T, path string) session.StreamList {
	t.Helper()
	src, err := capture.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	res, _ := Run(context.Background(), src, Options{})
	return session.NewStreamList(res.Tracker.Summaries(), res.Tracker.UDPFlows())
}

func sameRows(t *testing.T, name string, got, want session.StreamList) {
	t.Helper()
	if got.Streams() != want.Streams() || got.Flows() != want.Flows() || got.Final() != got.Streams() {
		t.Errorf("%s: %d streams (%d final), %d flows; want %d and %d", name, got.Streams(), got.Final(), got.Flows(), want.Streams(), want.Flows())
		return
	}
	for i := range want.Len() {
		if *got.At(i) != *want.At(i) {
			t.Errorf("%s: row %d is %+v, want %+v", name, i, *got.At(i), *want.At(i))
			return
		}
	}
}

// The catalog's tracker hands over finished streams and forgets them; the
// list must be the one a tracker that keeps everything gives.
func TestCatalogListEqualsTheFullTrackersOnTheCorpus(t *testing.T) {
	for _, name := range corpusFiles(t) {
		path := filepath.Join(corpusDir(t), name)
		c, err := OpenCatalog(context.Background(), path)
		if err != nil {
			continue // not a capture (the corpus has some on purpose)
		}
		s := waitFor(t, c, done)
		c.Close()
		sameRows(t, name, s.List, plainList(t, path))
	}
}

// When the tracker holds too many streams at once it finishes the oldest
// first; re-reading to open a stream must number the streams alike.
func TestCatalogPastItsStreamLimitOpensEachStreamWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "small.pcap")
	if _, err := synth.WriteFile(path, synth.Config{Connections: 300, Concurrent: 40}); err != nil {
		t.Fatal(err)
	}
	src, err := capture.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	finish := fileFinish()
	finish.MaxConns = 10
	c := startCatalogWith(context.Background(), path, src, catalogMode{}, nil, finish)
	defer c.Close()
	s := waitFor(t, c, done)
	// Connections finished while open go on as new streams: more than 300.
	if s.List.Streams() <= 300 || s.List.Final() != s.List.Streams() {
		t.Fatalf("%d streams (%d final), want more than the 300 connections (the limit cut some), all final", s.List.Streams(), s.List.Final())
	}
	for _, i := range []int{0, 1, s.List.Streams() / 2, s.List.Streams() - 1} {
		tl, _, err := c.OpenStream(session.KindSegment, i)
		if err != nil {
			t.Fatal(err)
		}
		if n := uint64(tl.Len()); n != s.List.Stream(i).Packets {
			t.Errorf("stream %d opened with %d events, the list says %d packets", i, n, s.List.Stream(i).Packets)
		}
	}
}

// An endless input (open -) read to its end: the list counts every
// stream, holds the newest rows only (Keep plus a chunk at most), and
// each held row is the row a file catalog of the same capture gives at
// that index.
func TestEndlessCatalogKeepsTheNewestRowsEqualToTheFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "many.pcap")
	const conns = 6000
	if _, err := synth.WriteFile(path, synth.Config{Connections: conns, Concurrent: 8}); err != nil {
		t.Fatal(err)
	}
	fc, err := OpenCatalog(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	want := waitFor(t, fc, done).List
	fc.Close()

	r, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	src, err := capture.OpenReader("-", r, -1)
	if err != nil {
		t.Fatal(err)
	}
	const keep = 1024
	c := startCatalogWith(context.Background(), "-", src, catalogMode{live: true, keep: keep}, nil, fileFinish())
	defer c.Close()
	s := waitFor(t, c, done)
	got := s.List
	if got.Streams() != want.Streams() || got.Streams() < conns || got.Final() != got.Streams() {
		t.Fatalf("endless list: %d streams (%d final), the file's %d", got.Streams(), got.Final(), want.Streams())
	}
	if got.First() == 0 || got.HeldStreams() < keep || got.HeldStreams() > keep+1024 {
		t.Fatalf("endless list holds %d rows from stream %d, want between %d and %d of the newest", got.HeldStreams(), got.First(), keep, keep+1024)
	}
	for pos := range got.HeldStreams() {
		i := got.First() + pos
		if *got.At(pos) != *want.Stream(i) {
			t.Fatalf("stream %d: %+v, the file's %+v", i, *got.At(pos), *want.Stream(i))
		}
	}
	if tl := c.Timeline(); tl.Len() == 0 || tl.Held() > tl.Budget() {
		t.Errorf("live timeline: %d events, %d held (budget %d)", tl.Len(), tl.Held(), tl.Budget())
	}
}
