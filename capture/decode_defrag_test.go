package capture

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// bigPayload is a TCP payload that needs fragments at an MTU of 1000.
var bigPayload = gopacket.Payload(bytes.Repeat([]byte("0123456789abcdef"), 125)) // 2000 bytes

// fragmentPiece is one fragment to cut from a datagram: the byte range of
// the IP payload and whether more follow.
type fragmentPiece struct {
	start, end int
	more       bool
}

// pieces cuts n bytes into fragments of size bytes (a multiple of 8).
func pieces(n, size int) []fragmentPiece {
	var out []fragmentPiece
	for s := 0; s < n; s += size {
		out = append(out, fragmentPiece{s, min(s+size, n), s+size < n})
	}
	return out
}

// fragments4 cuts an IPv4 datagram carrying transport (the serialized
// layers after the IP header) into Ethernet frames, one per piece.
func fragments4(t testing.TB, id uint16, proto layers.IPProtocol, transport []byte, ps []fragmentPiece) [][]byte {
	var out [][]byte
	for _, p := range ps {
		ip := ipv4(innerA, innerB, proto)
		ip.Id, ip.FragOffset = id, uint16(p.start/8)
		if p.more {
			ip.Flags = layers.IPv4MoreFragments
		}
		out = append(out, serialize(t, ethernet(layers.EthernetTypeIPv4), ip, gopacket.Payload(transport[p.start:p.end])))
	}
	return out
}

// fragments6 is fragments4 for IPv6, with a fragment header.
func fragments6(t testing.TB, id uint32, proto layers.IPProtocol, transport []byte, ps []fragmentPiece) [][]byte {
	var out [][]byte
	for _, p := range ps {
		ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolIPv6Fragment, SrcIP: inner6A, DstIP: inner6B}
		fh := &layers.IPv6Fragment{NextHeader: proto, FragmentOffset: uint16(p.start / 8), MoreFragments: p.more, Identification: id}
		out = append(out, serialize(t, ethernet(layers.EthernetTypeIPv6), ip, fh, gopacket.Payload(transport[p.start:p.end])))
	}
	return out
}

// tcpBytes4 is the TCP header and payload of a segment over IPv4 (or
// IPv6), checksummed.
func tcpBytes(t testing.TB, v6 bool, payload gopacket.Payload) []byte {
	if v6 {
		ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: inner6A, DstIP: inner6B}
		return serialize(t, ip, tcpTo(ip), payload)[ipv6HeaderLen:]
	}
	ip := ipv4(innerA, innerB, layers.IPProtocolTCP)
	return serialize(t, ip, tcpTo(ip), payload)[ipv4MinHeaderLen:]
}

func frames(bs ...[]byte) []craftedFrame {
	out := make([]craftedFrame, len(bs))
	for i, b := range bs {
		out[i] = craftedFrame{data: b}
	}
	return out
}

// checkOnlySegment checks that only frame `at` (1-based) of got yields a
// segment, the reassembled one: TCP 40000 -> 8888 with 2000 payload bytes.
func checkOnlySegment(t *testing.T, got []decoded, at int, payload uint32) {
	t.Helper()
	for i, g := range got {
		if i+1 != at {
			if g.res.OK || !g.res.Held || g.res.Warning.Kind != WarnNone {
				t.Errorf("frame %d: %+v, want held with no segment", i+1, g.res)
			}
			continue
		}
		s := g.seg
		if !g.res.OK || s.Proto != ProtoTCP || s.SrcPort != 40000 || s.DstPort != 8888 || s.Seq != 1000 || s.PayloadLen != payload || s.Frame != uint64(at) || s.Truncated {
			t.Errorf("frame %d: %+v %+v, want the reassembled segment of %d payload bytes", at, g.res, s, payload)
		}
	}
}

