package capture

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// addCorpusSeeds adds a few frames of each link type from the shared corpus.
func addCorpusSeeds(f *testing.F) {
	dir := filepath.Join("..", "..", "shared", "pcaps")
	for _, rel := range []string{
		"tcpdump/dns_tcp.pcap", "zeek/vlan-qinqinq.pcap", "zeek/mixed-vlan-mpls.pcap",
		"PcapPlusPlus/one_http_stream_rst.pcap", "tcpdump/tcp-handshake-nano.pcap",
		"zeek/tls_openjdk-25.0.2-zeek.org.pcap", "zeek/redis_pipelining-example.pcap",
		"PcapPlusPlus/raw_ip.pcap", "zeek/tcp-syslog.pcap", "zeek/tcp_truncated-header.pcap",
		"zeek/ftp_ipv6.pcap",
	} {
		src, err := OpenFile(filepath.Join(dir, rel))
		if err != nil {
			continue // corpus absent: the seeds below still run
		}
		for i := 0; i < 3; i++ {
			p, err := src.Next()
			if err != nil {
				break
			}
			f.Add(append([]byte(nil), p.Data...), uint16(p.LinkType))
		}
		src.Close()
	}
	f.Add([]byte{}, uint16(layers.LinkTypeEthernet))
	f.Add([]byte{0x60, 0, 0, 0, 0, 0, 0, 0x40}, uint16(layers.LinkTypeRaw))
	f.Add([]byte{0x45}, uint16(layers.LinkTypeIPv4))
}

func FuzzDecode(f *testing.F) {
	addCorpusSeeds(f)
	addCraftedSeeds(f)
	d := NewDecoder()
	f.Fuzz(func(t *testing.T, data []byte, lt uint16) {
		p := RawPacket{Data: data, LinkType: layers.LinkType(lt), Frame: 1}
		p.Info.CaptureLength, p.Info.Length = len(data), len(data)
		var s Segment
		res := d.Decode(&p, &s)
		// A malformed header yields no segment; only a tunnel's outer UDP
		// datagram may stand when the packet inside it is malformed.
		if w := res.Warning; w.Kind != WarnNone && (w.Frame != 1 || (res.OK && w.Malformed() && s.Proto != ProtoUDP) || w.String() == "") {
			t.Fatalf("warning %+v with result %+v", w, res)
		}
		if res.OK {
			if s.Proto == ProtoUnknown || s.CapLen != uint32(len(data)) || !s.Src.IsValid() || !s.Dst.IsValid() {
				t.Fatalf("decoded an inconsistent segment: %+v", s)
			}
			if s.Proto == ProtoTCP && s.Options.WindowScale > tcpMaxWindowScale {
				t.Fatalf("window scale %d", s.Options.WindowScale)
			}
		}
		pos := 0
		for _, l := range Detail(data, layers.LinkType(lt)) {
			if l.Start != pos || l.End < l.Start || l.End > len(data) {
				t.Fatalf("layer %q [%d,%d) does not continue at %d of %d bytes", l.Name, l.Start, l.End, pos, len(data))
			}
			pos = l.End
		}
	})
}

// FuzzOpenReader feeds arbitrary bytes to the file readers: they must end
// with io.EOF, a DamageError or an open error, never panic.
func FuzzOpenReader(f *testing.F) {
	for _, rel := range []string{"tcpdump/dns_tcp.pcap", "gopacket/pcapgo_le_test202.pcapng", "tcpdump/pptp.pcap"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "shared", "pcaps", rel)); err == nil {
			f.Add(b[:min(len(b), 2048)])
		}
	}
	f.Add([]byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := OpenReader("fuzz", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		defer src.Close()
		for i := 0; i < 10000; i++ {
			if _, err := src.Next(); err != nil {
				return
			}
		}
	})
}
