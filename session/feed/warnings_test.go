package feed

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/handshake-viz/handshake-viz/capture"
)

// frameSource hands out crafted Ethernet frames.
type frameSource struct {
	frames [][]byte
	next   int
}

func (s *frameSource) Next() (capture.RawPacket, error) {
	if s.next == len(s.frames) {
		return capture.RawPacket{}, io.EOF
	}
	s.next++
	return capture.RawPacket{Data: s.frames[s.next-1], LinkType: layers.LinkTypeEthernet, Frame: uint64(s.next), Offset: -1}, nil
}
func (s *frameSource) Info() capture.SourceInfo { return capture.SourceInfo{Name: "crafted"} }
func (s *frameSource) BytesRead() int64         { return 0 }
func (s *frameSource) Close() error             { return nil }

// craftedTCP is an Ethernet/IPv4/TCP frame from 10.1.0.2:40000 to
// 10.1.0.1:8888 with 12 payload bytes (66 bytes).
func craftedTCP(t *testing.T) []byte {
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: net.IPv4(10, 1, 0, 2), DstIP: net.IPv4(10, 1, 0, 1)}
	tcp := &layers.TCP{SrcPort: 40000, DstPort: 8888, Seq: 1000, Ack: 2000, ACK: true, PSH: true, Window: 512}
	tcp.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		&layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4},
		ip, tcp, gopacket.Payload("hello, world"))
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRunCountsMalformedFramesAndListsTheirWarnings(t *testing.T) {
	good := craftedTCP(t)
	inflated := append([]byte(nil), good...)
	binary.BigEndian.PutUint16(inflated[16:18], 29474) // the 66-byte frame that claims 29,474 IP bytes
	inflated[47] = 0xff                                // a new sequence number: not a retransmission
	bogus := append([]byte(nil), good...)
	bogus[14] = 0x25 // IPv4 version 2
	frames := [][]byte{good, inflated}
	for range 150 {
		frames = append(frames, bogus)
	}
	for name, run := range map[string]func(context.Context, capture.Source, Options) (Result, error){"Run": Run, "RunParallel": RunParallel} {
		res, err := run(context.Background(), &frameSource{frames: frames}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Malformed != 150 || res.HeaderWarnings != 151 {
			t.Errorf("%s: %d malformed, %d with warnings; want 150 and 151", name, res.Malformed, res.HeaderWarnings)
		}
		if len(res.Warnings) != maxFrameWarnings+1 || !strings.HasPrefix(res.Warnings[0], "frame 2: IPv4 total length 29474") ||
			!strings.HasPrefix(res.Warnings[1], "frame 3: malformed: IP version 2") ||
			!strings.HasPrefix(res.Warnings[maxFrameWarnings], "51 more frames") {
			t.Errorf("%s: %d warnings: %q … %q", name, len(res.Warnings), res.Warnings[:2], res.Warnings[len(res.Warnings)-1])
		}
		sums := res.Tracker.Summaries()
		if len(sums) != 1 || sums[0].Packets != 2 || sums[0].PayloadBytes.Client != 24 {
			t.Errorf("%s: streams %+v: want one of 2 packets and 12+12 payload bytes (never 29,434)", name, sums)
		}
	}
}
