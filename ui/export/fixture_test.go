package export

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/feed"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// corpusFile is a capture of the shared corpus, ../shared/pcaps beside
// the checkout.
func corpusFile(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "pcaps")
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST.tsv")); err != nil {
		t.Skipf("capture corpus not found at %s (CI puts shared/ beside the repo): %v", dir, err)
	}
	return filepath.Join(dir, name)
}

// streamInput reads a corpus capture and returns the Input of one TCP
// stream, as the export command builds it.
func streamInput(t testing.TB, name string, stream int) Input {
	t.Helper()
	src, err := capture.OpenFile(corpusFile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	tl := session.NewTimeline()
	res, err := feed.Run(context.Background(), src, feed.Options{
		Timeline: tl,
		Keep:     func(ev *session.Event) bool { return ev.Kind != session.KindDatagram && ev.Stream == stream },
	})
	if err != nil {
		t.Fatal(err)
	}
	sums := res.Tracker.Summaries()
	if stream >= len(sums) {
		t.Fatalf("%s has %d TCP streams, not stream %d", name, len(sums), stream)
	}
	return Input{Events: tl.Slice(0, tl.Len()), Info: tl.StreamInfo, Summaries: sums[stream : stream+1]}
}
