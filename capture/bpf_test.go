package capture

import (
	"encoding/binary"
	"net"
	"slices"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"
)

const filterTestPort = 8888

// filterFrame is a hand-made frame for the filter tests.
type filterFrame struct {
	name string
	data []byte
}

func filterSerialize(t *testing.T, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	for _, l := range ls {
		if tl, ok := l.(interface {
			SetNetworkLayerForChecksum(gopacket.NetworkLayer) error
		}); ok {
			for _, nl := range ls {
				if n, ok := nl.(gopacket.NetworkLayer); ok {
					if err := tl.SetNetworkLayerForChecksum(n); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, ls...); err != nil {
		t.Fatalf("serialize frame: %v", err)
	}
	return buf.Bytes()
}

func filterEther(t layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: net.HardwareAddr{0, 0, 0, 0, 0, 0}, DstMAC: net.HardwareAddr{0, 0, 0, 0, 0, 0}, EthernetType: t}
}

func filterIPv4(proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, TTL: 64, Protocol: proto, SrcIP: net.IPv4(127, 0, 0, 1), DstIP: net.IPv4(127, 0, 0, 1)}
}

func filterIPv6(next layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: next, SrcIP: net.IPv6loopback, DstIP: net.IPv6loopback}
}

func filterTCP(src, dst uint16) *layers.TCP {
	return &layers.TCP{SrcPort: layers.TCPPort(src), DstPort: layers.TCPPort(dst), Seq: 1, SYN: true, Window: 65535}
}

func filterUDP(src, dst uint16) *layers.UDP {
	return &layers.UDP{SrcPort: layers.UDPPort(src), DstPort: layers.UDPPort(dst)}
}

// filterFrames returns frames the filter for filterTestPort must keep and
// frames it must drop.
func filterFrames(t *testing.T) (keep, drop []filterFrame) {
	payload := gopacket.Payload("hello")
	withOptions := filterIPv4(layers.IPProtocolTCP)
	// Four one-byte NOPs and an end-of-list make IHL 6: the ports move by 4.
	withOptions.Options = []layers.IPv4Option{{OptionType: 1}, {OptionType: 1}, {OptionType: 1}, {OptionType: 0}}
	firstFragment := filterIPv4(layers.IPProtocolTCP)
	firstFragment.Flags = layers.IPv4MoreFragments
	laterFragment := filterIPv4(layers.IPProtocolTCP)
	laterFragment.FragOffset = 3
	arp := &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPRequest, SourceHwAddress: make([]byte, 6), SourceProtAddress: []byte{127, 0, 0, 1},
		DstHwAddress: make([]byte, 6), DstProtAddress: []byte{127, 0, 0, 2}}
	icmp := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0)}
	// IPv6 TCP to the port behind an 8-byte hop-by-hop header (PadN).
	plain6 := filterSerialize(t, filterEther(layers.EthernetTypeIPv6), filterIPv6(layers.IPProtocolTCP), filterTCP(40000, filterTestPort))
	hopByHop := slices.Concat(plain6[:offIPv4+40], []byte{byte(layers.IPProtocolTCP), 0, 1, 4, 0, 0, 0, 0}, plain6[offIPv4+40:])
	hopByHop[offIPv6Next] = byte(layers.IPProtocolIPv6HopByHop)
	binary.BigEndian.PutUint16(hopByHop[offIPv4+4:], binary.BigEndian.Uint16(hopByHop[offIPv4+4:])+8)

	keep = []filterFrame{
		{"IPv4 TCP to the port", filterSerialize(t, filterEther(layers.EthernetTypeIPv4), filterIPv4(layers.IPProtocolTCP), filterTCP(40000, filterTestPort), payload)},
		{"IPv4 TCP from the port", filterSerialize(t, filterEther(layers.EthernetTypeIPv4), filterIPv4(layers.IPProtocolTCP), filterTCP(filterTestPort, 40000))},
		{"IPv4 with options (IHL 6) TCP to the port", filterSerialize(t, filterEther(layers.EthernetTypeIPv4), withOptions, filterTCP(40000, filterTestPort))},
		{"IPv4 first fragment TCP to the port", filterSerialize(t, filterEther(layers.EthernetTypeIPv4), firstFragment, filterTCP(40000, filterTestPort), payload)},
		{"IPv4 UDP to the port", filterSerialize(t, filterEther(layers.EthernetTypeIPv4), filterIPv4(layers.IPProtocolUDP), filterUDP(53000, filterTestPort), payload)},
		{"IPv6 TCP to the port", filterSerialize(t, filterEther(layers.EthernetTypeIPv6), filterIPv6(layers.IPProtocolTCP), filterTCP(40000, filterTestPort))},
		{"IPv6 UDP from the port", filterSerialize(t, filterEther(layers.EthernetTypeIPv6), filterIPv6(layers.IPProtocolUDP), filterUDP(filterTestPort, 53000), payload)},
	}
	drop = []filterFrame{
		{"IPv4 TCP on another port", filterSerialize(t, filterEther(layers.EthernetTypeIPv4), filterIPv4(layers.IPProtocolTCP), filterTCP(40000, 9999), payload)},
		{"IPv4 UDP on another port", filterSerialize(t, filterEther(layers.EthernetTypeIPv4), filterIPv4(layers.IPProtocolUDP), filterUDP(53000, 53), payload)},
		{"IPv4 later fragment whose bytes look like the port", filterSerialize(t, filterEther(layers.EthernetTypeIPv4), laterFragment, filterTCP(40000, filterTestPort))},
		{"IPv4 ICMP", filterSerialize(t, filterEther(layers.EthernetTypeIPv4), filterIPv4(layers.IPProtocolICMPv4), icmp)},
		{"IPv6 TCP on another port", filterSerialize(t, filterEther(layers.EthernetTypeIPv6), filterIPv6(layers.IPProtocolTCP), filterTCP(40000, 9999))},
		{"IPv6 hop-by-hop header before TCP", hopByHop},
		{"ARP", filterSerialize(t, filterEther(layers.EthernetTypeARP), arp)},
	}
	return keep, drop
}

