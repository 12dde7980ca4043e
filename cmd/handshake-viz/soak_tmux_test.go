package main

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture/synth"
)

// `open -` on a stream longer than its memory budget lists every stream,
// and Enter on one whose events were dropped says so instead of showing
// half a ladder.
func TestTmuxOpenStdinPastItsBudgetSaysAnOldStreamWasDroppedFromMemory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "long.pcap")
	const conns = 8000 // 152,000 packets: over twice the 65,536 events kept
	if _, err := synth.WriteFile(path, synth.Config{Connections: conns}); err != nil {
		t.Fatal(err)
	}
	s := startTmuxWith(t, fmt.Sprintf("cat %s |", path), "open", "-")
	s.waitFor(30*time.Second, fmt.Sprintf("%d TCP streams", conns), fmt.Sprintf("%d packets", conns*19), "fin4") // every stream listed, the input read, the first rows shown
	s.keys("Enter")                                                                                              // the first row: stream 0
	s.waitFor(10*time.Second, "stream 0 was dropped from memory")
	s.keys("q")
	if st := s.exitStatus(10 * time.Second); st != "0" {
		t.Fatalf("exit status %s, want 0", st)
	}
}
