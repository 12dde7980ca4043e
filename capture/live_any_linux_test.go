//go:build linux

package capture

import (
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/handshake-viz/handshake-viz/capture/filter"
)

// parseCookedSeg decodes the TCP segment of a Linux SLL2 frame and the
// interface index of its header.
func parseCookedSeg(data []byte) (liveSeg, int, bool) {
	if len(data) < sll2HeaderLen {
		return liveSeg{}, 0, false
	}
	p := gopacket.NewPacket(data, layers.LayerTypeLinuxSLL2, gopacket.Default)
	tl, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
	if !ok {
		return liveSeg{}, 0, false
	}
	return liveSeg{
		SrcPort: uint16(tl.SrcPort), DstPort: uint16(tl.DstPort), Seq: tl.Seq, Ack: tl.Ack,
		SYN: tl.SYN, ACK: tl.ACK, FIN: tl.FIN, RST: tl.RST, PSH: tl.PSH, PayloadLen: len(tl.Payload),
	}, int(binary.BigEndian.Uint32(data[4:8])), true
}

func mustParseFilter(t *testing.T, s string) *filter.Expr {
	t.Helper()
	e, err := filter.Parse(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return e
}

func TestLiveCaptureOnAnyIsCookedSeesLoopbackOnceAndAppliesTheFilter(t *testing.T) {
	skipUnlessRoot(t, "live capture (CAP_NET_RAW)")
	ln := listenLoopback(t)
	other := listenLoopback(t)
	port := listenerPort(ln)
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Fatal(err)
	}

	src, err := OpenLive(LiveConfig{Interface: AnyInterface, Filter: mustParseFilter(t, fmt.Sprintf("tcp port %d", port))})
	if err != nil {
		t.Fatalf("OpenLive any: %v", err)
	}
	defer src.Close()
	if src.LinkType() != layers.LinkTypeLinuxSLL2 {
		t.Fatalf("link type of -i any = %v, want Linux SLL2", src.LinkType())
	}
	type read struct {
		seg liveSeg
		ifx int
		ok  bool
	}
	packets := make(chan read, 256)
	go func() {
		for {
			p, err := src.Next()
			if err != nil {
				close(packets)
				return
			}
			seg, ifx, ok := parseCookedSeg(p.Data)
			packets <- read{seg, ifx, ok}
		}
	}()

	talk(t, other, "not for us")
	talk(t, ln, "hello")

	var segs []liveSeg
	seen := map[string]int{}
	timeout := time.After(liveWait)
	for !closedBothWays(segs) {
		select {
		case r, ok := <-packets:
			if !ok {
				t.Fatalf("capture ended early (saw %v)", segs)
			}
			if !r.ok {
				t.Fatalf("a frame that is not TCP in SLL2 passed the filter")
			}
			if r.seg.SrcPort != port && r.seg.DstPort != port {
				t.Errorf("segment %v of another port passed `tcp port %d`", r.seg, port)
			}
			if r.ifx != lo.Index {
				t.Errorf("SLL2 interface index %d, want lo's %d", r.ifx, lo.Index)
			}
			segs = append(segs, r.seg)
			seen[r.seg.String()]++
		case <-timeout:
			t.Fatalf("the close was not captured within %v; saw %v", liveWait, segs)
		}
	}
	for s, n := range seen {
		if n > 1 {
			t.Errorf("segment %s seen %d times: the outgoing loopback copy was not dropped", s, n)
		}
	}
	if !segs[0].SYN || segs[0].ACK {
		t.Errorf("first segment %v, want the SYN", segs[0])
	}
}

func TestLiveFilterOnLoopbackExcludesOtherPorts(t *testing.T) {
	skipUnlessRoot(t, "live capture (CAP_NET_RAW)")
	ln := listenLoopback(t)
	other := listenLoopback(t)
	port := listenerPort(ln)
	src, err := OpenLive(LiveConfig{Interface: "lo", Filter: mustParseFilter(t, fmt.Sprintf("tcp and dst port %d", port))})
	if err != nil {
		t.Fatalf("OpenLive: %v", err)
	}
	defer src.Close()
	packets, end := readLive(src)
	talk(t, other, "not for us")
	talk(t, ln, "hello")
	var segs []liveSeg
	timeout := time.After(liveWait)
	// Only the client's segments pass `dst port P`: SYN, ACK, data, FIN, last ACK.
	for !func() bool {
		for _, s := range segs {
			if s.FIN {
				return true
			}
		}
		return false
	}() {
		select {
		case r := <-packets:
			if !r.isTCP || r.seg.DstPort != port {
				t.Fatalf("frame %v passed `tcp and dst port %d`", r.seg, port)
			}
			if r.link != layers.LinkTypeEthernet {
				t.Fatalf("link type on lo %v, want Ethernet", r.link)
			}
			segs = append(segs, r.seg)
		case err := <-end:
			t.Fatalf("capture ended: %v", err)
		case <-timeout:
			t.Fatalf("the client's FIN was not captured within %v; saw %v", liveWait, segs)
		}
	}
}

func TestDefaultRouteIsTheLowestMetricUpDefault(t *testing.T) {
	table := `Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
wlan0	00000000	0101A8C0	0003	0	0	600	00000000	0	0	0
eth0	00000000	0100000A	0003	0	0	100	00000000	0	0	0
eth0	0000000A	00000000	0001	0	0	100	00FFFFFF	0	0	0
down0	00000000	0100000A	0002	0	0	1	00000000	0	0	0
`
	got, err := defaultRoute(strings.NewReader(table))
	if err != nil || got != "eth0" {
		t.Errorf("defaultRoute = %q, %v; want eth0", got, err)
	}
	_, err = defaultRoute(strings.NewReader("Iface\tDestination\n"))
	if err == nil || !strings.Contains(err.Error(), "-i") {
		t.Errorf("no default route: err %v, want one naming -i", err)
	}
}
