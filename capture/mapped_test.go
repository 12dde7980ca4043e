package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture/synth"
)

// records reads every record of src, copying each one's data.
func records(t *testing.T, src Source) []RawPacket {
	t.Helper()
	var out []RawPacket
	for {
		p, err := src.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("record %d: %v", len(out)+1, err)
		}
		p.Data = bytes.Clone(p.Data)
		out = append(out, p)
	}
}

func sameRecords(t *testing.T, got, want []RawPacket) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d records through the map, %d read", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Frame != w.Frame || g.Offset != w.Offset || !g.Info.Timestamp.Equal(w.Info.Timestamp) ||
			g.Info.CaptureLength != w.Info.CaptureLength || g.Info.Length != w.Info.Length || !bytes.Equal(g.Data, w.Data) {
			t.Fatalf("record %d through the map: frame %d offset %d %d bytes; read: frame %d offset %d %d bytes", i, g.Frame, g.Offset, len(g.Data), w.Frame, w.Offset, len(w.Data))
		}
	}
}

func openBoth(t *testing.T, path string) (mapped, read []RawPacket) {
	t.Helper()
	for _, m := range []bool{true, false} {
		src, err := OpenFileWith(path, FileOptions{Map: m})
		if err != nil {
			t.Fatal(err)
		}
		if ps := src.(*pcapSource); m && ps.in.mapped == nil {
			t.Fatal("the file was not mapped")
		}
		recs := records(t, src)
		if err := src.Close(); err != nil {
			t.Fatal(err)
		}
		if m {
			mapped = recs
		} else {
			read = recs
		}
	}
	return mapped, read
}

// A pcap read through its map gives the records read(2) gives, big ones
// (past the read-ahead buffer) included, and a cut-short last record is
// the same damage at the same offset.
func TestMappedPcapGivesTheRecordsOfAPlainRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "synth.pcap")
	var buf bytes.Buffer
	if _, err := synth.Write(&buf, synth.Config{Connections: 300, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	// A 2 MiB record after them: more than the read-ahead buffer.
	var rec [16]byte
	binary.LittleEndian.PutUint32(rec[8:], 2<<20)
	binary.LittleEndian.PutUint32(rec[12:], 2<<20)
	buf.Write(rec[:])
	buf.Write(bytes.Repeat([]byte{0xab}, 2<<20))
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	m, r := openBoth(t, path)
	sameRecords(t, m, r)
	if n := len(r); n != 300*19+1 || len(r[n-1].Data) != 2<<20 {
		t.Fatalf("%d records, the last of %d bytes", n, len(r[n-1].Data))
	}

	// Cut in the middle of the big record: the same records, then the
	// same damage.
	cut := filepath.Join(dir, "cut.pcap")
	if err := os.WriteFile(cut, buf.Bytes()[:buf.Len()-1000], 0o644); err != nil {
		t.Fatal(err)
	}
	var errs [2]error
	for i, mapIt := range []bool{true, false} {
		src, err := OpenFileWith(cut, FileOptions{Map: mapIt})
		if err != nil {
			t.Fatal(err)
		}
		for err == nil {
			_, err = src.Next()
		}
		errs[i] = err
		src.Close()
	}
	if errs[0] == nil || errs[1] == nil || errs[0].Error() != errs[1].Error() {
		t.Errorf("a cut-short record through the map: %v; read: %v", errs[0], errs[1])
	}
}

// Records appended after the file was opened (a capture still being
// written) are read too: the map covers the size at opening, the rest is
// read as usual.
func TestMappedPcapReadsWhatWasAppendedAfterItWasOpened(t *testing.T) {
	path := filepath.Join(t.TempDir(), "growing.pcap")
	var first, second bytes.Buffer
	if _, err := synth.Write(&first, synth.Config{Connections: 100, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := synth.Write(&second, synth.Config{Connections: 100, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, first.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := OpenFileWith(path, FileOptions{Map: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(second.Bytes()[24:]); err != nil { // its records, not its file header
		t.Fatal(err)
	}
	f.Close()
	if n := len(records(t, src)); n != 2*100*19 {
		t.Errorf("%d records, want %d: those appended after opening too", n, 2*100*19)
	}
}
