package capture

import (
	"encoding/binary"

	"github.com/gopacket/gopacket/layers"
)

// Tunnels the decoder opens to reach the inner TCP or UDP header.
const (
	portVXLAN       = 4789 // RFC 7348
	portGeneve      = 6081 // RFC 8926
	vxlanHeaderLen  = 8
	vxlanFlagVNI    = 0x08 // the I flag: the VNI is valid
	geneveHeaderLen = 8
	geneveVersion0  = 0
	geneveOptUnit   = 4
	greHeaderLen    = 4 // flags, version, protocol (RFC 2784)
	greOptionLen    = 4 // checksum+reserved, key, sequence number: 4 bytes each
	greFlagChecksum = 0x80
	greFlagRouting  = 0x40 // RFC 1701 source routing: not opened
	greFlagKey      = 0x20 // RFC 2890
	greFlagSequence = 0x10
	greVersionMask  = 0x07   // version 1 is PPTP's enhanced GRE: not opened
	etherTypeTEB    = 0x6558 // transparent Ethernet bridging: an Ethernet frame inside
)

// isTunnelPort reports whether a UDP header's source or destination port is
// one of a tunnel that carries frames (VXLAN, Geneve). Like Wireshark, the
// port alone decides; a datagram that does not hold a sound inner packet
// stays a UDP datagram.
func isTunnelPort(udp []byte) bool {
	sp, dp := binary.BigEndian.Uint16(udp[0:2]), binary.BigEndian.Uint16(udp[2:4])
	return sp == portVXLAN || dp == portVXLAN || sp == portGeneve || dp == portGeneve
}

// tunnelUDP decodes the packet inside a VXLAN or Geneve datagram (udp
// holds the captured UDP header and payload, l4Len their length on the
// wire). When no TCP or UDP is found inside, seg is left as it was.
func (d *Decoder) tunnelUDP(fs *frameState, udp []byte, l4Len, depth int) bool {
	if len(udp) < udpHeaderLen {
		return false
	}
	b, wire := udp[udpHeaderLen:], l4Len-udpHeaderLen
	dp, sp := binary.BigEndian.Uint16(udp[2:4]), binary.BigEndian.Uint16(udp[0:2])
	var etherType uint16
	var n int
	switch {
	case dp == portVXLAN || sp == portVXLAN && dp != portGeneve:
		if len(b) < vxlanHeaderLen || b[0]&vxlanFlagVNI == 0 {
			return false
		}
		etherType, n = etherTypeTEB, vxlanHeaderLen
	default: // Geneve
		if len(b) < geneveHeaderLen || b[0]>>6 != geneveVersion0 {
			return false
		}
		etherType = binary.BigEndian.Uint16(b[2:4])
		n = geneveHeaderLen + int(b[0]&0x3f)*geneveOptUnit
	}
	if len(b) < n {
		return false
	}
	return d.inner(fs, etherType, b[n:], wire-n, depth+1)
}

// tunnelGRE decodes the packet inside a GRE header (RFC 2784, RFC 2890).
func (d *Decoder) tunnelGRE(fs *frameState, b []byte, l4Len, depth int) bool {
	if len(b) < greHeaderLen || b[1]&greVersionMask != 0 || b[0]&greFlagRouting != 0 {
		return false
	}
	n := greHeaderLen
	for _, f := range [...]byte{greFlagChecksum, greFlagKey, greFlagSequence} {
		if b[0]&f != 0 {
			n += greOptionLen
		}
	}
	if len(b) < n {
		return false
	}
	return d.inner(fs, binary.BigEndian.Uint16(b[2:4]), b[n:], l4Len-n, depth+1)
}

// inner decodes the packet a tunnel carries, named by an EtherType: an
// Ethernet frame or an IP packet. On failure seg is restored: the caller
// may still take the outer datagram.
func (d *Decoder) inner(fs *frameState, etherType uint16, b []byte, wire, depth int) bool {
	outer := *fs.seg
	var ok bool
	switch etherType {
	case etherTypeTEB:
		version, ip := d.network(layers.LinkTypeEthernet, b)
		if version != 0 {
			ok = d.decodeIP(fs, version, ip, wire-(len(b)-len(ip)), depth)
		}
	case etherTypeIPv4:
		ok = d.decodeIPv4(fs, b, wire, depth)
	case etherTypeIPv6:
		ok = d.decodeIPv6(fs, b, wire, depth)
	}
	if !ok {
		*fs.seg = outer
	}
	return ok
}
