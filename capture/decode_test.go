package capture

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// decodeAll decodes every frame of a corpus capture, by frame number.
func decodeAll(t *testing.T, rel string) map[uint64]Segment {
	t.Helper()
	src, _ := openCorpus(t, rel)
	d := NewDecoder()
	segs := map[uint64]Segment{}
	readAll(t, src, func(p *RawPacket) {
		var s Segment
		if d.Decode(p, &s).OK {
			segs[p.Frame] = s
		}
	})
	return segs
}

// tcpdumpLine matches one TCP line of tcpdump's expected output (-#, -n).
var tcpdumpLine = regexp.MustCompile(`^\s*(\d+)\s+(\S+ \S+) IP6? (\S+)\.(\d+) > (\S+)\.(\d+): Flags \[([^\]]*)\](.*), length (\d+)`)

// tcpdumpFlags maps tcpdump's flag letters to ours.
var tcpdumpFlags = map[rune]TCPFlags{'S': SYN, 'F': FIN, 'R': RST, 'P': PSH, '.': ACK, 'U': URG, 'E': ECE, 'W': CWR, 'e': AE}

func TestDecodeAgreesWithTcpdumpsExpectedOutput(t *testing.T) {
	dir := corpusDir(t)
	cases := map[string]string{ // capture -> tcpdump's expected output of it
		"tcpdump/dns_tcp.pcap":              "dns_tcp.out",
		"tcpdump/ssh.pcap":                  "ssh.out",
		"tcpdump/resp_1_benchmark.pcap":     "resp_1.out",
		"tcpdump/pptp.pcap":                 "pptp.out",
		"tcpdump/tcp_rst_data-trunc.pcap":   "tcp_rst_data-trunc.out",
		"tcpdump/tcp_rst_diag_payload.pcap": "tcp_rst_diag_payload.out",
		"tcpdump/mptcp-tcprst.pcap":         "mptcp-tcprst.out",
		"tcpdump/of13_ericsson.pcapng":      "of13_ericsson.out",
		"tcpdump/tfo-5c1fa7f9ae91.pcap":     "tfo.out",
	}
	for capFile, out := range cases {
		t.Run(capFile, func(t *testing.T) {
			segs := decodeAll(t, capFile)
			f, err := os.Open(filepath.Join(dir, "tcpdump", "expected", out))
			if err != nil {
				t.Skipf("expected output missing: %v", err)
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			sc.Buffer(nil, 1<<20)
			checked := 0
			for sc.Scan() {
				m := tcpdumpLine.FindStringSubmatch(sc.Text())
				if m == nil {
					continue
				}
				checked++
				frame, _ := strconv.ParseUint(m[1], 10, 64)
				s, ok := segs[frame]
				if !ok || s.Proto != ProtoTCP {
					t.Errorf("frame %d: not decoded as TCP; tcpdump: %s", frame, m[0])
					continue
				}
				checkAgainstTcpdump(t, frame, s, m)
			}
			if checked == 0 {
				t.Fatal("no TCP line found in tcpdump's output")
			}
		})
	}
}

func checkAgainstTcpdump(t *testing.T, frame uint64, s Segment, m []string) {
	t.Helper()
	if got := s.Time().Format("2006-01-02 15:04:05.000000"); got != m[2] {
		t.Errorf("frame %d: time %s, tcpdump says %s (UTC)", frame, got, m[2])
	}
	if s.Src.String() != m[3] || strconv.Itoa(int(s.SrcPort)) != m[4] || s.Dst.String() != m[5] || strconv.Itoa(int(s.DstPort)) != m[6] {
		t.Errorf("frame %d: %v > %v, tcpdump says %s.%s > %s.%s", frame, s.SrcEndpoint(), s.DstEndpoint(), m[3], m[4], m[5], m[6])
	}
	var flags TCPFlags
	for _, c := range m[7] {
		flags |= tcpdumpFlags[c]
	}
	if m[7] == "none" {
		flags = 0
	}
	if s.Flags != flags {
		t.Errorf("frame %d: flags %v, tcpdump says [%s]", frame, s.Flags, m[7])
	}
	if strconv.Itoa(int(s.PayloadLen)) != m[9] {
		t.Errorf("frame %d: payload %d bytes, tcpdump says length %s", frame, s.PayloadLen, m[9])
	}
	rest := m[8]
	if w := regexp.MustCompile(`win (\d+)`).FindStringSubmatch(rest); w != nil && strconv.Itoa(int(s.Window)) != w[1] {
		t.Errorf("frame %d: window %d, tcpdump says %s", frame, s.Window, w[1])
	}
	if s.Flags.Has(SYN) {
		if q := regexp.MustCompile(`seq (\d+)`).FindStringSubmatch(rest); q != nil && strconv.FormatUint(uint64(s.Seq), 10) != q[1] {
			t.Errorf("frame %d: seq %d, tcpdump says %s", frame, s.Seq, q[1])
		}
	}
	opts := s.Options
	if v := regexp.MustCompile(`mss (\d+)`).FindStringSubmatch(rest); (v == nil) != (opts.MSS == 0) || v != nil && strconv.Itoa(int(opts.MSS)) != v[1] {
		t.Errorf("frame %d: MSS %d, tcpdump options %s", frame, opts.MSS, rest)
	}
	if v := regexp.MustCompile(`wscale (\d+)`).FindStringSubmatch(rest); (v == nil) != (opts.WindowScale < 0) || v != nil && strconv.Itoa(int(opts.WindowScale)) != v[1] {
		t.Errorf("frame %d: window scale %d, tcpdump options %s", frame, opts.WindowScale, rest)
	}
	if strings.Contains(rest, "sackOK") != opts.SACKPermitted {
		t.Errorf("frame %d: SACK permitted %v, tcpdump options %s", frame, opts.SACKPermitted, rest)
	}
	if v := regexp.MustCompile(`TS val (\d+) ecr (\d+)`).FindStringSubmatch(rest); (v != nil) != opts.HasTimestamps ||
		v != nil && (strconv.FormatUint(uint64(opts.TSval), 10) != v[1] || strconv.FormatUint(uint64(opts.TSecr), 10) != v[2]) {
		t.Errorf("frame %d: timestamps %v %d %d, tcpdump options %s", frame, opts.HasTimestamps, opts.TSval, opts.TSecr, rest)
	}
}

func TestSnaplenCutTCPHeaderStillYieldsSegments(t *testing.T) {
	segs := decodeAll(t, "zeek/tcp_truncated-header.pcap")
	if len(segs) != 24 {
		t.Fatalf("%d of 24 frames decoded", len(segs))
	}
	for _, s := range segs {
		// Frames longer than the 60-byte Ethernet minimum carry no padding,
		// so a shorter capture cuts the IP datagram.
		if s.WireLen > 60 && s.CapLen < s.WireLen && !s.Truncated {
			t.Errorf("frame %d: Truncated not set (caplen %d, wire %d)", s.Frame, s.CapLen, s.WireLen)
		}
	}
	syn := segs[1]
	if !syn.Flags.Has(SYN) || syn.Flags.Has(ACK) || syn.DstPort != 25 || syn.CapLen >= syn.WireLen {
		t.Fatalf("frame 1 is not the cut SYN to the SMTP port: %+v", syn)
	}
}

func TestPayloadLengthComesFromTheIPHeaderNotTheCapturedBytes(t *testing.T) {
	segs := decodeAll(t, "zeek/tcp_retransmit-fast009.pcap") // data frames cut at 54 bytes
	withData := 0
	for _, s := range segs {
		if s.CapLen == 54 && s.WireLen > 54 {
			withData++
			// 54 = Ethernet 14 + IPv4 20 + TCP 20: the rest of the wire length is payload.
			if !s.Truncated || s.PayloadLen != s.WireLen-54 {
				t.Errorf("frame %d: payload %d, truncated %v; wire length %d says %d", s.Frame, s.PayloadLen, s.Truncated, s.WireLen, s.WireLen-54)
			}
		}
	}
	if withData == 0 {
		t.Fatal("no cut data segment found")
	}
}

// serialize builds a packet from layers, computing lengths and checksums.
func serialize(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func tcpLayers(v6 bool) (gopacket.SerializableLayer, *layers.TCP) {
	tcp := &layers.TCP{SrcPort: 40000, DstPort: 8888, Seq: 1000, Ack: 2000, ACK: true, PSH: true, Window: 512}
	if v6 {
		ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: net.ParseIP("fd00::1"), DstIP: net.ParseIP("fd00::2")}
		tcp.SetNetworkLayerForChecksum(ip)
		return ip, tcp
	}
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: net.IPv4(10, 1, 0, 2), DstIP: net.IPv4(10, 1, 0, 1)}
	tcp.SetNetworkLayerForChecksum(ip)
	return ip, tcp
}

