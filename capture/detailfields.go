package capture

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// linkDecoder is the gopacket decoder for the first header of a frame.
func linkDecoder(lt layers.LinkType, data []byte) gopacket.Decoder {
	switch lt {
	case layers.LinkTypeRaw, linkTypeRawDLT12, linkTypeRawDLT14, layers.LinkTypeIPv4, layers.LinkTypeIPv6:
		if len(data) > 0 && data[0]>>4 == ipVersion6 {
			return layers.LayerTypeIPv6
		}
		return layers.LayerTypeIPv4
	case layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeLinuxSLL2,
		layers.LinkTypeNull, layers.LinkTypeLoop:
		return lt
	}
	if lt < layers.LinkTypeMax && layers.LinkTypeMetadata[lt].DecodeWith != nil {
		return lt
	}
	return nil
}

// layerStart finds where contents starts in data: contents is a subslice of
// data (NoCopy decoding), so the difference of capacities is its offset.
// Anything implausible falls back to pos, the end of the previous layer.
func layerStart(data, contents []byte, pos int) int {
	if len(contents) == 0 {
		return pos
	}
	start := cap(data) - cap(contents)
	if start < pos || start+len(contents) > len(data) || &data[start] != &contents[0] {
		return pos
	}
	return start
}

// nextProtocol is the protocol an IP header (or IPv6 extension) says comes next.
func nextProtocol(l gopacket.Layer) (layers.IPProtocol, bool) {
	switch l := l.(type) {
	case *layers.IPv4:
		return l.Protocol, true
	case *layers.IPv6:
		if l.HopByHop != nil {
			return l.HopByHop.NextHeader, true
		}
		return l.NextHeader, true
	case *layers.IPv6HopByHop:
		return l.NextHeader, true
	case *layers.IPv6Routing:
		return l.NextHeader, true
	case *layers.IPv6Destination:
		return l.NextHeader, true
	case *layers.IPv6Fragment:
		return l.NextHeader, true
	}
	return 0, false
}

// fields collects the fields of one header, skipping those not captured.
type fields struct {
	layer *Layer
	b     []byte // the header's bytes
}

func newLayer(name string, g LayerGroup, data []byte, start, end int) (*Layer, fields) {
	l := &Layer{Name: name, Group: g, Start: start, End: end}
	return l, fields{layer: l, b: data[start:end]}
}

// add appends field name over header bytes [from, to) when they were captured.
func (f fields) add(name string, from, to int, value func(v []byte) string) {
	if from < 0 || to > len(f.b) || from >= to {
		return
	}
	f.layer.Fields = append(f.layer.Fields, Field{
		Name: name, Value: value(f.b[from:to]),
		Start: f.layer.Start + from, End: f.layer.Start + to,
	})
}

func decimal(v []byte) string {
	var n uint64
	for _, c := range v {
		n = n<<8 | uint64(c)
	}
	return fmt.Sprint(n)
}

func hexValue(v []byte) string { return fmt.Sprintf("0x%x", v) }

func macValue(v []byte) string {
	parts := make([]string, len(v))
	for i, c := range v {
		parts[i] = fmt.Sprintf("%02x", c)
	}
	return strings.Join(parts, ":")
}

func ipValue(v []byte) string {
	if a, ok := netip.AddrFromSlice(v); ok {
		return a.String()
	}
	return hexValue(v)
}

func etherTypeValue(v []byte) string {
	t := layers.EthernetType(binary.BigEndian.Uint16(v))
	return fmt.Sprintf("0x%04x (%s)", uint16(t), t)
}

func protocolValue(v []byte) string {
	return fmt.Sprintf("%d (%s)", v[0], layers.IPProtocol(v[0]))
}

// headerLayer describes one decoded header with its main fields.
func headerLayer(l gopacket.Layer, data []byte, start, end int) Layer {
	switch l.(type) {
	case *layers.Ethernet:
		return ethernetLayer(data, start, end)
	case *layers.Dot1Q:
		return dot1QLayer(data, start, end)
	case *layers.MPLS:
		return mplsDetail(data, start, end)
	case *layers.LinuxSLL:
		return sllLayer(data, start, end)
	case *layers.LinuxSLL2:
		return sll2Layer(data, start, end)
	case *layers.Loopback:
		return loopbackLayer(data, start, end)
	case *layers.IPv4:
		return ipv4Layer(data, start, end)
	case *layers.IPv6:
		return ipv6Layer(data, start, end)
	case *layers.IPv6HopByHop, *layers.IPv6Routing, *layers.IPv6Destination, *layers.IPv6Fragment:
		return ipv6ExtLayer(l.LayerType().String(), data, start, end)
	case *layers.TCP:
		return tcpLayer("TCP", data, start, end)
	case *layers.UDP:
		return udpLayer(data, start, end)
	}
	return Layer{Name: l.LayerType().String(), Group: groupOf(l), Start: start, End: end}
}

// groupOf places a header gopacket decoded that we show without fields.
func groupOf(l gopacket.Layer) LayerGroup {
	switch l.LayerType() {
	case layers.LayerTypeARP, layers.LayerTypePPP, layers.LayerTypePPPoE, layers.LayerTypeLLC,
		layers.LayerTypeSNAP, layers.LayerTypeEthernetCTP, layers.LayerTypeLinkLayerDiscovery:
		return GroupLink
	case layers.LayerTypeICMPv4, layers.LayerTypeICMPv6, layers.LayerTypeIPSecAH,
		layers.LayerTypeIPSecESP, layers.LayerTypeGRE, layers.LayerTypeIGMP:
		return GroupNetwork
	case layers.LayerTypeSCTP, layers.LayerTypeUDPLite:
		return GroupTransport
	}
	switch l.(type) {
	case gopacket.LinkLayer:
		return GroupLink
	case gopacket.NetworkLayer:
		return GroupNetwork
	case gopacket.TransportLayer:
		return GroupTransport
	}
	return GroupApplication
}

// failedLayer shows the bytes gopacket could not decode: a transport header
// cut short still shows the fields that were captured.
func failedLayer(data []byte, start int, proto layers.IPProtocol) Layer {
	switch proto {
	case layers.IPProtocolTCP:
		return tcpLayer("TCP (header cut short)", data, start, len(data))
	case layers.IPProtocolUDP:
		return udpLayer(data, start, len(data))
	}
	return payloadLayer(data, start, len(data), GroupApplication, "Payload")
}

// payloadLayer is a run of bytes with a printable preview.
func payloadLayer(data []byte, start, end int, g LayerGroup, name string) Layer {
	l, f := newLayer(fmt.Sprintf("%s (%d bytes)", name, end-start), g, data, start, end)
	f.add("Data", 0, min(end-start, payloadPreviewLen), printable)
	if end-start > payloadPreviewLen {
		l.Fields[0].Value += "…"
	}
	return *l
}

// printable shows bytes as text, with '.' for bytes that are not printable ASCII.
func printable(v []byte) string {
	b := make([]byte, len(v))
	for i, c := range v {
		if c >= 0x20 && c < 0x7f {
			b[i] = c
		} else {
			b[i] = '.'
		}
	}
	return string(b)
}
