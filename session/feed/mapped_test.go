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

// A file read through its map that is truncated meanwhile: touching the
// pages that are gone faults (SIGBUS); Run and RunParallel take it as
// damage at that offset, as for a cut file (a warning, what was read
// before stands), instead of crashing.
func TestRunOnAMappedFileTruncatedWhileReadWarnsOfTheDamageInsteadOfCrashing(t *testing.T) {
	var buf bytes.Buffer
	if _, err := synth.Write(&buf, synth.Config{Connections: 2000, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	for name, run := range map[string]func(context.Context, capture.Source, Options) (Result, error){"Run": Run, "RunParallel": RunParallel} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "shrinking.pcap")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			src, err := capture.OpenFileWith(path, capture.FileOptions{Map: true})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			const keep = 256 << 10
			if err := os.Truncate(path, keep); err != nil {
				t.Fatal(err)
			}
			res, err := run(context.Background(), src, Options{Finished: discardFinished})
			if err != nil {
				t.Fatalf("%s on a file truncated to %d bytes: %v, want a warning", name, keep, err)
			}
			if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "shrank while it was read") || !strings.Contains(res.Warnings[0], "at byte 262") {
				t.Fatalf("warnings %q, want one saying the file shrank at byte 262…", res.Warnings)
			}
			if res.Packets == 0 || res.Packets > uint64(keep/54) {
				t.Errorf("%d packets read before the cut at %d bytes", res.Packets, keep)
			}
			t.Log(res.Warnings[0])
		})
	}
}

// discardFinished takes finished streams (so that RunParallel tracks on
// its own goroutine) and drops them.
func discardFinished([]session.StreamSummary) error { return nil }
