package capture

import (
	"encoding/binary"
	"math"
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
	numFirstLayers
)

// Decoder turns raw frames into Segments. The link layers are read by one
// gopacket DecodingLayerParser per link type over the zero-copy frame data;
// the IP, TCP and UDP headers (and the tunnels VXLAN, Geneve and GRE) are
// read by hand, so that frames cut short by the snap length still yield a
// Segment and malformed lengths become a DecodeWarning, not a trusted
// number. IPv4 and IPv6 fragments are reassembled (defrag.go): a Decoder
// holds the fragments pending, bounded in number and age. A Decoder is not
// safe for concurrent use.
type Decoder struct {
	eth     layers.Ethernet
	dot1q   layers.Dot1Q
	mpls    *mplsLayer
	pppoe   *pppoeLayer
	sll     layers.LinuxSLL
	sll2    layers.LinuxSLL2
	loop    layers.Loopback
	parsers [numFirstLayers]*gopacket.DecodingLayerParser
	decoded []gopacket.LayerType
	frags   reassembler
}

// NewDecoder returns a Decoder for every supported link type.
func NewDecoder() *Decoder {
	d := &Decoder{mpls: newMPLSLayer(), pppoe: newPPPoELayer(), decoded: make([]gopacket.LayerType, 0, 16)}
	firsts := [numFirstLayers]gopacket.LayerType{
		firstEthernet:  layers.LayerTypeEthernet,
		firstLinuxSLL:  layers.LayerTypeLinuxSLL,
		firstLinuxSLL2: layers.LayerTypeLinuxSLL2,
		firstLoopback:  layers.LayerTypeLoopback,
	}
	for i, first := range firsts {
		p := gopacket.NewDecodingLayerParser(first)
		var dlc gopacket.DecodingLayerContainer = gopacket.DecodingLayerSparse(nil)
		for _, l := range []gopacket.DecodingLayer{&d.eth, &d.dot1q, d.mpls, d.pppoe, &d.sll, &d.sll2, &d.loop} {
			dlc = dlc.Put(l)
		}
		p.SetDecodingLayerContainer(dlc)
		p.IgnoreUnsupported = true // the parser stops at the IP layer
		d.parsers[i] = p
	}
	return d
}

// network finds the IP packet in a frame of a link type: its version (4 or
// 6; 0 when the frame holds none) and its bytes. Raw IP link types pick the
// version by the first nibble; the others go through the link layers'
// parser, and the version is what the last link layer names.
func (d *Decoder) network(lt layers.LinkType, data []byte) (version int, ip []byte) {
	var p *gopacket.DecodingLayerParser
	switch lt {
	case layers.LinkTypeEthernet:
		p = d.parsers[firstEthernet]
	case layers.LinkTypeLinuxSLL:
		p = d.parsers[firstLinuxSLL]
	case layers.LinkTypeLinuxSLL2:
		p = d.parsers[firstLinuxSLL2]
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		p = d.parsers[firstLoopback]
	case layers.LinkTypeRaw, linkTypeRawDLT12, linkTypeRawDLT14, layers.LinkTypeIPv4, layers.LinkTypeIPv6:
		if len(data) == 0 {
			return 0, nil
		}
		switch data[0] >> 4 {
		case ipVersion4:
			return ipVersion4, data
		case ipVersion6:
			return ipVersion6, data
		}
		return 0, nil
	default:
		return 0, nil
	}
	if err := p.DecodeLayers(data, &d.decoded); err != nil || len(d.decoded) == 0 {
		return 0, nil
	}
	var last gopacket.DecodingLayer
	switch d.decoded[len(d.decoded)-1] {
	case layers.LayerTypeEthernet:
		last = &d.eth
	case layers.LayerTypeDot1Q:
		last = &d.dot1q
	case layers.LayerTypeMPLS:
		last = d.mpls
	case layers.LayerTypePPPoE:
		last = d.pppoe
	case layers.LayerTypeLinuxSLL:
		last = &d.sll
	case layers.LayerTypeLinuxSLL2:
		last = &d.sll2
	case layers.LayerTypeLoopback:
		last = &d.loop
	default:
		return 0, nil
	}
	switch last.NextLayerType() {
	case layers.LayerTypeIPv4:
		return ipVersion4, last.LayerPayload()
	case layers.LayerTypeIPv6:
		return ipVersion6, last.LayerPayload()
	}
	return 0, nil
}

// Decode fills seg from p when p holds TCP or UDP over IPv4 or IPv6 (also
// inside a VXLAN, Geneve or GRE tunnel, or reassembled from IP fragments)
// and says so in the result, with a warning when the headers are malformed.
// It does not allocate, but for fragments. The common case, TCP or UDP in a
// sound IPv4 header without options in an untagged Ethernet frame, is read
// by the fast path (decodeEthernetIPv4); every other frame goes through
// decodeLayers, with the same result for the same bytes.
func (d *Decoder) Decode(p *RawPacket, seg *Segment) DecodeResult {
	if p.LinkType == layers.LinkTypeEthernet {
		if ok, done := decodeEthernetIPv4(p, seg); done {
			// The result is built here, in registers: a copy through the
			// stack costs the fast path a third of its time.
			if ok && p.Verdict != Passed {
				seg.Verdict, seg.DelayNS = p.Verdict, p.DelayNS
			}
			return DecodeResult{OK: ok, Verdict: p.Verdict}
		}
	}
	res := d.decodeLayers(p, seg)
	if res.OK && p.Verdict != Passed {
		seg.Verdict, seg.DelayNS = p.Verdict, p.DelayNS
	}
	return res
}