func TestNullLoopbackFamiliesInBothByteOrdersDecode(t *testing.T) {
	ip4, tcp4 := tcpLayers(false)
	v4 := serialize(t, ip4, tcp4, gopacket.Payload("hello"))
	ip6, tcp6 := tcpLayers(true)
	v6 := serialize(t, ip6, tcp6, gopacket.Payload("hello"))
	d := NewDecoder()
	for _, fam := range []uint32{2, 24, 28, 30} {
		body := v4
		if fam != 2 {
			body = v6
		}
		for _, hdr := range [][]byte{{byte(fam), 0, 0, 0}, {0, 0, 0, byte(fam)}} {
			p := RawPacket{Data: append(append([]byte(nil), hdr...), body...), LinkType: layers.LinkTypeNull, Frame: 1}
			var s Segment
			if !d.Decode(&p, &s).OK || s.Proto != ProtoTCP || s.PayloadLen != 5 || s.DstPort != 8888 {
				t.Errorf("family %d header % x: decoded %+v", fam, hdr, s)
			}
		}
	}
}

func TestRawIPLinkTypesPickTheVersionFromTheFirstNibble(t *testing.T) {
	ip4, tcp4 := tcpLayers(false)
	ip6, tcp6 := tcpLayers(true)
	frames := map[string][]byte{"v4": serialize(t, ip4, tcp4), "v6": serialize(t, ip6, tcp6)}
	d := NewDecoder()
	for _, lt := range []layers.LinkType{layers.LinkTypeRaw, 12, layers.LinkTypeIPv4, layers.LinkTypeIPv6} {
		for name, data := range frames {
			p := RawPacket{Data: data, LinkType: lt}
			var s Segment
			if !d.Decode(&p, &s).OK || s.Src.Is6() != (name == "v6") {
				t.Errorf("link type %d, %s: decoded %v, src %v", lt, name, s.Proto, s.Src)
			}
		}
	}
}

