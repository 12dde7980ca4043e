package filter

import (
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// FuzzFilter feeds any expression and any frame to the parser, the
// compiler of every link type and the program: no panic, no hang; an
// expression that compiles assembles for the kernel; one that fails says
// so in one line.
func FuzzFilter(f *testing.F) {
	frame := []byte{
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, // Ethernet, IPv4
		0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, // IPv4 TCP
		0x9c, 0x40, 0x22, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0, // TCP SYN
	}
	for _, e := range differential {
		f.Add(e, frame)
	}
	f.Add("tcp[tcpflags] & (tcp-syn|tcp-fin) != 0 and not port 22", frame)
	f.Add("ip6 and (src net 2001:db8::/32 or dst portrange 1000-2000)", []byte{})
	f.Add("((((((((tcp))))))))", frame)
	f.Fuzz(func(t *testing.T, expr string, frame []byte) {
		if len(expr) > 512 {
			return
		}
		e, err := Parse(expr)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("a parse error of %q spans lines: %q", expr, err)
			}
			return
		}
		for _, link := range []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeRaw, layers.LinkTypeNull, layers.LinkTypeLoop} {
			flt, err := e.Compile(link, Options{})
			if err != nil {
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("a compile error of %q spans lines: %q", expr, err)
				}
				continue
			}
			if _, err := flt.Assemble(); err != nil {
				t.Fatalf("%q compiled for %v does not assemble: %v", expr, link, err)
			}
			flt.Match(frame)
		}
	})
}
