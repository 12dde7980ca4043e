package capture

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// writeAll copies a corpus capture into a new pcapng file and returns the
// frames it read and the path written.
func writeAll(t *testing.T, rel string) ([]frameCopy, string) {
	t.Helper()
	src, _ := openCorpus(t, rel)
	out := filepath.Join(t.TempDir(), "out.pcapng")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var frames []frameCopy
	var w *Writer
	_, end := readAll(t, src, func(p *RawPacket) {
		if w == nil {
			if w, err = NewPcapngWriter(f, p.LinkType); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Write(p); err != nil {
			t.Fatal(err)
		}
		frames = append(frames, frameCopy{Data: append([]byte(nil), p.Data...), TimeNS: p.Info.Timestamp.UnixNano(), Link: LinkTypeName(p.LinkType)})
	})
	if end != io.EOF {
		t.Fatal(end)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return frames, out
}

func TestPcapngWriterRoundTripKeepsBytesTimesAndLinkTypes(t *testing.T) {
	// The second capture mixes Ethernet and Null interfaces.
	for _, rel := range []string{"tcpdump/ssh.pcap", "PcapPlusPlus/many_interfaces-1.pcapng", "zeek/tcp_retransmit-fast009.pcap"} {
		t.Run(rel, func(t *testing.T) {
			want, out := writeAll(t, rel)
			src, err := OpenFile(out)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if src.Info().Format != "pcapng" {
				t.Errorf("format %q", src.Info().Format)
			}
			var got []frameCopy
			readAll(t, src, func(p *RawPacket) {
				got = append(got, frameCopy{Data: append([]byte(nil), p.Data...), TimeNS: p.Info.Timestamp.UnixNano(), Link: LinkTypeName(p.LinkType)})
			})
			if len(got) != len(want) {
				t.Fatalf("read back %d frames, wrote %d", len(got), len(want))
			}
			for i := range want {
				if !bytes.Equal(got[i].Data, want[i].Data) || got[i].TimeNS != want[i].TimeNS || got[i].Link != want[i].Link {
					t.Fatalf("frame %d differs after the round trip", i+1)
				}
			}
		})
	}
}

func TestTsharkOpensWhatTheWriterWrote(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed: the round trip test covers our own reader only")
	}
	want, out := writeAll(t, "PcapPlusPlus/many_interfaces-1.pcapng")
	cmd := exec.Command(tshark, "-n", "-r", out, "-T", "fields", "-e", "frame.cap_len")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir()) // no user profile
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	lines := strings.Fields(string(res))
	if len(lines) != len(want) {
		t.Fatalf("tshark read %d frames, we wrote %d", len(lines), len(want))
	}
	for i, l := range lines {
		if l != strconv.Itoa(len(want[i].Data)) {
			t.Fatalf("frame %d: tshark sees %s bytes, we wrote %d", i+1, l, len(want[i].Data))
		}
	}
}
