package capture

import (
	"encoding/binary"
	"net/netip"

	"github.com/gopacket/gopacket/layers"
)

// IPv6 details the decoder reads by hand.
const (
	ipv6FragHeaderLen  = 8
	ipv6FragOffMask    = 0xfff8 // offset bits of the fragment header's offset field (in bytes already)
	ipv6MoreFragments  = 0x0001
	ipv6OptJumbo       = 0xc2 // jumbo payload option (RFC 2675)
	ipv6OptJumboLen    = 4
	ipv6OptPad1        = 0
	maxIPDatagram      = 0xffff // the largest IPv4 datagram, the largest IPv6 payload without a jumbo option
	maxTunnelDepth     = 3      // tunnels inside tunnels deeper than this are not opened
	ipv4FlagsOffsetEnd = 8
)

// decodeIP decodes an IP packet: b holds its captured bytes, wire the
// bytes of the frame from its start on the wire (the snap length may have
// cut the end).
func (d *Decoder) decodeIP(fs *frameState, version int, b []byte, wire, depth int) bool {
	if version == ipVersion6 {
		return d.decodeIPv6(fs, b, wire, depth)
	}
	return d.decodeIPv4(fs, b, wire, depth)
}

// decodeIPv4 checks an IPv4 header as tshark does: a wrong version, a
// header length under 20 bytes or a total length shorter than the header
// make the frame malformed; a total length past the bytes on the wire is
// cut to them, with a warning; a snap length cut trusts the total length.
func (d *Decoder) decodeIPv4(fs *frameState, b []byte, wire, depth int) bool {
	if len(b) == 0 {
		return false
	}
	if v := int(b[0] >> 4); v != ipVersion4 {
		fs.warn(WarnIPVersion, v, ipVersion4)
		return false
	}
	if len(b) < ipv4MinHeaderLen {
		if wire < ipv4MinHeaderLen {
			fs.warn(WarnIPHeaderCut, wire, ipv4MinHeaderLen)
		}
		return false
	}
	ihl := int(b[0]&0x0f) * 4
	if ihl < ipv4MinHeaderLen {
		fs.warn(WarnIPv4HeaderLength, ihl, ipv4MinHeaderLen)
		return false
	}
	length := int(binary.BigEndian.Uint16(b[2:4]))
	switch {
	case length == 0: // TSO: the NIC writes the length; the frame is the datagram
		length = wire
	case length < ihl:
		fs.warn(WarnIPv4TotalLengthShort, length, ihl)
		return false
	}
	if len(b) < ihl {
		if wire < ihl {
			fs.warn(WarnIPHeaderCut, wire, ihl)
		}
		return false
	}
	if length > wire {
		fs.warn(WarnIPv4LengthPastFrame, length, wire)
		length = wire
	}
	seg := fs.seg
	seg.Src, seg.Dst = netip.AddrFrom4([4]byte(b[12:16])), netip.AddrFrom4([4]byte(b[16:20]))
	proto := layers.IPProtocol(b[9])
	transport := b[ihl:min(length, len(b))]
	l4Len := length - ihl
	if fo := binary.BigEndian.Uint16(b[6:ipv4FlagsOffsetEnd]); fo&(ipv4FragOffMask|ipv4MoreFragments) != 0 {
		f := fragment{
			key:    fragKey{src: seg.Src, dst: seg.Dst, id: uint32(binary.BigEndian.Uint16(b[4:6])), proto: proto},
			proto:  proto,
			start:  int(fo&ipv4FragOffMask) * 8,
			length: l4Len,
			more:   fo&ipv4MoreFragments != 0,
			data:   transport,
			maxEnd: maxIPDatagram - ihl,
		}
		return d.fragment(fs, &f, depth)
	}
	seg.Truncated = len(transport) < l4Len
	return d.decodeTransport(fs, proto, transport, l4Len, depth)
}

// decodeIPv6 reads an IPv6 header and its extension headers. A payload
// length past the bytes on the wire is cut to them, with a warning.
func (d *Decoder) decodeIPv6(fs *frameState, b []byte, wire, depth int) bool {
	if len(b) == 0 {
		return false
	}
	if v := int(b[0] >> 4); v != ipVersion6 {
		fs.warn(WarnIPVersion, v, ipVersion6)
		return false
	}
	if len(b) < ipv6HeaderLen {
		if wire < ipv6HeaderLen {
			fs.warn(WarnIPHeaderCut, wire, ipv6HeaderLen)
		}
		return false
	}
	avail := wire - ipv6HeaderLen
	length := int(binary.BigEndian.Uint16(b[4:6]))
	proto := layers.IPProtocol(b[6])
	rest := b[ipv6HeaderLen:]
	if length == 0 {
		// A jumbogram (RFC 2675). Without the option tshark reads an empty
		// payload and calls the frame malformed (it may be a GSO
		// super-packet captured before segmentation): so do we.
		n, ok := jumboLength(proto, rest)
		if !ok {
			fs.warn(WarnIPv6LengthZero, 0, 0)
			return false
		}
		length = n
	}
	if length > avail {
		fs.warn(WarnIPv6LengthPastFrame, length, avail)
		length = avail
	}
	seg := fs.seg
	seg.Src, seg.Dst = netip.AddrFrom16([16]byte(b[8:24])), netip.AddrFrom16([16]byte(b[24:40]))
	ext := ipv6Walk{proto: proto, b: rest[:min(length, len(rest))], l4Len: length}
	if !ext.skip() {
		return false
	}
	if ext.fragment {
		f := fragment{
			key:    fragKey{src: seg.Src, dst: seg.Dst, id: ext.fragID},
			proto:  ext.proto,
			start:  ext.fragStart,
			length: ext.l4Len,
			more:   ext.fragMore,
			data:   ext.b,
			maxEnd: maxIPDatagram,
			v6:     true,
		}
		return d.fragment(fs, &f, depth)
	}
	seg.Truncated = len(ext.b) < ext.l4Len
	return d.decodeTransport(fs, ext.proto, ext.b, ext.l4Len, depth)
}

