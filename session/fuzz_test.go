package session

import (
	"encoding/binary"
	"encoding/json"
	"net/netip"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
)

// fuzzSegments turns bytes into literal segments: 10 bytes each (tuple,
// flags, seq and ack offsets, payload length, time step), over three
// 4-tuples, with UDP now and then. Sequence numbers stay near each other so
// that the state machines see plausible and implausible orders alike.
func fuzzSegments(data []byte, fn func(*capture.Segment)) {
	ends := [...]netip.AddrPort{
		netip.MustParseAddrPort("10.0.0.1:1000"), netip.MustParseAddrPort("10.0.0.2:80"),
		netip.MustParseAddrPort("[::1]:5000"), netip.MustParseAddrPort("[::1]:80"),
	}
	now := t0
	for len(data) >= 10 {
		b := data[:10]
		data = data[10:]
		pair := int(b[0]) % 3
		a, z := ends[(pair*2)%4], ends[(pair*2+1)%4]
		if b[0]&0x80 != 0 {
			a, z = z, a
		}
		now += int64(b[9]) * 100_000 * int64(1+b[9]%7)
		seg := capture.Segment{
			TimeNS: now, Src: a.Addr(), Dst: z.Addr(), SrcPort: a.Port(), DstPort: z.Port(),
			Proto: capture.ProtoTCP, Flags: capture.TCPFlags(b[1]) | capture.TCPFlags(b[0]&0x40)<<2,
			Seq:        1000 + uint32(binary.BigEndian.Uint16(b[2:4])),
			Ack:        5000 + uint32(binary.BigEndian.Uint16(b[4:6])),
			Window:     binary.BigEndian.Uint16(b[6:8]),
			PayloadLen: uint32(b[8]),
		}
		if b[0]&0x20 != 0 {
			seg.Seq, seg.Ack = seg.Ack, seg.Seq // the other side's numbers
		}
		if b[0]&0x10 != 0 && b[0]&0x08 != 0 {
			seg.Proto = capture.ProtoUDP
		}
		fn(&seg)
	}
}

func FuzzTrackerObserve(f *testing.F) {
	var seed []byte
	for _, p := range join(handshake, []pkt{{c, fFA, 1001, 5001, 0, 0}, {s, fFA, 5001, 1002, 0, 0}}) {
		flags := byte(p.flags)
		dir := byte(0)
		if p.from == FromServer {
			dir = 0x80
		}
		seed = append(seed, dir, flags, 0, 0, 0, 1, 0xff, 0xff, 0, 10)
	}
	f.Add(seed)
	f.Add([]byte{0x20, byte(capture.RST | capture.ACK), 0xff, 0xff, 0, 0, 0, 0, 200, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		tr := NewTracker()
		fuzzSegments(data, func(seg *capture.Segment) {
			evs := tr.Observe(seg)
			if len(evs) != 1 {
				t.Fatalf("%d events for one segment", len(evs))
			}
			e := evs[0]
			if e.N < 1 || e.Client > TimeWait || e.Server > TimeWait || e.Phase > PhaseReset {
				t.Fatalf("bad event %+v", e)
			}
			if e.Kind == KindSegment && e.Stream >= tr.Streams() {
				t.Fatalf("stream %d of %d", e.Stream, tr.Streams())
			}
		})
		if _, err := json.Marshal(tr.Summaries()); err != nil {
			t.Fatal(err)
		}
		var total uint64
		for _, s := range tr.Summaries() {
			total += s.Packets
		}
		if _, tcp, _ := tr.Counts(); total != tcp {
			t.Fatalf("streams hold %d packets, %d TCP packets observed", total, tcp)
		}
	})
}
