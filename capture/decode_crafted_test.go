package capture

import (
	"bytes"
	"encoding/binary"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// craftedFrame is one frame of a capture a test builds.
type craftedFrame struct {
	data    []byte
	wireLen int // 0: len(data)
}

// writeCrafted writes frames as a pcapng file of link type lt (one
// millisecond apart) and returns its path. With HANDSHAKE_VIZ_CRAFTED_DIR
// set, a copy goes there too, to open in Wireshark.
func writeCrafted(t testing.TB, lt layers.LinkType, frames []craftedFrame) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewPcapngWriter(&buf, lt)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, f := range frames {
		p := RawPacket{Data: f.data, LinkType: lt, Frame: uint64(i + 1)}
		p.Info.Timestamp = start.Add(time.Duration(i) * time.Millisecond)
		p.Info.Length = max(f.wireLen, len(f.data))
		if err := w.Write(&p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), strings.ReplaceAll(t.Name(), "/", "_")+".pcapng")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("HANDSHAKE_VIZ_CRAFTED_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(path)), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// decoded is what Decode made of one frame of a crafted capture.
type decoded struct {
	res DecodeResult
	seg Segment
}

// decodeFile decodes every frame of a capture file with one Decoder.
func decodeFile(t *testing.T, path string) []decoded {
	t.Helper()
	src, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	d := NewDecoder()
	var out []decoded
	readAll(t, src, func(p *RawPacket) {
		var x decoded
		x.res = d.Decode(p, &x.seg)
		out = append(out, x)
	})
	return out
}

// tsharkFields runs tshark over a capture and returns, per frame, the
// values of the fields asked for (tshark's -T fields). It skips the test
// when tshark is not installed.
func tsharkFields(t *testing.T, path string, fields ...string) [][]string {
	t.Helper()
	bin, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark is not installed: the comparison with Wireshark's dissectors is skipped")
	}
	args := []string{"-n", "-o", "tcp.analyze_sequence_numbers:FALSE", "-r", path, "-T", "fields", "-E", "separator=|", "-E", "occurrence=l"}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("tshark %v: %v", args, err)
	}
	var rows [][]string
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		rows = append(rows, strings.Split(line, "|"))
	}
	return rows
}

// Addresses and ports of the crafted frames.
var (
	macA, macB   = net.HardwareAddr{2, 0, 0, 0, 0, 1}, net.HardwareAddr{2, 0, 0, 0, 0, 2}
	outerA       = net.IPv4(192, 0, 2, 1)
	outerB       = net.IPv4(192, 0, 2, 2)
	innerA       = net.IPv4(10, 1, 0, 2)
	innerB       = net.IPv4(10, 1, 0, 1)
	inner6A      = net.ParseIP("fd00::2")
	inner6B      = net.ParseIP("fd00::1")
	craftPayload = gopacket.Payload("hello, world")
)

func ethernet(t layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: t}
}

func ipv4(src, dst net.IP, proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Id: 0x1234, Protocol: proto, SrcIP: src, DstIP: dst}
}

// tcpTo is a PSH,ACK segment from port 40000 to 8888 over ip.
func tcpTo(ip gopacket.NetworkLayer) *layers.TCP {
	tcp := &layers.TCP{SrcPort: 40000, DstPort: 8888, Seq: 1000, Ack: 2000, ACK: true, PSH: true, Window: 512}
	tcp.SetNetworkLayerForChecksum(ip)
	return tcp
}

// ethTCP4 is an Ethernet/IPv4/TCP frame carrying craftPayload (12 bytes):
// 14 + 20 + 20 + 12 = 66 bytes.
func ethTCP4(t testing.TB) []byte {
	ip := ipv4(innerA, innerB, layers.IPProtocolTCP)
	return serialize(t, ethernet(layers.EthernetTypeIPv4), ip, tcpTo(ip), craftPayload)
}

// ethTCP6 is the same over IPv6: 14 + 40 + 20 + 12 = 86 bytes.
func ethTCP6(t testing.TB) []byte {
	ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: inner6A, DstIP: inner6B}
	return serialize(t, ethernet(layers.EthernetTypeIPv6), ip, tcpTo(ip), craftPayload)
}

// edited returns a copy of b changed by f.
func edited(b []byte, f func(b []byte)) []byte {
	c := append([]byte(nil), b...)
	f(c)
	return c
}

const (
	offIPv4Len    = ethernetHeaderLen + 2
	offIPv6Len    = ethernetHeaderLen + 4
	offTCP4Offset = ethernetHeaderLen + ipv4MinHeaderLen + 12
)

func put16(b []byte, off int, v uint16) { binary.BigEndian.PutUint16(b[off:], v) }

// addCraftedSeeds adds the crafted frames of the malformed, fragment and
// tunnel tests to a fuzzer's corpus (as Ethernet frames).
func addCraftedSeeds(f *testing.F) {
	for _, c := range malformedCases(f) {
		f.Add(c.frame.data, uint16(layers.LinkTypeEthernet))
	}
	tcp := tcpBytes(f, false, bigPayload)
	for _, b := range fragments4(f, 1, layers.IPProtocolTCP, tcp, pieces(len(tcp), 1000)) {
		f.Add(b, uint16(layers.LinkTypeEthernet))
	}
	tcp6 := tcpBytes(f, true, bigPayload)
	for _, b := range fragments6(f, 1, layers.IPProtocolTCP, tcp6, pieces(len(tcp6), 1000)) {
		f.Add(b, uint16(layers.LinkTypeEthernet))
	}
	for _, b := range tunnelCases(f) {
		f.Add(b, uint16(layers.LinkTypeEthernet))
	}
}
