package synth

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// WriteFile puts on disk exactly what Write writes, over a file that was
// there, and says where a file cannot be created.
func TestWriteFileWritesWhatWriteWritesAndReplacesAnOldFile(t *testing.T) {
	cfg := Config{Connections: 50, Concurrent: 5, Seed: 7}
	var want bytes.Buffer
	n, err := Write(&want, cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "s.pcap")
	if err := os.WriteFile(path, bytes.Repeat([]byte("old"), want.Len()), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := WriteFile(path, cfg)
	if err != nil || got != n {
		t.Fatalf("WriteFile: %d packets, %v; want %d, nil", got, err, n)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want.Bytes()) {
		t.Fatalf("file of %d bytes differs from Write's %d bytes", len(b), want.Len())
	}
	if _, err := WriteFile(filepath.Join(path, "under-a-file.pcap"), cfg); err == nil {
		t.Fatal("WriteFile under a regular file: no error")
	}
}
