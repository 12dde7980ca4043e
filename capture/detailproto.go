package capture

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/gopacket/gopacket/layers"
)

// Field layouts of the headers the detail pane breaks down; offsets are
// relative to the start of each header.

func ethernetLayer(data []byte, start, end int) Layer {
	l, f := newLayer("Ethernet II", GroupLink, data, start, end)
	f.add("Destination", 0, 6, macValue)
	f.add("Source", 6, 12, macValue)
	f.add("Type", 12, 14, etherTypeValue)
	return *l
}

func dot1QLayer(data []byte, start, end int) Layer {
	l, f := newLayer("802.1Q VLAN", GroupLink, data, start, end)
	f.add("Priority", 0, 1, func(v []byte) string { return fmt.Sprint(v[0] >> 5) })
	f.add("VLAN ID", 0, 2, func(v []byte) string { return fmt.Sprint(binary.BigEndian.Uint16(v) & 0x0fff) })
	f.add("Type", 2, 4, etherTypeValue)
	return *l
}

func mplsDetail(data []byte, start, end int) Layer {
	l, f := newLayer("MPLS", GroupLink, data, start, end)
	f.add("Label", 0, 3, func(v []byte) string { return fmt.Sprint(uint32(v[0])<<12 | uint32(v[1])<<4 | uint32(v[2])>>4) })
	f.add("Traffic class", 2, 3, func(v []byte) string { return fmt.Sprint(v[0] >> 1 & 7) })
	f.add("Bottom of stack", 2, 3, func(v []byte) string { return fmt.Sprint(v[0]&1 == 1) })
	f.add("TTL", 3, 4, decimal)
	return *l
}

func sllLayer(data []byte, start, end int) Layer {
	l, f := newLayer("Linux cooked capture (SLL)", GroupLink, data, start, end)
	f.add("Packet type", 0, 2, decimal)
	f.add("ARPHRD type", 2, 4, decimal)
	f.add("Address length", 4, 6, decimal)
	f.add("Address", 6, 14, macValue)
	f.add("Protocol", 14, 16, etherTypeValue)
	return *l
}

func sll2Layer(data []byte, start, end int) Layer {
	l, f := newLayer("Linux cooked capture v2 (SLL2)", GroupLink, data, start, end)
	f.add("Protocol", 0, 2, etherTypeValue)
	f.add("Interface index", 4, 8, decimal)
	f.add("ARPHRD type", 8, 10, decimal)
	f.add("Packet type", 10, 11, decimal)
	f.add("Address length", 11, 12, decimal)
	f.add("Address", 12, 20, macValue)
	return *l
}

func loopbackLayer(data []byte, start, end int) Layer {
	l, f := newLayer("Null/Loopback", GroupLink, data, start, end)
	f.add("Family", 0, 4, func(v []byte) string {
		fam := binary.LittleEndian.Uint32(v)
		if v[0] == 0 && v[1] == 0 {
			fam = binary.BigEndian.Uint32(v)
		}
		return fmt.Sprintf("%d (%s)", fam, layers.ProtocolFamily(fam))
	})
	return *l
}

func ipv4Layer(data []byte, start, end int) Layer {
	l, f := newLayer("IPv4", GroupNetwork, data, start, end)
	f.add("Version", 0, 1, func(v []byte) string { return fmt.Sprint(v[0] >> 4) })
	f.add("Header length", 0, 1, func(v []byte) string { return fmt.Sprintf("%d bytes", int(v[0]&0x0f)*4) })
	f.add("DSCP/ECN", 1, 2, hexValue)
	f.add("Total length", 2, 4, decimal)
	f.add("Identification", 4, 6, hexValue)
	f.add("Flags", 6, 7, func(v []byte) string {
		var s []string
		if v[0]&0x40 != 0 {
			s = append(s, "DF")
		}
		if v[0]&0x20 != 0 {
			s = append(s, "MF")
		}
		if len(s) == 0 {
			return "none"
		}
		return strings.Join(s, ", ")
	})
	f.add("Fragment offset", 6, 8, func(v []byte) string { return fmt.Sprint(int(binary.BigEndian.Uint16(v)&0x1fff) * 8) })
	f.add("TTL", 8, 9, decimal)
	f.add("Protocol", 9, 10, protocolValue)
	f.add("Header checksum", 10, 12, hexValue)
	f.add("Source", 12, 16, ipValue)
	f.add("Destination", 16, 20, ipValue)
	f.add("Options", 20, end-start, func(v []byte) string { return fmt.Sprintf("%d bytes", len(v)) })
	return *l
}