func TestIPv4FragmentsAreReassembledIntoOneSegmentAtTheLastFragment(t *testing.T) {
	tcp := tcpBytes(t, false, bigPayload) // 2020 bytes
	fs := fragments4(t, 0x4242, layers.IPProtocolTCP, tcp, pieces(len(tcp), 1000))
	path := writeCrafted(t, layers.LinkTypeEthernet, frames(fs...))
	got := decodeFile(t, path)
	checkOnlySegment(t, got, 3, 2000)

	// tshark (ip.defragment on by default) shows the TCP segment on the
	// frame that completes the datagram, with the same length.
	rows := tsharkFields(t, path, "tcp.len", "ip.reassembled_in")
	for i, row := range rows {
		want := ""
		if got[i].res.OK {
			want = strconv.Itoa(int(got[i].seg.PayloadLen))
		}
		if row[0] != want {
			t.Errorf("frame %d: tshark tcp.len %q (reassembled in %q), ours %q", i+1, row[0], row[1], want)
		}
	}
}

func TestIPv4FragmentsOutOfOrderAndRepeatedStillReassemble(t *testing.T) {
	tcp := tcpBytes(t, false, bigPayload)
	fs := fragments4(t, 7, layers.IPProtocolTCP, tcp, pieces(len(tcp), 504))
	// Last first, then a repeat of it, then the rest backwards.
	order := [][]byte{fs[4], fs[4], fs[3], fs[2], fs[1], fs[0]}
	got := decodeFile(t, writeCrafted(t, layers.LinkTypeEthernet, frames(order...)))
	checkOnlySegment(t, got, len(order), 2000)
}

func TestOverlappingIPv4FragmentsDropTheDatagramWithAWarning(t *testing.T) {
	tcp := tcpBytes(t, false, bigPayload)
	fs := fragments4(t, 9, layers.IPProtocolTCP, tcp, []fragmentPiece{{0, 1000, true}, {992, 2000, true}, {2000, len(tcp), false}})
	got := decodeFile(t, writeCrafted(t, layers.LinkTypeEthernet, frames(fs...)))
	if w := got[1].res.Warning; w.Kind != WarnFragmentOverlap || w.Frame != 2 || !w.Malformed() {
		t.Errorf("frame 2: warning %+v (%s), want an overlap at frame 2", w, w)
	}
	for i, g := range got {
		if g.res.OK {
			t.Errorf("frame %d: a segment from a datagram whose fragments overlap: %+v", i+1, g.seg)
		}
	}
}

func TestIPv6FragmentsAreReassembled(t *testing.T) {
	tcp := tcpBytes(t, true, bigPayload)
	fs := fragments6(t, 0xdeadbeef, layers.IPProtocolTCP, tcp, pieces(len(tcp), 800))
	order := [][]byte{fs[1], fs[0], fs[2]}
	path := writeCrafted(t, layers.LinkTypeEthernet, frames(order...))
	got := decodeFile(t, path)
	checkOnlySegment(t, got, 3, 2000)
	if s := got[2].seg; !s.Src.Is6() || s.Src.String() != "fd00::2" {
		t.Errorf("reassembled segment from %v, want fd00::2", s.Src)
	}
	rows := tsharkFields(t, path, "tcp.len")
	if rows[2][0] != "2000" {
		t.Errorf("tshark reads tcp.len %q on frame 3, we read 2000", rows[2][0])
	}
}

func TestFragmentedUDPDatagramIsReassembled(t *testing.T) {
	ip := ipv4(innerA, innerB, layers.IPProtocolUDP)
	udp := &layers.UDP{SrcPort: 5353, DstPort: 53}
	udp.SetNetworkLayerForChecksum(ip)
	transport := serialize(t, ip, udp, bigPayload)[ipv4MinHeaderLen:]
	fs := fragments4(t, 11, layers.IPProtocolUDP, transport, pieces(len(transport), 1480))
	got := decodeFile(t, writeCrafted(t, layers.LinkTypeEthernet, frames(fs...)))
	if g := got[1]; !g.res.OK || g.seg.Proto != ProtoUDP || g.seg.PayloadLen != 2000 || g.seg.DstPort != 53 {
		t.Errorf("frame 2: %+v %+v, want the UDP datagram of 2000 bytes", g.res, g.seg)
	}
	if got[0].res.OK {
		t.Error("the first fragment alone made a datagram")
	}
}

