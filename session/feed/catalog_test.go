package feed

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// testDeadline bounds every wait of these tests.
const testDeadline = 20 * time.Second

// waitFor waits on the catalog's Changed until ok(snapshot) holds.
func waitFor(t *testing.T, c *Catalog, ok func(CatalogSnapshot) bool) CatalogSnapshot {
	t.Helper()
	deadline := time.After(testDeadline)
	for {
		changed := c.Changed()
		if s := c.Snapshot(); ok(s) {
			return s
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("catalog did not get there within %v: %+v", testDeadline, c.Snapshot())
		}
	}
}

func done(s CatalogSnapshot) bool { return s.Done }

func TestCatalogListsEveryStreamOfAFile(t *testing.T) {
	const name = "zeek/ftp_bruteforce.pcap"
	path := filepath.Join(corpusDir(t), name)
	c, err := OpenCatalog(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := waitFor(t, c, done)
	ctx, cancel := context.WithTimeout(context.Background(), testDeadline)
	defer cancel()
	if err := c.Wait(ctx); err != nil {
		t.Errorf("Wait after Done: %v", err)
	}
	if s.Err != nil || len(s.Warnings) != 0 {
		t.Errorf("Err %v, warnings %q on an intact file", s.Err, s.Warnings)
	}
	if want := tsharkStreams(t, name); s.List.Streams() != want {
		t.Errorf("%d streams, tshark finds %d", s.List.Streams(), want)
	}
	if want := manifestPackets(t, name); s.Packets != want {
		t.Errorf("%d packets, MANIFEST.tsv says %d", s.Packets, want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Read != fi.Size() || s.Total != fi.Size() {
		t.Errorf("progress %d of %d bytes at the end, want %d of %d", s.Read, s.Total, fi.Size(), fi.Size())
	}
	if read, total, isDone := c.Progress(); read != s.Read || total != s.Total || !isDone {
		t.Errorf("Progress() = %d, %d, %v; snapshot says %d, %d, true", read, total, isDone, s.Read, s.Total)
	}
}

func TestCatalogOpenStreamReturnsThatStreamOnly(t *testing.T) {
	const name = "zeek/ftp_bruteforce.pcap"
	c, err := OpenCatalog(context.Background(), filepath.Join(corpusDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := waitFor(t, c, done)
	for _, index := range []int{0, s.List.Streams() / 2, s.List.Streams() - 1} {
		tl, store, err := c.OpenStream(session.KindSegment, index)
		if err != nil {
			t.Fatal(err)
		}
		if !tl.Done() {
			t.Errorf("stream %d: timeline not finished", index)
		}
		if want := s.List.Stream(index).Packets; uint64(tl.Len()) != want {
			t.Errorf("stream %d: %d events, its summary counts %d packets", index, tl.Len(), want)
		}
		for i := range tl.Len() {
			ev := tl.At(i)
			if ev.Kind != session.KindSegment || ev.Stream != index {
				t.Fatalf("stream %d: event %d belongs to %s %d", index, i, ev.Kind, ev.Stream)
			}
			if _, ok := store.Frame(ev.Seg.Frame); !ok {
				t.Errorf("stream %d: frame %d not in the store", index, ev.Seg.Frame)
			}
		}
	}
	if _, _, err := c.OpenStream(session.KindSegment, s.List.Streams()); err == nil {
		t.Error("OpenStream of a stream past the end did not fail")
	}
}

func TestCatalogOpenStreamOfAUDPFlow(t *testing.T) {
	const name = "tcpdump/dns_udp.pcap"
	c, err := OpenCatalog(context.Background(), filepath.Join(corpusDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := waitFor(t, c, done)
	if s.List.Flows() == 0 {
		t.Fatalf("no UDP flow found in %s", name)
	}
	tl, _, err := c.OpenStream(session.KindDatagram, 0)
	if err != nil {
		t.Fatal(err)
	}
	if uint64(tl.Len()) != s.List.Flow(0).Packets {
		t.Errorf("%d events, the flow has %d packets", tl.Len(), s.List.Flow(0).Packets)
	}
	for i := range tl.Len() {
		if ev := tl.At(i); ev.Kind != session.KindDatagram || ev.Stream != 0 {
			t.Fatalf("event %d belongs to %s %d", i, ev.Kind, ev.Stream)
		}
	}
}

func TestCatalogWarnsAboutADamagedFile(t *testing.T) {
	c, err := OpenCatalog(context.Background(), filepath.Join(corpusDir(t), "derived/http_get-cut-short.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := waitFor(t, c, done)
	if len(s.Warnings) != 1 || s.Err != nil || len(c.Warnings()) != 1 {
		t.Errorf("warnings %q, Err %v: want the damage as one warning", s.Warnings, s.Err)
	}
}

func TestOpenCatalogFailsAtOnceOnAMissingFile(t *testing.T) {
	if _, err := OpenCatalog(context.Background(), filepath.Join(t.TempDir(), "nope.pcap")); err == nil {
		t.Error("no error for a missing file")
	}
}

// TestCatalogOnStdinShowsPacketsBeforeTheInputEnds streams a capture
// through a pipe in two halves, as `tcpdump -U -w - | handshake-viz open -`
// would, and checks that the first half is listed while the second has not
// come yet, and that OpenStream hands over the live timeline.
func TestCatalogOnStdinShowsPacketsBeforeTheInputEnds(t *testing.T) {
	const name = "zeek/ftp_bruteforce.pcap"
	data, err := os.ReadFile(filepath.Join(corpusDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	half := len(data) / 2
	wrote := make(chan error, 1)
	go func() { _, err := pw.Write(data[:half]); wrote <- err }()
	src, err := capture.OpenReader("-", pr, -1)
	if err != nil {
		t.Fatal(err)
	}
	c := startCatalog(context.Background(), "-", src, true)
	defer c.Close()
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	first := waitFor(t, c, func(s CatalogSnapshot) bool { return s.Packets > 0 && s.List.Streams() > 0 })
	if first.Done {
		t.Fatal("Done before the input ended")
	}
	tl, store, err := c.OpenStream(session.KindSegment, 0)
	if err != nil {
		t.Fatal(err)
	}
	if tl.Done() || tl.Len() == 0 || store == nil {
		t.Errorf("live timeline: done %v, %d events", tl.Done(), tl.Len())
	}
	go func() { _, err := pw.Write(data[half:]); pw.CloseWithError(err) }()
	s := waitFor(t, c, done)
	if s.Packets != manifestPackets(t, name) || s.List.Streams() != tsharkStreams(t, name) {
		t.Errorf("at the end: %d packets, %d streams", s.Packets, s.List.Streams())
	}
	if s.Packets <= first.Packets {
		t.Errorf("no packet after the first half: %d then %d", first.Packets, s.Packets)
	}
	if !tl.Done() || uint64(tl.Len()) != s.Packets {
		t.Errorf("live timeline at the end: done %v, %d events for %d packets", tl.Done(), tl.Len(), s.Packets)
	}
}

func TestCatalogCloseStopsReading(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	data, err := os.ReadFile(filepath.Join(corpusDir(t), "zeek/ftp_bruteforce.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	go pw.Write(data[:1000])
	src, err := capture.OpenReader("-", pr, -1)
	if err != nil {
		t.Fatal(err)
	}
	c := startCatalog(context.Background(), "-", src, true)
	stopped := make(chan struct{})
	go func() { c.Close(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(testDeadline):
		t.Fatal("Close did not return while the input was stalled")
	}
	if s := c.Snapshot(); !s.Done {
		t.Error("snapshot not Done after Close")
	}
}