func ipv6Layer(data []byte, start, end int) Layer {
	l, f := newLayer("IPv6", GroupNetwork, data, start, end)
	f.add("Version", 0, 1, func(v []byte) string { return fmt.Sprint(v[0] >> 4) })
	f.add("Traffic class", 0, 2, func(v []byte) string { return fmt.Sprintf("0x%02x", binary.BigEndian.Uint16(v)>>4&0xff) })
	f.add("Flow label", 1, 4, func(v []byte) string {
		return fmt.Sprintf("0x%05x", uint32(v[0]&0x0f)<<16|uint32(v[1])<<8|uint32(v[2]))
	})
	f.add("Payload length", 4, 6, decimal)
	f.add("Next header", 6, 7, protocolValue)
	f.add("Hop limit", 7, 8, decimal)
	f.add("Source", 8, 24, ipValue)
	f.add("Destination", 24, 40, ipValue)
	return *l
}

func ipv6ExtLayer(name string, data []byte, start, end int) Layer {
	l, f := newLayer(name, GroupNetwork, data, start, end)
	f.add("Next header", 0, 1, protocolValue)
	f.add("Header length", 1, 2, func(v []byte) string { return fmt.Sprintf("%d bytes", end-start) })
	return *l
}

func tcpLayer(name string, data []byte, start, end int) Layer {
	l, f := newLayer(name, GroupTransport, data, start, end)
	f.add("Source port", 0, 2, decimal)
	f.add("Destination port", 2, 4, decimal)
	f.add("Sequence number", 4, 8, decimal)
	f.add("Acknowledgment number", 8, 12, decimal)
	f.add("Data offset", 12, 13, func(v []byte) string { return fmt.Sprintf("%d bytes", int(v[0]>>4)*4) })
	f.add("Flags", 12, 14, func(v []byte) string {
		return fmt.Sprintf("0x%03x (%s)", binary.BigEndian.Uint16(v)&0x1ff, TCPFlags(uint16(v[0]&1)<<8|uint16(v[1])))
	})
	f.add("Window", 14, 16, decimal)
	f.add("Checksum", 16, 18, hexValue)
	f.add("Urgent pointer", 18, 20, decimal)
	if len(f.b) >= tcpFlagsEnd && int(f.b[12]>>4)*4 > len(f.b) && !strings.Contains(name, "cut short") {
		l.Name += " (header cut short)"
	}
	if len(f.b) > tcpMinHeaderLen {
		hdr := min(int(f.b[12]>>4)*4, len(f.b))
		if hdr > tcpMinHeaderLen {
			l.End = start + hdr
			tcpOptionFields(f, tcpMinHeaderLen, hdr)
		} else {
			l.End = start + tcpMinHeaderLen
		}
	}
	return *l
}

// tcpOptionFields adds one field per TCP option in header bytes [from, to).
func tcpOptionFields(f fields, from, to int) {
	for i := from; i < to; {
		kind := f.b[i]
		if kind == tcpOptEnd || kind == tcpOptNOP {
			name := "Option: NOP"
			if kind == tcpOptEnd {
				name = "Option: End of options"
			}
			f.add(name, i, i+1, func([]byte) string { return "" })
			if kind == tcpOptEnd {
				return
			}
			i++
			continue
		}
		if i+2 > to || f.b[i+1] < 2 || i+int(f.b[i+1]) > to {
			f.add("Option: malformed", i, to, hexValue)
			return
		}
		n := int(f.b[i+1])
		switch {
		case kind == tcpOptMSS && n == 4:
			f.add("Option: MSS", i, i+n, func(v []byte) string { return decimal(v[2:]) })
		case kind == tcpOptWindowScale && n == 3:
			f.add("Option: Window scale", i, i+n, func(v []byte) string {
				return fmt.Sprintf("%d (multiply by %d)", v[2], 1<<min(v[2], tcpMaxWindowScale))
			})
		case kind == tcpOptSACKPermitted:
			f.add("Option: SACK permitted", i, i+n, func([]byte) string { return "" })
		case kind == tcpOptTimestamps && n == 10:
			f.add("Option: Timestamps", i, i+n, func(v []byte) string {
				return fmt.Sprintf("TSval %d, TSecr %d", binary.BigEndian.Uint32(v[2:6]), binary.BigEndian.Uint32(v[6:10]))
			})
		case kind == tcpOptSACK:
			f.add("Option: SACK", i, i+n, func(v []byte) string { return fmt.Sprintf("%d blocks", (len(v)-2)/8) })
		default:
			f.add(fmt.Sprintf("Option: kind %d", kind), i, i+n, hexValue)
		}
		i += n
	}
}

func udpLayer(data []byte, start, end int) Layer {
	end = min(end, start+udpHeaderLen)
	l, f := newLayer("UDP", GroupTransport, data, start, end)
	f.add("Source port", 0, 2, decimal)
	f.add("Destination port", 2, 4, decimal)
	f.add("Length", 4, 6, decimal)
	f.add("Checksum", 6, 8, hexValue)
	return *l
}
