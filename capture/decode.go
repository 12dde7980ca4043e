package capture

import (
	"encoding/binary"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Header sizes and protocol numbers the decoder reads by hand.
const (
	ipv6HeaderLen     = 40
	tcpMinHeaderLen   = 20
	tcpFlagsEnd       = 14 // ports, seq, ack, data offset and flags fit in 14 bytes
	tcpWindowEnd      = 16
	udpHeaderLen      = 8
	udpPortsEnd       = 4
	maxIPv6Extensions = 8 // more extension headers than this: give up
	ipVersion4        = 4 // version nibble of an IPv4 header
	ipVersion6        = 6
)

// TCP option kinds (RFC 9293, RFC 7323, RFC 2018).
const (
	tcpOptEnd           = 0
	tcpOptNOP           = 1
	tcpOptMSS           = 2
	tcpOptWindowScale   = 3
	tcpOptSACKPermitted = 4
	tcpOptSACK          = 5
	tcpOptTimestamps    = 8
	tcpMaxWindowScale   = 14 // RFC 7323 2.3: larger shifts are treated as 14
)

// firstLayer picks the DecodingLayerParser for a frame.
type firstLayer uint8

const (
	firstEthernet firstLayer = iota
	firstLinuxSLL
	firstLinuxSLL2
	firstLoopback
	firstIPv4
	firstIPv6
	numFirstLayers
)

// Decoder turns raw frames into Segments with one gopacket
// DecodingLayerParser per link type over the zero-copy frame data; the TCP
// and UDP headers are read by hand so that frames whose transport header is
// cut short by the snap length still yield a Segment. A Decoder is not safe
// for concurrent use.
type Decoder struct {
	eth     layers.Ethernet
	dot1q   layers.Dot1Q
	mpls    *mplsLayer
	pppoe   *pppoeLayer
	sll     layers.LinuxSLL
	sll2    layers.LinuxSLL2
	loop    layers.Loopback
	ip4     layers.IPv4
	ip6     layers.IPv6
	parsers [numFirstLayers]*gopacket.DecodingLayerParser
	decoded []gopacket.LayerType
}

// NewDecoder returns a Decoder for every supported link type.
func NewDecoder() *Decoder {
	d := &Decoder{mpls: newMPLSLayer(), pppoe: newPPPoELayer(), decoded: make([]gopacket.LayerType, 0, 16)}
	firsts := [numFirstLayers]gopacket.LayerType{
		firstEthernet:  layers.LayerTypeEthernet,
		firstLinuxSLL:  layers.LayerTypeLinuxSLL,
		firstLinuxSLL2: layers.LayerTypeLinuxSLL2,
		firstLoopback:  layers.LayerTypeLoopback,
		firstIPv4:      layers.LayerTypeIPv4,
		firstIPv6:      layers.LayerTypeIPv6,
	}
	for i, first := range firsts {
		p := gopacket.NewDecodingLayerParser(first)
		var dlc gopacket.DecodingLayerContainer = gopacket.DecodingLayerSparse(nil)
		for _, l := range []gopacket.DecodingLayer{&d.eth, &d.dot1q, d.mpls, d.pppoe, &d.sll, &d.sll2, &d.loop, &d.ip4, &d.ip6} {
			dlc = dlc.Put(l)
		}
		p.SetDecodingLayerContainer(dlc)
		p.IgnoreUnsupported = true
		d.parsers[i] = p
	}
	return d
}

// parserFor returns the parser for a link type, or nil when it is not
// supported. Raw IP link types pick IPv4 or IPv6 by the version nibble.
func (d *Decoder) parserFor(lt layers.LinkType, data []byte) *gopacket.DecodingLayerParser {
	switch lt {
	case layers.LinkTypeEthernet:
		return d.parsers[firstEthernet]
	case layers.LinkTypeLinuxSLL:
		return d.parsers[firstLinuxSLL]
	case layers.LinkTypeLinuxSLL2:
		return d.parsers[firstLinuxSLL2]
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		return d.parsers[firstLoopback]
	case layers.LinkTypeRaw, linkTypeRawDLT12, linkTypeRawDLT14, layers.LinkTypeIPv4, layers.LinkTypeIPv6:
		if len(data) == 0 {
			return nil
		}
		switch data[0] >> 4 {
		case ipVersion4:
			return d.parsers[firstIPv4]
		case ipVersion6:
			return d.parsers[firstIPv6]
		}
	}
	return nil
}

// Decode fills seg from p when p holds TCP or UDP over IPv4 or IPv6 and
// reports whether it did. It does not allocate. The common case, TCP or
// UDP in an IPv4 header without options in an untagged Ethernet frame, is
// read by hand (decodeEthernetIPv4); every other frame goes through the
// DecodingLayerParser, with the same result for the same bytes.
func (d *Decoder) Decode(p *RawPacket, seg *Segment) bool {
	ok := false
	if p.LinkType == layers.LinkTypeEthernet {
		var done bool
		if ok, done = decodeEthernetIPv4(p, seg); !done {
			ok = d.decodeLayers(p, seg)
		}
	} else {
		ok = d.decodeLayers(p, seg)
	}
	if ok && p.Verdict != Passed {
		seg.Verdict, seg.DelayNS = p.Verdict, p.DelayNS
	}
	return ok
}

// decodeLayers is Decode through the DecodingLayerParser, for every frame.
func (d *Decoder) decodeLayers(p *RawPacket, seg *Segment) bool {
	parser := d.parserFor(p.LinkType, p.Data)
	if parser == nil {
		return false
	}
	if err := parser.DecodeLayers(p.Data, &d.decoded); err != nil {
		return false
	}
	var (
		proto     layers.IPProtocol
		transport []byte
		l4Len     int // transport length the IP header announces
		src, dst  netip.Addr
	)
	switch d.lastIPLayer() {
	case layers.LayerTypeIPv4:
		ip := &d.ip4
		if ip.FragOffset != 0 {
			return false // a later fragment: no transport header in it
		}
		proto, transport = ip.Protocol, ip.Payload
		l4Len = int(ip.Length) - int(ip.IHL)*4
		src, dst = netip.AddrFrom4([4]byte(ip.SrcIP)), netip.AddrFrom4([4]byte(ip.DstIP))
	case layers.LayerTypeIPv6:
		ip := &d.ip6
		proto, transport = ip.NextHeader, ip.Payload
		l4Len = int(ip.Length)
		if ip.Length == 0 { // jumbogram: Payload already spans the jumbo length
			l4Len = len(ip.Payload)
		} else if ip.HopByHop != nil {
			l4Len -= ip.HopByHop.ActualLength
		}
		if ip.HopByHop != nil {
			proto = ip.HopByHop.NextHeader
		}
		var ok bool
		if proto, transport, l4Len, ok = skipIPv6Extensions(proto, transport, l4Len); !ok {
			return false
		}
		src, dst = netip.AddrFrom16([16]byte(ip.SrcIP)), netip.AddrFrom16([16]byte(ip.DstIP))
	default:
		return false
	}
	*seg = Segment{
		Frame: p.Frame, Offset: p.Offset, TimeNS: timeNS(p),
		Src: src, Dst: dst,
		CapLen: uint32(len(p.Data)), WireLen: uint32(p.Info.Length),
		Truncated: len(transport) < l4Len,
	}
	if seg.WireLen == 0 {
		seg.WireLen = seg.CapLen
	}
	switch proto {
	case layers.IPProtocolTCP:
		return decodeTCP(transport, l4Len, seg)
	case layers.IPProtocolUDP:
		return decodeUDP(transport, l4Len, seg)
	}
	return false
}

// Sizes and values of the fast path of decodeEthernetIPv4.
const (
	ethernetHeaderLen = 14
	ipv4MinHeaderLen  = 20
	ipv4MinIHL        = 5 // header length in 32-bit words without options
	ipv4FragOffMask   = 0x1fff
)

// decodeEthernetIPv4 is the fast path of Decode for an Ethernet frame
// holding an IPv4 header without options and TCP or UDP. done is false
// when the frame is anything else (VLAN tags, options, tunnels, IPv6,
// malformed lengths): the DecodingLayerParser handles it. For the frames
// it takes it reads the same fields the parser would give Decode.
func decodeEthernetIPv4(p *RawPacket, seg *Segment) (ok, done bool) {
	b := p.Data
	if len(b) < ethernetHeaderLen+ipv4MinHeaderLen || binary.BigEndian.Uint16(b[12:14]) != etherTypeIPv4 {
		return false, false
	}
	ip := b[ethernetHeaderLen:]
	length := int(binary.BigEndian.Uint16(ip[2:4]))
	if ip[0]&0x0f != ipv4MinIHL || length < ipv4MinHeaderLen {
		return false, false // options, or a length the parser must judge (0: TSO)
	}
	proto := layers.IPProtocol(ip[9])
	if proto != layers.IPProtocolTCP && proto != layers.IPProtocolUDP {
		return false, false
	}
	if binary.BigEndian.Uint16(ip[6:8])&ipv4FragOffMask != 0 {
		return false, true // a later fragment: no transport header in it
	}
	transport := ip[ipv4MinHeaderLen:min(length, len(ip))]
	l4Len := length - ipv4MinHeaderLen
	*seg = Segment{
		Frame: p.Frame, Offset: p.Offset, TimeNS: timeNS(p),
		Src: netip.AddrFrom4([4]byte(ip[12:16])), Dst: netip.AddrFrom4([4]byte(ip[16:20])),
		CapLen: uint32(len(b)), WireLen: uint32(p.Info.Length),
		Truncated: len(transport) < l4Len,
	}
	if seg.WireLen == 0 {
		seg.WireLen = seg.CapLen
	}
	if proto == layers.IPProtocolTCP {
		return decodeTCP(transport, l4Len, seg), true
	}
	return decodeUDP(transport, l4Len, seg), true
}

// lastIPLayer is the innermost IP layer decoded (the inner one of a tunnel).
func (d *Decoder) lastIPLayer() gopacket.LayerType {
	for i := len(d.decoded) - 1; i >= 0; i-- {
		switch t := d.decoded[i]; t {
		case layers.LayerTypeIPv4, layers.LayerTypeIPv6:
			return t
		}
	}
	return gopacket.LayerTypeZero
}

// skipIPv6Extensions walks the IPv6 extension headers before the transport
// header. ok is false for a fragment other than the first, or a header that
// is cut short.
func skipIPv6Extensions(proto layers.IPProtocol, b []byte, l4Len int) (layers.IPProtocol, []byte, int, bool) {
	for range maxIPv6Extensions {
		var n int
		switch proto {
		case layers.IPProtocolIPv6HopByHop, layers.IPProtocolIPv6Routing, layers.IPProtocolIPv6Destination:
			if len(b) < 2 {
				return 0, nil, 0, false
			}
			n = (int(b[1]) + 1) * 8
		case layers.IPProtocolAH:
			if len(b) < 2 {
				return 0, nil, 0, false
			}
			n = (int(b[1]) + 2) * 4
		case layers.IPProtocolIPv6Fragment:
			if len(b) < 8 {
				return 0, nil, 0, false
			}
			if binary.BigEndian.Uint16(b[2:4])>>3 != 0 {
				return 0, nil, 0, false // not the first fragment
			}
			n = 8
		default:
			return proto, b, l4Len, true
		}
		if len(b) < n {
			return 0, nil, 0, false
		}
		proto, b, l4Len = layers.IPProtocol(b[0]), b[n:], l4Len-n
	}
	return 0, nil, 0, false
}

func decodeTCP(b []byte, l4Len int, seg *Segment) bool {
	if len(b) < tcpFlagsEnd {
		return false
	}
	seg.Proto = ProtoTCP
	seg.SrcPort = binary.BigEndian.Uint16(b[0:2])
	seg.DstPort = binary.BigEndian.Uint16(b[2:4])
	seg.Seq = binary.BigEndian.Uint32(b[4:8])
	seg.Ack = binary.BigEndian.Uint32(b[8:12])
	seg.Flags = TCPFlags(uint16(b[12]&1)<<8 | uint16(b[13]))
	if len(b) >= tcpWindowEnd {
		seg.Window = binary.BigEndian.Uint16(b[14:16])
	}
	hdrLen := max(int(b[12]>>4)*4, tcpMinHeaderLen)
	seg.PayloadLen = uint32(max(l4Len-hdrLen, 0))
	seg.Options = TCPOptions{WindowScale: -1}
	if len(b) > tcpMinHeaderLen {
		parseTCPOptions(b[tcpMinHeaderLen:min(hdrLen, len(b))], &seg.Options)
	}
	return true
}

// parseTCPOptions reads the options the ladder shows. It stops quietly at
// the first malformed or cut-off option.
func parseTCPOptions(b []byte, o *TCPOptions) {
	for len(b) > 0 {
		switch b[0] {
		case tcpOptEnd:
			return
		case tcpOptNOP:
			b = b[1:]
			continue
		}
		if len(b) < 2 || int(b[1]) < 2 || int(b[1]) > len(b) {
			return
		}
		kind, v := b[0], b[2:b[1]]
		switch {
		case kind == tcpOptMSS && len(v) == 2:
			o.MSS = binary.BigEndian.Uint16(v)
		case kind == tcpOptWindowScale && len(v) == 1:
			o.WindowScale = int8(min(v[0], tcpMaxWindowScale))
		case kind == tcpOptSACKPermitted:
			o.SACKPermitted = true
		case kind == tcpOptTimestamps && len(v) == 8:
			o.HasTimestamps = true
			o.TSval = binary.BigEndian.Uint32(v[0:4])
			o.TSecr = binary.BigEndian.Uint32(v[4:8])
		}
		b = b[b[1]:]
	}
}

func decodeUDP(b []byte, l4Len int, seg *Segment) bool {
	if len(b) < udpPortsEnd {
		return false
	}
	seg.Proto = ProtoUDP
	seg.SrcPort = binary.BigEndian.Uint16(b[0:2])
	seg.DstPort = binary.BigEndian.Uint16(b[2:4])
	seg.PayloadLen = uint32(max(l4Len-udpHeaderLen, 0))
	seg.Options.WindowScale = -1
	return true
}

// timeNS is the capture time in Unix nanoseconds; 0 when the packet has none.
func timeNS(p *RawPacket) int64 {
	if p.Info.Timestamp.IsZero() {
		return 0
	}
	return p.Info.Timestamp.UnixNano()
}
