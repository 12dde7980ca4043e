package laddertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/feed"
)

// CorpusFile is the capture rel of the shared corpus, shared/pcaps beside
// the checkout (../shared/pcaps from the module's root, where CI puts
// it); the test is skipped when the corpus is not there.
func CorpusFile(t testing.TB, rel string) string {
	t.Helper()
	corpus := filepath.Join(moduleRoot(t), "..", "shared", "pcaps")
	if _, err := os.Stat(filepath.Join(corpus, "MANIFEST.tsv")); err != nil {
		t.Skipf("capture corpus not found at %s (CI puts shared/ beside the checkout): %v", corpus, err)
	}
	return filepath.Join(corpus, rel)
}

// moduleRoot is the folder of the module's go.mod, at or above the test's
// working folder (its package's).
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatalf("no go.mod at or above %s: run the tests inside the module", dir)
		}
		dir = up
	}
}

// Play runs the capture file at path through the real decoder, Tracker
// and feed with opts, into a new timeline and a new store of its frames
// (opts' Timeline and Store are set to them), and returns them with the
// feed's result. A file that does not open or read fails the test.
func Play(t testing.TB, path string, opts feed.Options) (*session.Timeline, *capture.MemoryStore, feed.Result) {
	t.Helper()
	src, err := capture.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	opts.Timeline, opts.Store = session.NewTimeline(), capture.NewMemoryStore()
	res, err := feed.Run(context.Background(), src, opts)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return opts.Timeline, opts.Store, res
}
