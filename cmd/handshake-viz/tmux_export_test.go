package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
)

// From the ladder screen, x then a format's key writes the connection's
// ladder next to the capture and says where; a second export never
// replaces the first; w saves the ladder's packets as a pcapng that reads
// back with every frame.
func TestTmuxExportAndSaveKeysWriteNewFilesNextToTheCapture(t *testing.T) {
	src, err := os.ReadFile(corpus(t, "gopacket/test_ethernet.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "trace.pcap")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	s := startTmux(t, "open", "--start-paused", path) // one stream: its ladder opens at once
	s.waitFor(10*time.Second, "x export")
	s.keys("End") // every arrow played
	s.keys("x")
	s.waitFor(5*time.Second, "Export this connection as")
	s.keys("s")
	svg := filepath.Join(dir, "trace-stream0.svg")
	s.waitFor(5*time.Second, "Exported to", "trace-stream0.svg")
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	assertWellFormedXML(t, svg, b)
	s.keys("x")
	s.keys("s")
	s.waitFor(5*time.Second, "trace-stream0-1.svg")
	if again, err := os.ReadFile(svg); err != nil || !bytes.Equal(again, b) {
		t.Errorf("the first export was changed by the second: %v", err)
	}
	s.keys("w")
	s.waitFor(5*time.Second, "Packets saved to", "trace-packets.pcapng")
	in, err := capture.OpenFile(filepath.Join(dir, "trace-packets.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	n := 0
	for {
		if _, err := in.Next(); err != nil {
			break
		}
		n++
	}
	if n != 10 {
		t.Errorf("the saved pcapng has %d frames, want the ladder's 10", n)
	}
	s.keys("q")
	if st := s.exitStatus(10 * time.Second); st != "0" {
		t.Errorf("exit status %s, want 0", st)
	}
}
