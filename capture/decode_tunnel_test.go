package capture

import (
	"strconv"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// innerTCP4 is the layers of the inner TCP segment 10.1.0.2:40000 ->
// 10.1.0.1:8888 carrying craftPayload, with an Ethernet header when eth.
func innerTCP4(eth bool) []gopacket.SerializableLayer {
	ip := ipv4(innerA, innerB, layers.IPProtocolTCP)
	ls := []gopacket.SerializableLayer{ip, tcpTo(ip), craftPayload}
	if eth {
		ls = append([]gopacket.SerializableLayer{ethernet(layers.EthernetTypeIPv4)}, ls...)
	}
	return ls
}

// overUDP wraps tunnel layers in Ethernet/IPv4/UDP between the outer
// addresses, to port dst.
func overUDP(t testing.TB, dst layers.UDPPort, tunnel ...gopacket.SerializableLayer) []byte {
	ip := ipv4(outerA, outerB, layers.IPProtocolUDP)
	udp := &layers.UDP{SrcPort: 49152, DstPort: dst}
	udp.SetNetworkLayerForChecksum(ip)
	return serialize(t, append([]gopacket.SerializableLayer{ethernet(layers.EthernetTypeIPv4), ip, udp}, tunnel...)...)
}

// overGRE wraps tunnel layers in Ethernet/IPv4/GRE.
func overGRE(t testing.TB, gre *layers.GRE, tunnel ...gopacket.SerializableLayer) []byte {
	ip := ipv4(outerA, outerB, layers.IPProtocolGRE)
	return serialize(t, append([]gopacket.SerializableLayer{ethernet(layers.EthernetTypeIPv4), ip, gre}, tunnel...)...)
}

func tunnelCases(t testing.TB) map[string][]byte {
	ip6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: inner6A, DstIP: inner6B}
	return map[string][]byte{
		"VXLAN": overUDP(t, portVXLAN, append([]gopacket.SerializableLayer{&layers.VXLAN{ValidIDFlag: true, VNI: 42}}, innerTCP4(true)...)...),
		"Geneve Ethernet": overUDP(t, portGeneve, append([]gopacket.SerializableLayer{&layers.Geneve{Protocol: layers.EthernetTypeTransparentEthernetBridging, VNI: 7,
			Options: []*layers.GeneveOption{{Class: 0x0102, Type: 0x80, Length: 8, Data: []byte{1, 2, 3, 4}}}}}, innerTCP4(true)...)...),
		"Geneve IPv6": overUDP(t, portGeneve, &layers.Geneve{Protocol: layers.EthernetTypeIPv6, VNI: 7}, ip6, tcpTo(ip6), craftPayload),
		"GRE IPv4":    overGRE(t, &layers.GRE{Protocol: layers.EthernetTypeIPv4}, innerTCP4(false)...),
		"GRE key and sequence, Ethernet bridging": overGRE(t, &layers.GRE{KeyPresent: true, Key: 99, SeqPresent: true, Seq: 5,
			Protocol: layers.EthernetTypeTransparentEthernetBridging}, innerTCP4(true)...),
	}
}

func TestTCPInsideVXLANGeneveAndGREDecodesToTheInnerSegment(t *testing.T) {
	cases := tunnelCases(t)
	names := []string{"VXLAN", "Geneve Ethernet", "Geneve IPv6", "GRE IPv4", "GRE key and sequence, Ethernet bridging"}
	var fs []craftedFrame
	for _, n := range names {
		fs = append(fs, craftedFrame{data: cases[n]})
	}
	path := writeCrafted(t, layers.LinkTypeEthernet, fs)
	got := decodeFile(t, path)
	for i, n := range names {
		g := got[i]
		s := g.seg
		wantSrc := "10.1.0.2"
		if n == "Geneve IPv6" {
			wantSrc = "fd00::2"
		}
		if !g.res.OK || g.res.Warning.Kind != WarnNone || s.Proto != ProtoTCP || s.Src.String() != wantSrc ||
			s.SrcPort != 40000 || s.DstPort != 8888 || s.PayloadLen != 12 || s.Seq != 1000 || s.WireLen != uint32(len(cases[n])) {
			t.Errorf("%s: %+v %+v, want the inner segment %s:40000 -> 8888 with 12 bytes", n, g.res, s, wantSrc)
		}
	}
	// tshark reads the same inner TCP header (the last occurrence of each
	// field is the innermost).
	rows := tsharkFields(t, path, "tcp.srcport", "tcp.dstport", "tcp.len")
	for i, n := range names {
		s := got[i].seg
		want := []string{strconv.Itoa(int(s.SrcPort)), strconv.Itoa(int(s.DstPort)), strconv.Itoa(int(s.PayloadLen))}
		if rows[i][0] != want[0] || rows[i][1] != want[1] || rows[i][2] != want[2] {
			t.Errorf("%s: tshark reads %v, we read %v", n, rows[i], want)
		}
	}
}