func TestAnIPv4FragmentAloneIsHeldNotTakenAsASegment(t *testing.T) {
	d := NewDecoder()
	for _, tc := range []struct {
		flags  layers.IPv4Flag
		offset uint16
	}{{layers.IPv4MoreFragments, 0}, {layers.IPv4MoreFragments, 185}, {0, 185}} {
		ip, tcp := tcpLayers(false)
		ip4 := ip.(*layers.IPv4)
		ip4.Flags, ip4.FragOffset, ip4.Id = tc.flags, tc.offset, tc.offset+uint16(tc.flags) // a datagram each
		p := RawPacket{Data: serialize(t, ip, tcp, gopacket.Payload("abcdefgh")), LinkType: layers.LinkTypeRaw}
		var s Segment
		if res := d.Decode(&p, &s); res.OK || !res.Held {
			t.Errorf("flags %v offset %d: Decode = %+v, want held for reassembly", tc.flags, tc.offset, res)
		}
	}
}

func TestIPv6ExtensionHeadersBeforeTCPAreSkipped(t *testing.T) {
	ip, tcp := tcpLayers(true)
	tcpBytes := serialize(t, tcp, gopacket.Payload("0123456789"))
	// Hop-by-hop (8 bytes of PadN), destination options (8), routing type 0
	// with no segments left (8), fragment header at offset 0 with M clear (8).
	ext := []byte{
		60, 0, 1, 4, 0, 0, 0, 0, // hop-by-hop -> destination options
		43, 0, 1, 4, 0, 0, 0, 0, // destination options -> routing
		44, 0, 0, 0, 0, 0, 0, 0, // routing -> fragment
		6, 0, 0, 0, 0, 0, 0, 1, // fragment (offset 0, last) -> TCP
	}
	ip6 := ip.(*layers.IPv6)
	ip6.NextHeader = layers.IPProtocolIPv6HopByHop
	length := len(ext) + len(tcpBytes)
	hdr := serialize(t, ip6)
	hdr[4], hdr[5] = byte(length>>8), byte(length) // FixLengths set 0: no payload was given
	data := append(append(hdr, ext...), tcpBytes...)
	d := NewDecoder()
	p := RawPacket{Data: data, LinkType: layers.LinkTypeIPv6}
	var s Segment
	if !d.Decode(&p, &s).OK || s.Proto != ProtoTCP || s.PayloadLen != 10 || s.SrcPort != 40000 || s.Truncated {
		t.Fatalf("decoded %v: %+v", s.Proto, s)
	}
	// The same packet as a later fragment carries no TCP header.
	data[40+24+3] = 8 << 3 // fragment offset 8 (×8 bytes)
	if res := d.Decode(&p, &s); res.OK || !res.Held {
		t.Errorf("a non-first IPv6 fragment: %+v, want held for reassembly", res)
	}
}

