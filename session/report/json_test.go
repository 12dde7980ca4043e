package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/synth"
	"github.com/handshake-viz/handshake-viz/session"
)

// pcapDir is the shared capture corpus, beside the repository.
const pcapDir = "../../../shared/pcaps"

// corpusFiles lists every capture of the shared corpus (skipping the test
// when it is absent).
func corpusFiles(t *testing.T) []string {
	t.Helper()
	if _, err := os.Stat(pcapDir); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("capture corpus not found at %s (clone ../shared beside the repository)", pcapDir)
	}
	var files []string
	err := filepath.WalkDir(pcapDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch filepath.Ext(path) {
		case ".txt", ".tsv", ".json", ".md":
			return nil
		}
		if !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no captures under %s", pcapDir)
	}
	return files
}

// synthCapture is a small synthetic capture (about 2000 connections) in memory.
func synthCapture(tb testing.TB, connections int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := synth.Write(&buf, synth.Config{Connections: connections, Seed: 7}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func analyzeBytes(t *testing.T, name string, data []byte) Report {
	t.Helper()
	src, err := capture.OpenReader(name, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	rep, err := Analyze(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// analyzeFile returns the report of a capture; ok is false when it is not one.
func analyzeFile(t *testing.T, path string) (rep Report, ok bool) {
	t.Helper()
	src, err := capture.OpenFile(path)
	if err != nil {
		return Report{}, false
	}
	defer src.Close()
	rep, err = Analyze(context.Background(), src)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rep, true
}

// checkSameJSON compares WriteJSON's bytes with encoding/json's.
func checkSameJSON(t *testing.T, name string, rep Report) {
	t.Helper()
	want, err := json.Marshal(rep)
	if err != nil {
		t.Fatalf("%s: json.Marshal: %v", name, err)
	}
	want = append(want, '\n')
	var got bytes.Buffer
	if err := WriteJSON(&got, rep); err != nil {
		t.Fatalf("%s: WriteJSON: %v", name, err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		i := 0
		for i < min(got.Len(), len(want)) && got.Bytes()[i] == want[i] {
			i++
		}
		from := max(i-80, 0)
		t.Errorf("%s: WriteJSON differs from encoding/json at byte %d:\n got  …%s\n want …%s",
			name, i, got.Bytes()[from:min(i+80, got.Len())], want[from:min(i+80, len(want))])
	}
}

func TestWriteJSONMatchesEncodingJSONForEveryCorpusCapture(t *testing.T) {
	n := 0
	for _, path := range corpusFiles(t) {
		rep, ok := analyzeFile(t, path)
		if !ok {
			continue
		}
		n++
		checkSameJSON(t, path, rep)
	}
	if n == 0 {
		t.Fatal("no capture of the corpus could be opened")
	}
}

func TestWriteJSONMatchesEncodingJSONForSyntheticCapture(t *testing.T) {
	rep := analyzeBytes(t, "synth.pcap", synthCapture(t, 2000))
	if len(rep.Streams) != 2000 {
		t.Fatalf("%d streams, want 2000", len(rep.Streams))
	}
	checkSameJSON(t, "synth.pcap", rep)
}

func TestWriteJSONEscapesStringsAsEncodingJSON(t *testing.T) {
	zoned := netip.AddrPortFrom(netip.MustParseAddr("fe80::1%<eth&0>"), 443)
	rep := Report{
		Version:   Version,
		File:      "dir/<a&b>\"q\"\\\t\n\r\b\f\x01\x7f é\u2028\u2029\xff.pcap",
		Format:    "pcapng",
		LinkTypes: []string{"ethernet", "linux_sll2"},
		Warnings:  []string{"frame 3: truncated record at byte 10: unexpected EOF"},
		Streams: []session.StreamSummary{
			{Index: 0, Client: zoned, Server: netip.MustParseAddrPort("[2001:db8::1]:80"), RTT: -1, Duration: 5,
				Handshake: 200, Close: session.CloseRST, ClosedBy: session.ClosedByBoth,
				Start: time.Unix(0, 1_700_000_000_123_456_789).UTC()},
			{Index: 1, Client: netip.MustParseAddrPort("[::ffff:10.0.0.1]:1"), RTT: 0, Duration: -1},
		},
		UDPFlows: []session.UDPFlow{{A: netip.MustParseAddrPort("10.0.0.1:53"), Packets: 2}},
	}
	checkSameJSON(t, "escapes", rep)
	checkSameJSON(t, "nil slices", Report{})
}

// manyStreams is a report with enough streams for many blocks of the
// parallel stream encoder.
func manyStreams(n int) Report {
	rep := Report{Version: Version, File: "many.pcap", Format: "pcap", LinkTypes: []string{}, Warnings: []string{}, UDPFlows: []session.UDPFlow{}}
	for i := range n {
		rep.Streams = append(rep.Streams, session.StreamSummary{
			Index:    i,
			Client:   netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), uint16(i)),
			Server:   netip.MustParseAddrPort("10.0.0.1:80"),
			Packets:  uint64(i % 97),
			RTT:      session.Micros(i%5 - 1),
			Duration: session.Micros(i),
			Start:    time.Unix(0, int64(i)*1_000_123).UTC(),
		})
	}
	return rep
}

func TestWriteJSONMatchesEncodingJSONAcrossManyStreamBlocks(t *testing.T) {
	for _, n := range []int{jsonBlockStreams - 1, jsonBlockStreams, jsonBlockStreams + 1, 2*jsonBlockStreams + 1, 37*jsonBlockStreams + 5} {
		checkSameJSON(t, "many", manyStreams(n))
	}
}

// failingWriter fails once it has taken limit bytes.
type failingWriter struct{ n, limit int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > w.limit {
		return 0, errDiskFull
	}
	w.n += len(p)
	return len(p), nil
}

func TestWriteJSONReturnsTheWritersErrorMidStream(t *testing.T) {
	rep := manyStreams(20 * jsonBlockStreams)
	for _, limit := range []int{0, 100, jsonFlushAt + 10, 3 * jsonFlushAt} {
		if err := WriteJSON(&failingWriter{limit: limit}, rep); !errors.Is(err, errDiskFull) {
			t.Errorf("writer failing after %d bytes: WriteJSON returned %v, want %v", limit, err, errDiskFull)
		}
	}
}
