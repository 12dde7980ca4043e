package capture

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// frameCopy is what a reader handed out for one frame, copied.
type frameCopy struct {
	Data   []byte
	Offset int64
	TimeNS int64
	Link   string
}

func collect(t *testing.T, src Source) ([]frameCopy, error) {
	t.Helper()
	var out []frameCopy
	_, end := readAll(t, src, func(p *RawPacket) {
		out = append(out, frameCopy{append([]byte(nil), p.Data...), p.Offset, p.Info.Timestamp.UnixNano(), LinkTypeName(p.LinkType)})
	})
	return out, end
}

func sameFrames(t *testing.T, got, want []frameCopy) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d frames, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i].Data, want[i].Data) || got[i].Offset != want[i].Offset ||
			got[i].TimeNS != want[i].TimeNS || got[i].Link != want[i].Link {
			t.Fatalf("frame %d differs: got offset %d time %d link %s, want offset %d time %d link %s",
				i+1, got[i].Offset, got[i].TimeNS, got[i].Link, want[i].Offset, want[i].TimeNS, want[i].Link)
		}
	}
}

func openCorpus(t *testing.T, rel string) (Source, string) {
	t.Helper()
	path := filepath.Join(corpusDir(t), rel)
	src, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src, path
}

func TestGzipCompressedCaptureReadsLikeThePlainFile(t *testing.T) {
	for _, rel := range []string{"zeek/http_get.pcap", "PcapPlusPlus/pcapng-example.pcapng"} {
		t.Run(rel, func(t *testing.T) {
			plain, path := openCorpus(t, rel)
			want, end := collect(t, plain)
			if end != io.EOF {
				t.Fatal(end)
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			gzPath := filepath.Join(t.TempDir(), filepath.Base(rel)+".gz")
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(raw)
			zw.Close()
			if err := os.WriteFile(gzPath, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			src, err := OpenFile(gzPath)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			got, end := collect(t, src)
			if end != io.EOF {
				t.Fatal(end)
			}
			sameFrames(t, got, want)
			info := src.Info()
			if !info.Gzip || info.Size != int64(buf.Len()) {
				t.Errorf("info = %+v, want Gzip and Size %d", info, buf.Len())
			}
			if src.BytesRead() != info.Size {
				t.Errorf("BytesRead = %d at the end, want the compressed size %d", src.BytesRead(), info.Size)
			}
		})
	}
}

// trickleReader hands out at most n bytes per Read, like a slow pipe.
type trickleReader struct {
	r io.Reader
	n int
}

func (t trickleReader) Read(p []byte) (int, error) { return t.r.Read(p[:min(len(p), t.n)]) }

func TestStdinLikePipeFedSlowlyYieldsTheSameFrames(t *testing.T) {
	for _, rel := range []string{"tcpdump/ssh.pcap", "PcapPlusPlus/many_interfaces-1.pcapng"} {
		t.Run(rel, func(t *testing.T) {
			plain, path := openCorpus(t, rel)
			want, _ := collect(t, plain)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			pr, pw := io.Pipe()
			go func() {
				// Seven bytes per write: every record header arrives in pieces.
				_, err := io.Copy(pw, trickleReader{bytes.NewReader(raw), 7})
				pw.CloseWithError(err)
			}()
			src, err := OpenReader("-", pr, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			got, end := collect(t, src)
			if end != io.EOF {
				t.Fatal(end)
			}
			sameFrames(t, got, want)
			if src.Info().Size != -1 || src.Info().Name != "-" {
				t.Errorf("info = %+v, want name - and size -1", src.Info())
			}
		})
	}
}

func TestEmptyInputIsNotACapture(t *testing.T) {
	_, err := OpenReader("empty.pcap", bytes.NewReader(nil), 0)
	if !errors.Is(err, ErrNotCapture) || !strings.Contains(err.Error(), "empty file") {
		t.Fatalf("got %v, want ErrNotCapture saying empty file", err)
	}
}

func TestTextInputIsNotACaptureAndSaysWhatItStartsWith(t *testing.T) {
	_, err := OpenReader("notes.txt", strings.NewReader("hello, world\n"), 13)
	if !errors.Is(err, ErrNotCapture) {
		t.Fatalf("got %v, want ErrNotCapture", err)
	}
	for _, want := range []string{"notes.txt", "68 65 6c 6c", `"hello, w"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestMissingFileErrorNamesThePath(t *testing.T) {
	_, err := OpenFile(filepath.Join(t.TempDir(), "nope.pcap"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "nope.pcap") {
		t.Fatalf("got %v", err)
	}
}

func TestCaptureWithHeaderOnlyEndsAtOnce(t *testing.T) {
	src, _ := openCorpus(t, "zeek/empty.pcap")
	if _, err := src.Next(); err != io.EOF {
		t.Fatalf("got %v, want io.EOF", err)
	}
	if lt := src.Info().LinkTypes; len(lt) != 1 || lt[0] != "ethernet" {
		t.Errorf("link types %v, want [ethernet] from the header", lt)
	}
}

func TestPcapngWithManyInterfacesReportsEachPacketsLinkType(t *testing.T) {
	src, _ := openCorpus(t, "PcapPlusPlus/many_interfaces-1.pcapng")
	seen := map[string]int{}
	readAll(t, src, func(p *RawPacket) { seen[LinkTypeName(p.LinkType)]++ })
	if seen["ethernet"] == 0 || seen["null"] == 0 {
		t.Fatalf("link types per packet = %v, want both ethernet and null", seen)
	}
	got := src.Info().LinkTypes
	if len(got) != len(seen) {
		t.Errorf("SourceInfo.LinkTypes = %v, want the %d seen", got, len(seen))
	}
}

func TestDamageKeepsBeingReportedAfterTheFirstTime(t *testing.T) {
	src, _ := openCorpus(t, "derived/http_get-cut-short.pcap")
	_, first := readAll(t, src, nil)
	if _, again := src.Next(); again != first {
		t.Fatalf("after damage Next returned %v, want the same %v", again, first)
	}
	if got, want := first.Error(), "frame 10: truncated record at byte 5974: unexpected EOF"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestRecordOffsetsPointAtTheRecordHeaders(t *testing.T) {
	src, path := openCorpus(t, "tcpdump/pptp.pcap") // big-endian pcap
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, src, func(p *RawPacket) {
		// The record header is 16 bytes; the frame bytes follow it.
		at := p.Offset + pcapRecordLen
		if !bytes.Equal(raw[at:at+int64(len(p.Data))], p.Data) {
			t.Fatalf("frame %d: bytes at offset %d+16 are not the frame", p.Frame, p.Offset)
		}
	})
}

func TestPcapngOffsetsPointAtPacketBlocksInEverySection(t *testing.T) {
	// test202 has three sections of mixed byte order and blocks of many types.
	for _, rel := range []string{"gopacket/pcapgo_le_test202.pcapng", "PcapPlusPlus/many_interfaces-1.pcapng"} {
		src, path := openCorpus(t, rel)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		frames, _ := readAll(t, src, func(p *RawPacket) {
			blk := raw[p.Offset : p.Offset+4]
			le, be := binary.LittleEndian.Uint32(blk), binary.BigEndian.Uint32(blk)
			isPacket := func(typ uint32) bool {
				return typ == ngBlockEnhancedPacket || typ == ngBlockSimplePacket || typ == ngBlockPacketObsolete
			}
			if !isPacket(le) && !isPacket(be) || !bytes.Contains(raw[p.Offset:], p.Data) {
				t.Fatalf("%s frame %d: offset %d holds block % x, not a packet block with the frame", rel, p.Frame, p.Offset, blk)
			}
		})
		if frames == 0 || src.BytesRead() != src.Info().Size {
			t.Errorf("%s: %d frames; BytesRead %d at the end, size %d", rel, frames, src.BytesRead(), src.Info().Size)
		}
	}
}

// pcapOf builds a little-endian microsecond pcap of the given frames.
func pcapOf(frames ...[]byte) []byte {
	var buf bytes.Buffer
	hdr := make([]byte, pcapHeaderLen)
	binary.LittleEndian.PutUint32(hdr[0:], pcapMagicMicro)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 1<<24)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	buf.Write(hdr)
	for i, f := range frames {
		rec := make([]byte, pcapRecordLen)
		binary.LittleEndian.PutUint32(rec[0:], uint32(i))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(f)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(f)))
		buf.Write(rec)
		buf.Write(f)
	}
	return buf.Bytes()
}

func TestRecordsLargerThanTheReadBufferAreReadWhole(t *testing.T) {
	big := bytes.Repeat([]byte{0xab}, readBufferSize+12345)
	frames := [][]byte{[]byte("first"), big, []byte("last")}
	src, err := OpenReader("big.pcap", bytes.NewReader(pcapOf(frames...)), -1)
	if err != nil {
		t.Fatal(err)
	}
	got, end := collect(t, src)
	if end != io.EOF || len(got) != len(frames) {
		t.Fatalf("%d frames, end %v", len(got), end)
	}
	for i := range frames {
		if !bytes.Equal(got[i].Data, frames[i]) {
			t.Errorf("frame %d differs", i+1)
		}
	}
	if got[2].Offset != int64(pcapHeaderLen+2*pcapRecordLen+len("first")+len(big)) {
		t.Errorf("last frame at offset %d", got[2].Offset)
	}
}

func TestAbsurdRecordLengthIsDamageAtTheRecord(t *testing.T) {
	data := pcapOf([]byte("ok"), []byte("xx"))
	second := pcapHeaderLen + pcapRecordLen + 2
	binary.LittleEndian.PutUint32(data[second+8:], pcapMaxRecord+1)
	src, err := OpenReader("bad.pcap", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	n, end := readAll(t, src, nil)
	var de *DamageError
	if n != 1 || !errors.As(end, &de) || de.Frame != 2 || de.Offset != int64(second) {
		t.Fatalf("read %d frames, then %v; want damage at frame 2, byte %d", n, end, second)
	}
}
