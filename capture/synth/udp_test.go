package synth

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

func TestWriteUDPWritesAQueryAndAnAnswerPerFlowWithValidIPv4Checksums(t *testing.T) {
	const flows = 200
	var buf bytes.Buffer
	n, err := WriteUDP(&buf, flows)
	if err != nil || n != 2*flows {
		t.Fatalf("WriteUDP: %d packets, %v; want %d", n, err, 2*flows)
	}
	r, err := pcapgo.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string][2]int{} // client 4-tuple: queries, answers
	var last int64
	for i := 0; ; i++ {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		if ts := ci.Timestamp.UnixNano(); ts < last {
			t.Fatalf("packet %d goes back in time", i)
		} else {
			last = ts
		}
		p := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		ip, _ := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		udp, _ := p.Layer(layers.LayerTypeUDP).(*layers.UDP)
		if ip == nil || udp == nil {
			t.Fatalf("packet %d is not IPv4/UDP: %v", i, p)
		}
		if got := rfc1071(data[14:34]); got != 0xffff {
			t.Fatalf("packet %d: IPv4 header checksum does not verify (%#x)", i, got)
		}
		if int(udp.Length) != 8+len(udp.Payload) || int(ip.Length) != 20+int(udp.Length) {
			t.Fatalf("packet %d: lengths IP %d UDP %d payload %d", i, ip.Length, udp.Length, len(udp.Payload))
		}
		c := seen[key(ip, udp)]
		if udp.DstPort == 53 {
			c[0]++
		} else if c[0] == 0 {
			t.Fatalf("packet %d: an answer before its query", i)
		} else {
			c[1]++
		}
		seen[key(ip, udp)] = c
	}
	if len(seen) != flows {
		t.Fatalf("%d flows, want %d", len(seen), flows)
	}
	for k, c := range seen {
		if c != [2]int{1, 1} {
			t.Errorf("flow %s: %d queries, %d answers", k, c[0], c[1])
		}
	}
}

// key names a UDP flow by its client end.
func key(ip *layers.IPv4, udp *layers.UDP) string {
	if udp.DstPort == 53 {
		return fmt.Sprintf("%v:%d", ip.SrcIP, udp.SrcPort)
	}
	return fmt.Sprintf("%v:%d", ip.DstIP, udp.DstPort)
}