func TestNonIPFramesAreNotSegments(t *testing.T) {
	arp := serialize(t,
		&layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypeARP},
		&layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
			Operation: layers.ARPRequest, SourceHwAddress: []byte{2, 0, 0, 0, 0, 1}, SourceProtAddress: []byte{10, 0, 0, 1},
			DstHwAddress: make([]byte, 6), DstProtAddress: []byte{10, 0, 0, 2}})
	d := NewDecoder()
	for name, p := range map[string]RawPacket{
		"arp":               {Data: arp, LinkType: layers.LinkTypeEthernet},
		"empty":             {LinkType: layers.LinkTypeEthernet},
		"unknown link type": {Data: arp, LinkType: layers.LinkTypeIEEE802_11},
		"raw junk":          {Data: []byte{0x45, 0}, LinkType: layers.LinkTypeRaw},
	} {
		var s Segment
		if d.Decode(&p, &s).OK {
			t.Errorf("%s decoded as %v", name, s.Proto)
		}
	}
}

func TestUDPDatagramsDecodeWithPortsAndLength(t *testing.T) {
	segs := decodeAll(t, "tcpdump/dns_udp.pcap")
	s, ok := segs[1]
	if !ok || s.Proto != ProtoUDP || s.DstPort != 53 || s.PayloadLen == 0 || s.PayloadLen != s.CapLen-14-20-8 {
		t.Fatalf("frame 1: %+v", s)
	}
}

func TestDecodedSegmentCarriesFrameOffsetAndTime(t *testing.T) {
	src, _ := openCorpus(t, "tcpdump/dns_tcp.pcap")
	d := NewDecoder()
	p, err := src.Next()
	if err != nil {
		t.Fatal(err)
	}
	var s Segment
	if !d.Decode(&p, &s).OK {
		t.Fatal("first frame not decoded")
	}
	if s.Frame != 1 || s.Offset != pcapHeaderLen || s.TimeNS != p.Info.Timestamp.UnixNano() || s.CapLen != uint32(len(p.Data)) {
		t.Errorf("segment %+v does not carry the frame's number, offset %d and time", s, pcapHeaderLen)
	}
}