func TestFragmentsCopyTheirBytesOutOfTheFrameBuffer(t *testing.T) {
	tcp := tcpBytes(t, false, bigPayload)
	fs := fragments4(t, 3, layers.IPProtocolTCP, tcp, pieces(len(tcp), 1000))
	d := NewDecoder()
	buf := make([]byte, 2048) // one buffer for every frame, as a Source may reuse it
	var s Segment
	var res DecodeResult
	for i, f := range fs {
		p := RawPacket{Data: buf[:copy(buf, f)], LinkType: layers.LinkTypeEthernet, Frame: uint64(i + 1)}
		res = d.Decode(&p, &s)
		clear(buf)
	}
	if !res.OK || s.SrcPort != 40000 || s.PayloadLen != 2000 {
		t.Fatalf("reassembled over a reused buffer: %+v %+v", res, s)
	}
}

func TestPendingFragmentsAreBoundedInNumberAndAge(t *testing.T) {
	tcp := tcpBytes(t, false, bigPayload)
	d := NewDecoder()
	var s Segment
	dropped := 0
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	// Many first fragments that never complete.
	for i := range 3 * maxPendingDatagrams {
		f := fragments4(t, uint16(i), layers.IPProtocolTCP, tcp, []fragmentPiece{{0, 1000, true}})[0]
		p := RawPacket{Data: f, LinkType: layers.LinkTypeEthernet, Frame: uint64(i + 1)}
		p.Info.Timestamp = base.Add(time.Duration(i) * time.Microsecond)
		if res := d.Decode(&p, &s); res.Warning.Kind == WarnFragmentsDropped {
			dropped++
		}
		if n := len(d.frags.pending); n > maxPendingDatagrams {
			t.Fatalf("frame %d: %d datagrams pending, more than %d", i+1, n, maxPendingDatagrams)
		}
	}
	if dropped != 2*maxPendingDatagrams {
		t.Errorf("%d datagrams dropped with a warning, want %d", dropped, 2*maxPendingDatagrams)
	}

	// The two halves of a datagram 31 s apart in capture time: the first
	// has expired (Linux's ipfrag_time is 30 s) and no segment is made.
	fs := fragments4(t, 0x7777, layers.IPProtocolTCP, tcp, pieces(len(tcp), 1016))
	for i, f := range fs {
		p := RawPacket{Data: f, LinkType: layers.LinkTypeEthernet, Frame: uint64(i + 1)}
		p.Info.Timestamp = base.Add(time.Hour + time.Duration(i)*31*time.Second)
		if res := d.Decode(&p, &s); res.OK {
			t.Errorf("fragment %d completed a datagram whose first fragment expired", i+1)
		}
	}
}

func TestFastPathHandsFragmentsToReassembly(t *testing.T) {
	tcp := tcpBytes(t, false, bigPayload)
	for _, f := range fragments4(t, 5, layers.IPProtocolTCP, tcp, pieces(len(tcp), 1000)) {
		p := RawPacket{Data: f, LinkType: layers.LinkTypeEthernet}
		var s Segment
		if _, done := decodeEthernetIPv4(&p, &s); done {
			t.Errorf("the fast path took a fragment (flags/offset % x)", f[20:22])
		}
	}
}

func TestSnapLengthCutFragmentsReassembleAsATruncatedSegment(t *testing.T) {
	tcp := tcpBytes(t, false, bigPayload)
	var cut []craftedFrame
	for _, f := range fragments4(t, 21, layers.IPProtocolTCP, tcp, pieces(len(tcp), 1000)) {
		cut = append(cut, craftedFrame{data: f[:min(len(f), 96)], wireLen: len(f)})
	}
	got := decodeFile(t, writeCrafted(t, layers.LinkTypeEthernet, cut))
	g := got[len(got)-1]
	if !g.res.OK || g.seg.PayloadLen != 2000 || !g.seg.Truncated || g.seg.SrcPort != 40000 {
		t.Errorf("last fragment: %+v %+v, want the 2000-byte segment, truncated", g.res, g.seg)
	}
}