func TestATunnelPortWithoutASoundInnerPacketStaysAUDPDatagram(t *testing.T) {
	d := NewDecoder()
	for name, data := range map[string][]byte{
		"VXLAN without the I flag": overUDP(t, portVXLAN, gopacket.Payload([]byte{0, 0, 0, 0, 0, 0, 42, 0, 1, 2, 3})),
		"VXLAN holding ARP": overUDP(t, portVXLAN, &layers.VXLAN{ValidIDFlag: true, VNI: 1}, ethernet(layers.EthernetTypeARP),
			gopacket.Payload(make([]byte, 28))),
		"Geneve cut short": overUDP(t, portGeneve, gopacket.Payload([]byte{0x3f, 0, 0x65, 0x58})),
	} {
		p := RawPacket{Data: data, LinkType: layers.LinkTypeEthernet, Frame: 1}
		var s Segment
		res := d.Decode(&p, &s)
		if !res.OK || s.Proto != ProtoUDP || s.Src.String() != "192.0.2.1" || s.SrcPort != 49152 {
			t.Errorf("%s: %+v %+v, want the outer UDP datagram", name, res, s)
		}
	}
}

func TestTunnelsAreNotTakenByTheFastPath(t *testing.T) {
	for name, data := range tunnelCases(t) {
		p := RawPacket{Data: data, LinkType: layers.LinkTypeEthernet}
		var s Segment
		if _, done := decodeEthernetIPv4(&p, &s); done {
			t.Errorf("%s: the fast path took the outer packet", name)
		}
	}
}

func TestMalformedInnerHeaderOfATunnelIsWarnedAbout(t *testing.T) {
	data := overGRE(t, &layers.GRE{Protocol: layers.EthernetTypeIPv4}, innerTCP4(false)...)
	data[ethernetHeaderLen+ipv4MinHeaderLen+greHeaderLen] = 0x25 // inner IPv4 version 2
	d := NewDecoder()
	p := RawPacket{Data: data, LinkType: layers.LinkTypeEthernet, Frame: 4}
	var s Segment
	if res := d.Decode(&p, &s); res.OK || res.Warning.Kind != WarnIPVersion || res.Warning.Frame != 4 {
		t.Errorf("GRE holding a version-2 IPv4 header: %+v", res)
	}
}

func TestIPInIPAndSixInFourDecodeToTheInnerSegment(t *testing.T) {
	ip6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: inner6A, DstIP: inner6B}
	cases := map[string][]byte{
		"IPv4 in IPv4": serialize(t, append([]gopacket.SerializableLayer{ethernet(layers.EthernetTypeIPv4), ipv4(outerA, outerB, layers.IPProtocolIPv4)}, innerTCP4(false)...)...),
		"IPv6 in IPv4": serialize(t, ethernet(layers.EthernetTypeIPv4), ipv4(outerA, outerB, layers.IPProtocolIPv6), ip6, tcpTo(ip6), craftPayload),
	}
	d := NewDecoder()
	for name, data := range cases {
		p := RawPacket{Data: data, LinkType: layers.LinkTypeEthernet, Frame: 1}
		var s Segment
		if res := d.Decode(&p, &s); !res.OK || s.Proto != ProtoTCP || s.Src.Is4() == (name == "IPv6 in IPv4") || s.SrcPort != 40000 || s.PayloadLen != 12 {
			t.Errorf("%s: %+v %+v, want the inner TCP segment", name, res, s)
		}
	}
}

func TestDecodeDoesNotAllocateForTunnelsIPv6OrWarnings(t *testing.T) {
	frames := tunnelCases(t)
	frames["IPv6"] = ethTCP6(t)
	for _, c := range malformedCases(t) {
		frames["malformed: "+c.name] = c.frame.data
	}
	d := NewDecoder()
	for name, data := range frames {
		p := RawPacket{Data: data, LinkType: layers.LinkTypeEthernet, Frame: 1}
		var s Segment
		if n := testing.AllocsPerRun(100, func() { d.Decode(&p, &s) }); n != 0 {
			t.Errorf("%s: %.1f allocations per Decode", name, n)
		}
	}
}

func TestAFragmentedGRETunnelIsReassembledThenOpened(t *testing.T) {
	// GRE (4) + inner IPv4 (20) + TCP (20) + 2000 bytes, cut in fragments
	// of 1000: the inner headers are all in the first one.
	gre := serialize(t, &layers.GRE{Protocol: layers.EthernetTypeIPv4}, ipv4(innerA, innerB, layers.IPProtocolTCP), tcpTo(ipv4(innerA, innerB, layers.IPProtocolTCP)), bigPayload)
	var fs [][]byte
	for _, p := range pieces(len(gre), 1000) {
		ip := ipv4(outerA, outerB, layers.IPProtocolGRE)
		ip.FragOffset = uint16(p.start / 8)
		if p.more {
			ip.Flags = layers.IPv4MoreFragments
		}
		fs = append(fs, serialize(t, ethernet(layers.EthernetTypeIPv4), ip, gopacket.Payload(gre[p.start:p.end])))
	}
	got := decodeFile(t, writeCrafted(t, layers.LinkTypeEthernet, frames(fs...)))
	checkOnlySegment(t, got, len(fs), 2000)
	if s := got[len(fs)-1].seg; s.Src.String() != "10.1.0.2" {
		t.Errorf("segment from %v, want the inner 10.1.0.2", s.Src)
	}
}