// jumboLength reads the jumbo payload option of a hop-by-hop header
// (RFC 2675): the length of everything after the IPv6 header.
func jumboLength(proto layers.IPProtocol, b []byte) (int, bool) {
	if proto != layers.IPProtocolIPv6HopByHop || len(b) < 2 {
		return 0, false
	}
	opts := b[2:min((int(b[1])+1)*8, len(b))]
	for len(opts) > 0 {
		if opts[0] == ipv6OptPad1 {
			opts = opts[1:]
			continue
		}
		if len(opts) < 2 || len(opts) < 2+int(opts[1]) {
			return 0, false
		}
		if opts[0] == ipv6OptJumbo && opts[1] == ipv6OptJumboLen {
			return int(binary.BigEndian.Uint32(opts[2:6])), true
		}
		opts = opts[2+int(opts[1]):]
	}
	return 0, false
}

// ipv6Walk walks the IPv6 extension headers before the transport header:
// proto, b and l4Len start at the first header after the fixed one and end
// at the transport header (or, for a fragment, at the fragmentable part).
type ipv6Walk struct {
	proto     layers.IPProtocol
	b         []byte
	l4Len     int
	fragment  bool // a fragment header other than an atomic one was met
	fragMore  bool
	fragStart int // fragment offset in bytes
	fragID    uint32
}

// skip walks the headers; it is false when one is cut short or there are
// too many.
func (w *ipv6Walk) skip() bool {
	for range maxIPv6Extensions {
		var n int
		switch w.proto {
		case layers.IPProtocolIPv6HopByHop, layers.IPProtocolIPv6Routing, layers.IPProtocolIPv6Destination:
			if len(w.b) < 2 {
				return false
			}
			n = (int(w.b[1]) + 1) * 8
		case layers.IPProtocolAH:
			if len(w.b) < 2 {
				return false
			}
			n = (int(w.b[1]) + 2) * 4
		case layers.IPProtocolIPv6Fragment:
			if len(w.b) < ipv6FragHeaderLen {
				return false
			}
			fo := binary.BigEndian.Uint16(w.b[2:4])
			if fo&(ipv6FragOffMask|ipv6MoreFragments) != 0 {
				w.fragment = true
				w.fragStart, w.fragMore = int(fo&ipv6FragOffMask), fo&ipv6MoreFragments != 0
				w.fragID = binary.BigEndian.Uint32(w.b[4:8])
				w.proto, w.b, w.l4Len = layers.IPProtocol(w.b[0]), w.b[ipv6FragHeaderLen:], w.l4Len-ipv6FragHeaderLen
				return true
			}
			n = ipv6FragHeaderLen // an atomic fragment (RFC 6946): the whole datagram
		default:
			return true
		}
		if len(w.b) < n {
			return false
		}
		w.proto, w.b, w.l4Len = layers.IPProtocol(w.b[0]), w.b[n:], w.l4Len-n
	}
	return false
}

// decodeTransport decodes the TCP or UDP header of an IP packet whose
// payload is l4Len bytes on the wire (b holds the captured part), opening
// tunnels on the way.
func (d *Decoder) decodeTransport(fs *frameState, proto layers.IPProtocol, b []byte, l4Len, depth int) bool {
	switch proto {
	case layers.IPProtocolTCP:
		switch decodeTCP(b, l4Len, fs.seg) {
		case tcpOK:
			return true
		case tcpOffsetShort:
			fs.warn(WarnTCPDataOffsetShort, int(b[12]>>4)*4, tcpMinHeaderLen)
		case tcpOffsetPast:
			fs.warn(WarnTCPDataOffsetPastData, int(b[12]>>4)*4, l4Len)
		case tcpSegmentShort:
			fs.warn(WarnTCPDataOffsetPastData, tcpMinHeaderLen, l4Len)
		}
		return false
	case layers.IPProtocolUDP:
		if depth < maxTunnelDepth && len(b) >= udpPortsEnd && isTunnelPort(b) {
			if d.tunnelUDP(fs, b, l4Len, depth) {
				return true
			}
			if fs.res.Held {
				return false // an inner fragment held: the datagram comes with the last one
			}
		}
		return decodeUDP(b, l4Len, fs.seg)
	case layers.IPProtocolGRE:
		return depth < maxTunnelDepth && d.tunnelGRE(fs, b, l4Len, depth)
	case layers.IPProtocolIPv4: // IP in IP (RFC 2003)
		return depth < maxTunnelDepth && d.decodeIPv4(fs, b, l4Len, depth+1)
	case layers.IPProtocolIPv6: // 6in4 (RFC 4213) and IPv6 in IPv6
		return depth < maxTunnelDepth && d.decodeIPv6(fs, b, l4Len, depth+1)
	}
	return false
}
