package capture

import (
	"bytes"
	"encoding/binary"
	"io"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// benchFrames reads the frames of a corpus capture into memory.
func benchFrames(b *testing.B, rel string) []RawPacket {
	b.Helper()
	path := filepath.Join(corpusDir(b), rel)
	src, err := OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	var out []RawPacket
	for {
		p, err := src.Next()
		if err != nil {
			break
		}
		p.Data = append([]byte(nil), p.Data...)
		out = append(out, p)
	}
	return out
}

func BenchmarkDecode(b *testing.B) {
	frames := benchFrames(b, "tcpdump/dns_tcp.pcap")
	p := frames[3] // Ethernet/IPv4/TCP with 58 bytes of payload
	d := NewDecoder()
	var s Segment
	b.ReportAllocs()
	for b.Loop() {
		if !d.Decode(&p, &s).OK {
			b.Fatal("not decoded")
		}
	}
}

func BenchmarkDecodeSYNWithOptions(b *testing.B) {
	frames := benchFrames(b, "tcpdump/dns_tcp.pcap")
	p := frames[0]
	d := NewDecoder()
	var s Segment
	b.ReportAllocs()
	for b.Loop() {
		d.Decode(&p, &s)
	}
}

// BenchmarkGopacketDecodingLayerParserTCP is the reference: gopacket's own
// Ethernet/IPv4/TCP DecodingLayers over the same frame.
func BenchmarkGopacketDecodingLayerParserTCP(b *testing.B) {
	frames := benchFrames(b, "tcpdump/dns_tcp.pcap")
	data := frames[3].Data
	var eth layers.Ethernet
	var ip4 layers.IPv4
	var tcp layers.TCP
	var pl gopacket.Payload
	p := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &ip4, &tcp, &pl)
	decoded := make([]gopacket.LayerType, 0, 8)
	b.ReportAllocs()
	for b.Loop() {
		p.DecodeLayers(data, &decoded)
	}
}

// bigPcap builds an in-memory pcap of about n frames by repeating the
// frames of corpus captures.
func bigPcap(b *testing.B, n int) []byte {
	b.Helper()
	var frames []RawPacket
	for _, rel := range []string{"zeek/http_get.pcap", "tcpdump/ssh.pcap", "zeek/ftp_bruteforce.pcap"} {
		frames = append(frames, benchFrames(b, rel)...)
	}
	var buf bytes.Buffer
	hdr := make([]byte, pcapHeaderLen)
	binary.LittleEndian.PutUint32(hdr[0:], pcapMagicMicro)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535)
	binary.LittleEndian.PutUint32(hdr[20:], uint32(layers.LinkTypeEthernet))
	buf.Write(hdr)
	rec := make([]byte, pcapRecordLen)
	for i := 0; i < n; i++ {
		f := frames[i%len(frames)]
		binary.LittleEndian.PutUint32(rec[0:], uint32(1_700_000_000+i/1000))
		binary.LittleEndian.PutUint32(rec[4:], uint32(i%1000*1000))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(f.Data)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(f.Info.Length))
		buf.Write(rec)
		buf.Write(f.Data)
	}
	return buf.Bytes()
}

const benchFramesPerFile = 100_000

// BenchmarkReadPcap reads ~100k frames from memory; ns/frame is the cost of
// reading one record.
func BenchmarkReadPcap(b *testing.B) {
	data := bigPcap(b, benchFramesPerFile)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		src, err := OpenReader("bench.pcap", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			if _, err := src.Next(); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
			n++
		}
		if n != benchFramesPerFile {
			b.Fatalf("read %d frames", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchFramesPerFile), "ns/frame")
}

// BenchmarkReadAndDecodePcap is reading plus decoding, the capture part of
// the analyze pipeline.
func BenchmarkReadAndDecodePcap(b *testing.B) {
	data := bigPcap(b, benchFramesPerFile)
	d := NewDecoder()
	var s Segment
	b.ReportAllocs()
	for b.Loop() {
		src, err := OpenReader("bench.pcap", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		tcp := 0
		for {
			p, err := src.Next()
			if err != nil {
				break
			}
			if d.Decode(&p, &s).OK {
				tcp++
			}
		}
		if tcp == 0 {
			b.Fatal("nothing decoded")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchFramesPerFile), "ns/frame")
}

// BenchmarkReadPcapng reads the same frames written as pcapng (pcapgo).
func BenchmarkReadPcapng(b *testing.B) {
	plain := bigPcap(b, benchFramesPerFile)
	src, _ := OpenReader("bench.pcap", bytes.NewReader(plain), -1)
	var ng bytes.Buffer
	w, err := NewPcapngWriter(&ng, layers.LinkTypeEthernet)
	if err != nil {
		b.Fatal(err)
	}
	for {
		p, err := src.Next()
		if err != nil {
			break
		}
		w.Write(&p)
	}
	w.Flush()
	data := ng.Bytes()
	b.ReportAllocs()
	for b.Loop() {
		src, err := OpenReader("bench.pcapng", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := src.Next(); err != nil {
				break
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchFramesPerFile), "ns/frame")
}