func runFilter(t *testing.T, raw []bpf.RawInstruction, frame []byte) int {
	t.Helper()
	prog, allDecoded := bpf.Disassemble(raw)
	if !allDecoded {
		t.Fatalf("filter does not disassemble: %v", raw)
	}
	vm, err := bpf.NewVM(prog)
	if err != nil {
		t.Fatalf("filter rejected by the BPF VM: %v", err)
	}
	n, err := vm.Run(frame)
	if err != nil {
		t.Fatalf("run filter: %v", err)
	}
	return n
}

func TestBuildFilterKeepsTCPAndUDPOfThePortOnly(t *testing.T) {
	raw, err := BuildFilter(filterTestPort, false)
	if err != nil {
		t.Fatal(err)
	}
	keep, drop := filterFrames(t)
	for _, f := range keep {
		if n := runFilter(t, raw, f.data); n < len(f.data) {
			t.Errorf("%s: filter kept %d of %d bytes, want the whole frame", f.name, n, len(f.data))
		}
	}
	for _, f := range drop {
		if n := runFilter(t, raw, f.data); n != 0 {
			t.Errorf("%s: filter kept %d bytes, want it dropped", f.name, n)
		}
	}
}

func TestBuildFilterPortZeroKeepsAllTCPAndUDP(t *testing.T) {
	raw, err := BuildFilter(0, false)
	if err != nil {
		t.Fatal(err)
	}
	keep, drop := filterFrames(t)
	for _, f := range append(keep, drop[0], drop[1], drop[4]) { // TCP and UDP on other ports too
		if n := runFilter(t, raw, f.data); n < len(f.data) {
			t.Errorf("%s: port-0 filter kept %d of %d bytes, want the whole frame", f.name, n, len(f.data))
		}
	}
	for _, f := range []filterFrame{drop[2], drop[3], drop[5], drop[6]} { // fragment, ICMP, IPv6 extension, ARP
		if n := runFilter(t, raw, f.data); n != 0 {
			t.Errorf("%s: port-0 filter kept %d bytes, want it dropped", f.name, n)
		}
	}
}

// withPacketType replaces the packet-type load, which the Go BPF VM does
// not implement, by a constant: the rest of the program runs unchanged.
func withPacketType(t *testing.T, raw []bpf.RawInstruction, pktType uint32) ([]bpf.RawInstruction, int) {
	t.Helper()
	prog, _ := bpf.Disassemble(raw)
	replaced := 0
	for i, ins := range prog {
		if ext, ok := ins.(bpf.LoadExtension); ok && ext.Num == bpf.ExtType {
			prog[i] = bpf.LoadConstant{Dst: bpf.RegA, Val: pktType}
			replaced++
		}
	}
	out, err := bpf.Assemble(prog)
	if err != nil {
		t.Fatal(err)
	}
	return out, replaced
}

func TestBuildFilterDropsTheOutgoingCopyOnlyWhenAsked(t *testing.T) {
	const packetHost = 0
	keep, _ := filterFrames(t)
	frame := keep[0].data

	raw, err := BuildFilter(filterTestPort, true)
	if err != nil {
		t.Fatal(err)
	}
	outgoing, n := withPacketType(t, raw, packetOutgoing)
	if n != 1 {
		t.Fatalf("dropOutgoing filter loads the packet type %d times, want 1", n)
	}
	if got := runFilter(t, outgoing, frame); got != 0 {
		t.Errorf("outgoing copy: filter kept %d bytes, want it dropped", got)
	}
	host, _ := withPacketType(t, raw, packetHost)
	if got := runFilter(t, host, frame); got < len(frame) {
		t.Errorf("incoming copy: filter kept %d of %d bytes, want the whole frame", got, len(frame))
	}

	plain, err := BuildFilter(filterTestPort, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, n := withPacketType(t, plain, packetOutgoing); n != 0 {
		t.Errorf("filter without dropOutgoing loads the packet type %d times, want 0", n)
	}
}
