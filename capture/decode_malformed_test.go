package capture

import (
	"encoding/binary"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// malformedCase is one crafted frame and what Decode must make of it.
type malformedCase struct {
	name    string
	frame   craftedFrame
	ok      bool // a Segment
	payload uint32
	trunc   bool
	warn    WarningKind
}

func malformedCases(t testing.TB) []malformedCase {
	good4, good6 := ethTCP4(t), ethTCP6(t)
	return []malformedCase{
		{name: "sound", frame: craftedFrame{data: good4}, ok: true, payload: 12},
		// The frame: 66 bytes whose IPv4 header announces 29,474.
		{name: "IPv4 total length past the frame", frame: craftedFrame{data: edited(good4, func(b []byte) { put16(b, offIPv4Len, 29474) })},
			ok: true, payload: 12, warn: WarnIPv4LengthPastFrame},
		// A snap length of 54 bytes: the wire had all of it; trust the IP length.
		{name: "snap length cut", frame: craftedFrame{data: good4[:54], wireLen: len(good4)}, ok: true, payload: 12, trunc: true},
		// Cut by the snap length and lying: only the bytes on the wire count.
		{name: "snap length cut and total length past the wire", frame: craftedFrame{data: edited(good4, func(b []byte) { put16(b, offIPv4Len, 1500) })[:54], wireLen: len(good4)},
			ok: true, payload: 12, trunc: true, warn: WarnIPv4LengthPastFrame},
		// Total length 0: written by the NIC after capture (TSO); the
		// frame is the datagram, as tshark presumes.
		{name: "IPv4 total length 0", frame: craftedFrame{data: edited(good4, func(b []byte) { put16(b, offIPv4Len, 0) })}, ok: true, payload: 12},
		{name: "IPv4 version 2", frame: craftedFrame{data: edited(good4, func(b []byte) { b[ethernetHeaderLen] = 0x25 })}, warn: WarnIPVersion},
		{name: "IPv4 header length 16", frame: craftedFrame{data: edited(good4, func(b []byte) { b[ethernetHeaderLen] = 0x44 })}, warn: WarnIPv4HeaderLength},
		{name: "IPv4 total length under its header", frame: craftedFrame{data: edited(good4, func(b []byte) { put16(b, offIPv4Len, 16) })}, warn: WarnIPv4TotalLengthShort},
		{name: "IPv4 total length under the TCP header", frame: craftedFrame{data: edited(good4, func(b []byte) { put16(b, offIPv4Len, 30) })}, warn: WarnTCPDataOffsetPastData},
		{name: "TCP data offset 12 bytes", frame: craftedFrame{data: edited(good4, func(b []byte) { b[offTCP4Offset] = 3 << 4 })}, warn: WarnTCPDataOffsetShort},
		{name: "TCP data offset past the segment", frame: craftedFrame{data: edited(good4, func(b []byte) { b[offTCP4Offset] = 15 << 4 })}, warn: WarnTCPDataOffsetPastData},
		{name: "IPv6 sound", frame: craftedFrame{data: good6}, ok: true, payload: 12},
		{name: "IPv6 payload length past the frame", frame: craftedFrame{data: edited(good6, func(b []byte) { put16(b, offIPv6Len, 9000) })},
			ok: true, payload: 12, warn: WarnIPv6LengthPastFrame},
		// Payload length 0 without a jumbo option: tshark reads an empty
		// payload (TSO?) and the TCP header in it is malformed.
		{name: "IPv6 payload length 0", frame: craftedFrame{data: edited(good6, func(b []byte) { put16(b, offIPv6Len, 0) })}, warn: WarnIPv6LengthZero},
		{name: "IPv6 version 4 in an IPv6 EtherType", frame: craftedFrame{data: edited(good6, func(b []byte) { b[ethernetHeaderLen] = 0x40 })}, warn: WarnIPVersion},
	}
}

func TestMalformedHeadersBecomeFrameWarningsAndNeverInflateAStream(t *testing.T) {
	cases := malformedCases(t)
	frames := make([]craftedFrame, len(cases))
	for i, c := range cases {
		frames[i] = c.frame
	}
	got := decodeFile(t, writeCrafted(t, layers.LinkTypeEthernet, frames))
	for i, c := range cases {
		g := got[i]
		if g.res.OK != c.ok || g.res.Warning.Kind != c.warn {
			t.Errorf("%s: OK %v warning %v (%s), want OK %v warning %v", c.name, g.res.OK, g.res.Warning.Kind, g.res.Warning, c.ok, c.warn)
			continue
		}
		if c.warn != WarnNone && (g.res.Warning.Frame != uint64(i+1) || g.res.Warning.Malformed() == c.ok) {
			t.Errorf("%s: warning %+v: want frame %d, malformed %v", c.name, g.res.Warning, i+1, !c.ok)
		}
		if c.ok && (g.seg.PayloadLen != c.payload || g.seg.Truncated != c.trunc || g.seg.Proto != ProtoTCP) {
			t.Errorf("%s: payload %d truncated %v, want %d %v", c.name, g.seg.PayloadLen, g.seg.Truncated, c.payload, c.trunc)
		}
	}
}

// TestMalformedVerdictsAgreeWithTshark pins the crafted frames to what
// tshark's dissectors make of them: the TCP payload length it reads (none
// for a malformed frame) and whether it calls the frame malformed or a
// length bad.
func TestMalformedVerdictsAgreeWithTshark(t *testing.T) {
	cases := malformedCases(t)
	frames := make([]craftedFrame, len(cases))
	for i, c := range cases {
		frames[i] = c.frame
	}
	path := writeCrafted(t, layers.LinkTypeEthernet, frames)
	got := decodeFile(t, path)
	rows := tsharkFields(t, path, "tcp.len", "_ws.malformed", "_ws.expert.severity")
	for i, c := range cases {
		row := rows[i]
		tcpLen, malformed, severity := row[0], row[1] != "", row[2]
		ours := got[i]
		// tshark flags every frame we warn about (a malformed mark, an
		// expert error; a warning for the lengths cut to the wire) and no
		// sound one. It still reads a TCP length behind a bogus data
		// offset (flagged as an error): we take no segment from it.
		flagged := malformed || strings.Contains(severity, strconv.Itoa(expertError))
		if !ours.res.Warning.Malformed() {
			flagged = flagged || strings.Contains(severity, strconv.Itoa(expertWarn))
		}
		if ours.res.OK {
			if tcpLen != strconv.Itoa(int(ours.seg.PayloadLen)) {
				t.Errorf("%s: payload %d, tshark tcp.len %q", c.name, ours.seg.PayloadLen, tcpLen)
			}
		} else if tcpLen != "" && !flagged {
			t.Errorf("%s: no segment, but tshark reads tcp.len %s and flags nothing", c.name, tcpLen)
		}
		if flagged != (ours.res.Warning.Kind != WarnNone) {
			t.Errorf("%s: our warning %v; tshark malformed %v expert severity %q", c.name, ours.res.Warning.Kind, malformed, severity)
		}
	}
}

// Wireshark's expert severities (_ws.expert.severity): PI_WARN, PI_ERROR.
const (
	expertWarn  = 0x600000
	expertError = 0x800000
)

func TestIPv6JumbogramLengthComesFromTheJumboOption(t *testing.T) {
	ip, tcp := tcpLayers(true)
	seg := serialize(t, tcp, craftPayload)
	ip6 := ip.(*layers.IPv6)
	ip6.NextHeader = layers.IPProtocolIPv6HopByHop
	hdr := serialize(t, ip6) // payload length 0: the jumbo option holds it
	hbh := []byte{byte(layers.IPProtocolTCP), 0, ipv6OptJumbo, ipv6OptJumboLen, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(hbh[4:], uint32(len(hbh)+len(seg)))
	p := RawPacket{Data: append(append(hdr, hbh...), seg...), LinkType: layers.LinkTypeIPv6, Frame: 1}
	var s Segment
	if res := NewDecoder().Decode(&p, &s); !res.OK || res.Warning.Kind != WarnNone || s.PayloadLen != uint32(len(craftPayload)) {
		t.Errorf("jumbogram: %+v %+v, want a segment of %d bytes", res, s, len(craftPayload))
	}
}
