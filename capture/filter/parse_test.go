package filter

import (
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

func TestUnsupportedOrBadExpressionsAreRefusedNamingTheToken(t *testing.T) {
	for expr, want := range map[string]string{
		"icmp":                          `column 1: "icmp" is not supported`,
		"tcp and vlan":                  `column 9: "vlan" is not supported`,
		"host example.com":              `"example.com" is not an IP address (host names are not looked up)`,
		"port http":                     `"http" is not a port number`,
		"port 70000":                    `"70000" is not a port number`,
		"tcp and":                       `at the end of "tcp and": expected a primitive`,
		"(tcp or udp":                   `missing ')' for the '(' at column 1`,
		"ip host ::1":                   `ip takes an IPv4 address, not ::1`,
		"ip port 80":                    `port takes tcp or udp, not ip`,
		"tcp[13:3] = 2":                 `size must be 1, 2 or 4`,
		"tcp port 80 udp":               `column 13: unexpected "udp" (expected and, or, or the end)`,
		"frobnicate":                    `unknown primitive "frobnicate"`,
		"net 10.0.0.0 mask 255.0.255.0": `mask 255.0.255.0 is not contiguous`,
	} {
		_, err := Parse(expr)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", expr, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q): the error is more than one line: %q", expr, err)
		}
	}
}

func TestRepeatedQualifiersApplyToABareValue(t *testing.T) {
	e, err := Parse("tcp dst port 80 or 443")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.Root().String(), "(tcp dst port 80 or tcp dst port 443)"; got != want {
		t.Errorf("tree = %s, want %s", got, want)
	}
}

// ipv6TCP builds an Ethernet frame: IPv6, the given extension headers
// (each 8 bytes: next header, length 0), then a TCP header with ports.
func ipv6TCP(ext []uint8, sport, dport uint16) []byte {
	f := make([]byte, 14+40+8*len(ext)+20)
	f[12], f[13] = 0x86, 0xdd
	ip := f[14:]
	ip[0] = 0x60
	first := uint8(6)
	if len(ext) > 0 {
		first = ext[0]
	}
	ip[6] = first
	for i := range ext {
		h := ip[40+8*i:]
		h[0] = 6
		if i+1 < len(ext) {
			h[0] = ext[i+1]
		}
	}
	tcp := ip[40+8*len(ext):]
	tcp[0], tcp[1] = byte(sport>>8), byte(sport)
	tcp[2], tcp[3] = byte(dport>>8), byte(dport)
	tcp[12] = 5 << 4
	tcp[13] = 0x02
	return f
}

func TestIPv6ExtensionHeadersAreWalkedToTheTransportHeader(t *testing.T) {
	cases := []struct {
		name string
		ext  []uint8
	}{
		{"none", nil},
		{"hop-by-hop", []uint8{ip6HopByHop}},
		{"hop-by-hop, routing, destination options", []uint8{ip6HopByHop, ip6Routing, ip6DestOpts}},
		{"first fragment", []uint8{ip6Fragment}},
	}
	for _, c := range cases {
		frame := ipv6TCP(c.ext, 40000, 443)
		for expr, want := range map[string]bool{
			"tcp": true, "udp": false, "port 443": true, "src port 40000": true, "dst port 40000": false,
			"tcp[tcpflags] & tcp-syn != 0": true, "tcp[tcpflags] & tcp-fin != 0": false, "ip6": true, "ip": false,
		} {
			f, err := Compile(expr, layers.LinkTypeEthernet)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Match(frame); got != want {
				t.Errorf("%s: %q matched %v, want %v", c.name, expr, got, want)
			}
		}
	}
	// A non-first fragment holds no TCP header: its "ports" are data.
	frame := ipv6TCP([]uint8{ip6Fragment}, 40000, 443)
	frame[14+40+3] = 8 // fragment offset 1 (in 8-byte units, shifted by 3)
	f, _ := Compile("port 443", layers.LinkTypeEthernet)
	if f.Match(frame) {
		t.Error("a non-first IPv6 fragment matched a port")
	}
}

func TestProgramsAssembleForEveryLinkTypeAndTheKernelLimit(t *testing.T) {
	expr := "(tcp and port 80) or (udp and not port 53) or (tcp[tcpflags] & (tcp-syn|tcp-fin) != 0 and net fe80::/10)"
	for _, lt := range []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeLinuxSLL2, layers.LinkTypeNull, layers.LinkTypeLoop, layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6} {
		f, err := Compile(expr, lt)
		if err != nil {
			t.Fatalf("%s: %v", lt, err)
		}
		raw, err := f.Assemble()
		if err != nil || len(raw) == 0 || len(raw) > bpfMaxInstructions {
			t.Fatalf("%s: %d instructions, %v", lt, len(raw), err)
		}
	}
	if _, err := Compile("tcp", layers.LinkType(147)); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("an unknown link type compiled: %v", err)
	}
}