// decodeLayers is Decode for every frame, without the fast path.
func (d *Decoder) decodeLayers(p *RawPacket, seg *Segment) DecodeResult {
	res := DecodeResult{Verdict: p.Verdict}
	version, ip := d.network(p.LinkType, p.Data)
	if version == 0 {
		return res
	}
	*seg = Segment{
		Frame: p.Frame, Offset: p.Offset, TimeNS: timeNS(p),
		CapLen: uint32(len(p.Data)), WireLen: uint32(p.Info.Length),
	}
	if seg.WireLen == 0 {
		seg.WireLen = seg.CapLen
	}
	// The bytes of the IP packet on the wire: the captured ones and those
	// the snap length cut from the end of the frame.
	wire := len(ip) + max(int(seg.WireLen)-len(p.Data), 0)
	fs := frameState{seg: seg, res: &res}
	res.OK = d.decodeIP(&fs, version, ip, wire, 0)
	return res
}

// frameState is what one decodeLayers call carries down the layers.
type frameState struct {
	seg *Segment
	res *DecodeResult
}

// warn records the frame's first warning.
func (fs *frameState) warn(kind WarningKind, value, limit int) {
	if fs.res.Warning.Kind == WarnNone {
		fs.res.Warning = DecodeWarning{Kind: kind, Value: warnNumber(value), Limit: warnNumber(limit), Frame: fs.seg.Frame}
	}
}

// warnNumber fits a header number into a DecodeWarning field.
func warnNumber(n int) uint32 { return uint32(min(max(n, 0), math.MaxUint32)) }

// Sizes and values of the fast path of decodeEthernetIPv4.
const (
	ethernetHeaderLen = 14
	ipv4MinHeaderLen  = 20
	ipv4MinIHL        = 5    // header length in 32-bit words without options
	ipv4VersionIHL    = 0x45 // first byte of an IPv4 header without options
	ipv4FragOffMask   = 0x1fff
	ipv4MoreFragments = 0x2000
)

// decodeEthernetIPv4 is the fast path of Decode for an Ethernet frame
// holding a sound IPv4 header without options and TCP or UDP. done is false
// when the frame is anything else (VLAN tags, options, fragments, tunnels,
// IPv6, lengths to warn about): decodeLayers handles it. For the frames it
// takes it reads the same fields decodeLayers would.
func decodeEthernetIPv4(p *RawPacket, seg *Segment) (ok, done bool) {
	b := p.Data
	if len(b) < ethernetHeaderLen+ipv4MinHeaderLen || binary.BigEndian.Uint16(b[12:14]) != etherTypeIPv4 {
		return false, false
	}
	ip := b[ethernetHeaderLen:]
	length := int(binary.BigEndian.Uint16(ip[2:4]))
	wire := len(ip) + max(int(p.Info.Length)-len(b), 0)
	if ip[0] != ipv4VersionIHL || length < ipv4MinHeaderLen || length > wire {
		return false, false // options, or a length decodeLayers must judge (0: TSO)
	}
	proto := layers.IPProtocol(ip[9])
	if proto != layers.IPProtocolTCP && proto != layers.IPProtocolUDP {
		return false, false
	}
	if binary.BigEndian.Uint16(ip[6:8])&(ipv4FragOffMask|ipv4MoreFragments) != 0 {
		return false, false // a fragment: decodeLayers reassembles it
	}
	transport := ip[ipv4MinHeaderLen:min(length, len(ip))]
	l4Len := length - ipv4MinHeaderLen
	if proto == layers.IPProtocolUDP && len(transport) >= udpPortsEnd && isTunnelPort(transport) {
		return false, false
	}
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
		switch decodeTCP(transport, l4Len, seg) {
		case tcpOK:
			return true, true
		case tcpCut:
			return false, true
		}
		return false, false // a data offset to warn about
	}
	return decodeUDP(transport, l4Len, seg), true
}

// tcpStatus is what decodeTCP made of a TCP header.
type tcpStatus uint8

const (
	tcpOK           tcpStatus = iota
	tcpCut                    // fewer than 14 bytes captured: no Segment, nothing to warn about
	tcpOffsetShort            // data offset under 5 words: malformed
	tcpOffsetPast             // data offset past the segment's end: malformed
	tcpSegmentShort           // the IP length leaves less than a TCP header: malformed
)

// decodeTCP fills seg from a TCP header of a segment that is l4Len bytes
// long on the wire (b holds the captured part).
func decodeTCP(b []byte, l4Len int, seg *Segment) tcpStatus {
	if l4Len < tcpMinHeaderLen {
		return tcpSegmentShort
	}
	if len(b) < tcpFlagsEnd {
		return tcpCut
	}
	hdrLen := int(b[12]>>4) * 4
	if hdrLen < tcpMinHeaderLen {
		return tcpOffsetShort
	}
	if hdrLen > l4Len {
		return tcpOffsetPast
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
	seg.PayloadLen = uint32(l4Len - hdrLen)
	seg.Options = TCPOptions{WindowScale: -1}
	if len(b) > tcpMinHeaderLen {
		parseTCPOptions(b[tcpMinHeaderLen:min(hdrLen, len(b))], &seg.Options)
	}
	return tcpOK
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
