package feed

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/synth"
	"github.com/handshake-viz/handshake-viz/session"
)

// A file truncated while it is read (a capture rotated or rewritten under
// analyze): Run and RunParallel take the end of what is left as damage,
// as for a cut file (one warning naming where, what was read before
// stands), never as an error or a crash.
func TestRunOnAFileTruncatedWhileReadWarnsOfTheDamageAndKeepsWhatWasRead(t *testing.T) {
	var buf bytes.Buffer
	if _, err := synth.Write(&buf, synth.Config{Connections: 20000, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	for name, run := range map[string]func(context.Context, capture.Source, Options) (Result, error){"Run": Run, "RunParallel": RunParallel} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "shrinking.pcap")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			src, err := capture.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			keep := int64(len(buf.Bytes()) / 3)
			if err := os.Truncate(path, keep); err != nil {
				t.Fatal(err)
			}
			res, err := run(context.Background(), src, Options{Finished: discardFinished})
			if err != nil {
				t.Fatalf("%s on a file truncated to %d bytes: %v, want a warning", name, keep, err)
			}
			if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "byte") {
				t.Fatalf("warnings %q, want one naming the byte where the file ends", res.Warnings)
			}
			if res.Packets == 0 || res.Packets > uint64(keep/54) {
				t.Errorf("%d packets read before the cut at %d bytes", res.Packets, keep)
			}
			t.Log(res.Packets, res.Warnings[0])
		})
	}
}

// discardFinished takes finished streams (so that RunParallel tracks on
// its own goroutine) and drops them.
func discardFinished([]session.StreamSummary) error { return nil }
