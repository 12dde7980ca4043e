package capture

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// corpusDir is the shared capture corpus, ../shared/pcaps beside the repo.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "pcaps")
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST.tsv")); err != nil {
		t.Skipf("capture corpus not found at %s (expected ../shared/pcaps beside the repo): %v", dir, err)
	}
	return dir
}

// manifestRow is one capture of the corpus MANIFEST.tsv.
type manifestRow struct {
	Path    string
	Packets int
	Notes   string // hand-checked description with tshark's counts
}

func readManifest(t testing.TB) (string, []manifestRow) {
	t.Helper()
	dir := corpusDir(t)
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []manifestRow
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 0; sc.Scan(); line++ {
		cols := strings.Split(sc.Text(), "\t")
		if line == 0 {
			continue // header
		}
		if len(cols) < 6 {
			t.Fatalf("MANIFEST line %d has %d columns", line+1, len(cols))
		}
		n, err := strconv.Atoi(cols[5])
		if err != nil {
			t.Fatalf("MANIFEST line %d: packets %q: %v", line+1, cols[5], err)
		}
		rows = append(rows, manifestRow{Path: cols[0], Packets: n, Notes: cols[len(cols)-1]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("MANIFEST.tsv lists no capture")
	}
	return dir, rows
}

// readAll reads a source to its end, checking frame numbers and offsets.
func readAll(t *testing.T, src Source, visit func(p *RawPacket)) (frames int, end error) {
	t.Helper()
	var lastOffset int64 = -1
	for {
		p, err := src.Next()
		if err != nil {
			return frames, err
		}
		frames++
		if p.Frame != uint64(frames) {
			t.Fatalf("frame %d numbered %d", frames, p.Frame)
		}
		if p.Offset <= lastOffset {
			t.Fatalf("frame %d at offset %d, not after the previous frame's %d", frames, p.Offset, lastOffset)
		}
		if len(p.Data) != p.Info.CaptureLength {
			t.Fatalf("frame %d: %d bytes of data, capture length %d", frames, len(p.Data), p.Info.CaptureLength)
		}
		lastOffset = p.Offset
		if visit != nil {
			visit(&p)
		}
	}
}

func TestCorpusFileReadsEveryFrameOfTheManifest(t *testing.T) {
	dir, rows := readManifest(t)
	for _, row := range rows {
		t.Run(row.Path, func(t *testing.T) {
			path := filepath.Join(dir, row.Path)
			src, err := OpenFile(path)
			if strings.HasPrefix(row.Path, "libpcap/") {
				if err == nil {
					src.Close()
					t.Fatal("invalid capture opened without error")
				}
				if !errors.Is(err, ErrNotCapture) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), path) {
					t.Fatalf("want one line naming the file and wrapping ErrNotCapture, got %q", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			frames, end := readAll(t, src, nil)
			if frames != row.Packets {
				t.Errorf("read %d frames, MANIFEST says %d", frames, row.Packets)
			}
			if strings.HasPrefix(row.Path, "derived/") {
				var de *DamageError
				if !errors.As(end, &de) {
					t.Fatalf("cut-short file ended with %v, want a *DamageError", end)
				}
				st, _ := os.Stat(path)
				if de.Frame != uint64(row.Packets+1) || de.Offset != st.Size() || !errors.Is(end, io.ErrUnexpectedEOF) {
					t.Errorf("damage = %+v, want frame %d at byte %d (the end of the file), unexpected EOF", de, row.Packets+1, st.Size())
				}
				return
			}
			if end != io.EOF {
				t.Errorf("ended with %v, want io.EOF", end)
			}
			if len(src.Info().LinkTypes) == 0 && row.Packets > 0 {
				t.Error("SourceInfo.LinkTypes is empty")
			}
		})
	}
}

// tsharkStreams is tshark-streams.json: per capture, tshark's TCP streams.
type tsharkStreams map[string]struct {
	Streams []struct {
		Packets int `json:"packets"`
	} `json:"streams"`
}

func TestCorpusTCPSegmentCountAgreesWithTshark(t *testing.T) {
	dir, rows := readManifest(t)
	raw, err := os.ReadFile(filepath.Join(dir, "tshark-streams.json"))
	if err != nil {
		t.Skipf("tshark-streams.json missing: %v", err)
	}
	var ts tsharkStreams
	if err := json.Unmarshal(raw, &ts); err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if strings.HasPrefix(row.Path, "libpcap/") {
			continue
		}
		t.Run(row.Path, func(t *testing.T) {
			want := 0
			for _, s := range ts[row.Path].Streams {
				want += s.Packets
			}
			src, err := OpenFile(filepath.Join(dir, row.Path))
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			d := NewDecoder()
			var seg Segment
			got := 0
			readAll(t, src, func(p *RawPacket) {
				if d.Decode(p, &seg).OK && seg.Proto == ProtoTCP {
					got++
				}
			})
			if got != want {
				t.Errorf("decoded %d TCP segments, tshark's streams hold %d", got, want)
			}
		})
	}
}

// tsharkCount reads "NAME=N" from the "tshark counts:" part of the notes.
func tsharkCount(t *testing.T, notes, name string) int {
	t.Helper()
	_, counts, ok := strings.Cut(notes, "tshark counts:")
	if !ok {
		t.Fatalf("notes have no tshark counts: %q", notes)
	}
	for _, f := range strings.Fields(counts) {
		if k, v, ok := strings.Cut(strings.TrimRight(f, ".,"), "="); ok && k == name {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("count %q: %v", f, err)
			}
			return n
		}
	}
	t.Fatalf("notes have no %s count: %q", name, counts)
	return 0
}

func TestCorpusFlagAndDataCountsAgreeWithTshark(t *testing.T) {
	dir, rows := readManifest(t)
	for _, row := range rows {
		if strings.HasPrefix(row.Path, "libpcap/") {
			continue
		}
		t.Run(row.Path, func(t *testing.T) {
			src, err := OpenFile(filepath.Join(dir, row.Path))
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			d := NewDecoder()
			got := map[string]int{}
			var s Segment
			readAll(t, src, func(p *RawPacket) {
				if !d.Decode(p, &s).OK {
					return
				}
				if s.Proto == ProtoUDP {
					// The corpus's udp53 count is of queries (destination port 53):
					// every file has exactly as many answers.
					if s.DstPort == 53 {
						got["udp53"]++
					}
					return
				}
				switch {
				case s.Flags.Has(SYN | ACK):
					got["SYN-ACK"]++
				case s.Flags.Has(SYN):
					got["SYN"]++
				}
				if s.Flags.Has(FIN) {
					got["FIN"]++
				}
				if s.Flags.Has(RST) {
					got["RST"]++
				}
				if s.PayloadLen > 0 {
					got["data"]++
				}
				if s.Src.Is6() {
					got["ipv6-tcp"]++
				}
			})
			for _, name := range []string{"SYN", "SYN-ACK", "FIN", "RST", "data", "ipv6-tcp", "udp53"} {
				if want := tsharkCount(t, row.Notes, name); got[name] != want {
					t.Errorf("%s: decoded %d, tshark counted %d", name, got[name], want)
				}
			}
		})
	}
}
