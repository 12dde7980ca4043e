package capture

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture/synth"
)

// BenchmarkReadAndDecodeSynthFile reads and decodes the README's capture A
// (synthcap -connections 60000: 1,140,000 packets, 188 MB) from a file, as
// analyze's reading goroutine does: the file's pages are in the page cache
// after the first pass, so ns/pkt is the cost of read(2), the record
// headers and the decoding, without the disk.
func BenchmarkReadAndDecodeSynthFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "A.pcap")
	packets, err := synth.WriteFile(path, synth.Config{Connections: 60_000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	d := NewDecoder()
	var (
		p RawPacket
		s Segment
	)
	b.ResetTimer()
	for b.Loop() {
		src, err := OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		pr := src.(PacketReader)
		n := 0
		for {
			if err := pr.ReadPacket(&p); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
			if d.Decode(&p, &s).OK {
				n++
			}
		}
		src.Close()
		if n != packets {
			b.Fatalf("decoded %d of %d packets", n, packets)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*packets), "ns/pkt")
}
