package session

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
)

// trackRecord is the size of one fuzzed segment in FuzzTrack's input.
const trackRecord = 16

// trackSegments turns bytes into segments with nothing held back: any of
// 16 endpoints (IPv4 and IPv6, so tuples collide, reverse and multiply),
// any flags (all nine bits), full 32-bit sequence and acknowledgment
// numbers, any window and payload length, and a signed time step (captures
// whose clock goes backwards exist). Each record is 16 bytes:
//
//	0 source endpoint (low nibble) and destination (high nibble)
//	1-2 flags (9 bits), proto UDP when bit 15 is set
//	3-6 seq, 7-10 ack, 11-12 window, 13-14 payload length
//	15 signed time step in units of 10 ms, or a 3-minute jump when -128
func trackSegments(data []byte, fn func(*capture.Segment)) {
	var ends [16]netip.AddrPort
	for i := range ends {
		if i < 8 {
			ends[i] = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(1 + i%3)}), uint16(80+i))
		} else {
			ends[i] = netip.AddrPortFrom(netip.AddrFrom16([16]byte{15: byte(1 + i%3)}), uint16(80+i%4))
		}
	}
	now := t0
	frame := uint64(0)
	for len(data) >= trackRecord {
		b := data[:trackRecord]
		data = data[trackRecord:]
		frame++
		src, dst := ends[b[0]&0x0f], ends[b[0]>>4]
		step := int64(int8(b[15]))
		if step == -128 {
			step = 3 * 60 * 100 // past the tracker's linger of closed connections
		}
		now += step * 10 * ms
		fl := binary.BigEndian.Uint16(b[1:3])
		seg := capture.Segment{
			Frame: frame, Offset: int64(frame) * 100, TimeNS: now,
			Src: src.Addr(), Dst: dst.Addr(), SrcPort: src.Port(), DstPort: dst.Port(),
			Proto:      capture.ProtoTCP,
			Flags:      capture.TCPFlags(fl & 0x1ff),
			Seq:        binary.BigEndian.Uint32(b[3:7]),
			Ack:        binary.BigEndian.Uint32(b[7:11]),
			Window:     binary.BigEndian.Uint16(b[11:13]),
			PayloadLen: uint32(binary.BigEndian.Uint16(b[13:15])),
			Options:    capture.TCPOptions{WindowScale: int8(fl>>9&0x0f) - 1, MSS: fl & 0x7000},
		}
		if fl&0x8000 != 0 {
			seg.Proto = capture.ProtoUDP
		}
		fn(&seg)
	}
}

// FuzzTrack feeds arbitrary segment sequences to a Tracker and checks what
// must hold for any capture: no panic; every event names a valid state,
// phase, handshake and close; an event's stream exists; no more streams,
// flows or held connections than packets; the streams' packets add up to
// the TCP packets; memory held is bounded by what was fed (connections
// held plus the free list never exceed the TCP packets).
func FuzzTrack(f *testing.F) {
	rec := func(src, dst byte, flags capture.TCPFlags, seq, ack uint32, n uint16, step int8) []byte {
		b := make([]byte, trackRecord)
		b[0] = src | dst<<4
		binary.BigEndian.PutUint16(b[1:3], uint16(flags))
		binary.BigEndian.PutUint32(b[3:7], seq)
		binary.BigEndian.PutUint32(b[7:11], ack)
		binary.BigEndian.PutUint16(b[11:13], 65535)
		binary.BigEndian.PutUint16(b[13:15], n)
		b[15] = byte(step)
		return b
	}
	cat := func(parts ...[]byte) []byte {
		var out []byte
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	const SA = capture.SYN | capture.ACK
	hs := cat(rec(0, 1, capture.SYN, 100, 0, 0, 1), rec(1, 0, SA, 900, 101, 0, 1), rec(0, 1, capture.ACK, 101, 901, 0, 1))
	f.Add(hs)
	f.Add(cat(hs, rec(0, 1, capture.PSH|capture.ACK, 101, 901, 5, 1), rec(1, 0, capture.ACK, 901, 106, 0, 1),
		rec(0, 1, capture.FIN|capture.ACK, 106, 901, 0, 1), rec(1, 0, capture.FIN|capture.ACK, 901, 107, 0, 1),
		rec(0, 1, capture.ACK, 107, 902, 0, 1), rec(0, 1, capture.SYN, 5000, 0, 0, -128), rec(1, 0, capture.RST|capture.ACK, 0, 5001, 0, 1)))
	f.Add(cat(rec(8, 9, capture.SYN, 0xffffffff, 0, 0, -3), rec(9, 8, SA, 7, 0, 0, -1), rec(8, 9, capture.FIN, 0, 8, 65535, 0)))
	f.Add(cat(rec(2, 2, capture.SYN|capture.FIN|capture.RST, 1, 1, 1, 127), rec(3, 4, 0x1ff, 0, 0, 0, -128)))
	f.Add(cat(rec(0, 1, 0x8000, 0, 0, 10, 1), rec(1, 0, 0x8000, 0, 0, 10, 1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr := NewTracker()
		n := 0
		trackSegments(data, func(seg *capture.Segment) {
			n++
			var evs []Event
			if n%2 == 0 {
				evs = tr.Observe(seg)
			} else {
				tr.Track(seg) // analyze's path must keep the same state
				evs = nil
			}
			for _, e := range evs {
				if e.N < 1 || e.Client > TimeWait || e.Server > TimeWait || e.Phase > PhaseReset ||
					e.Handshake > HandshakeIncomplete || e.Close > CloseHalfClosed {
					t.Fatalf("segment %d: invalid event %+v", n, e)
				}
				switch e.Kind {
				case KindSegment:
					if e.Stream < 0 || e.Stream >= tr.Streams() {
						t.Fatalf("segment %d: stream %d of %d", n, e.Stream, tr.Streams())
					}
					if uint64(e.N) > tr.Summary(e.Stream).Packets {
						t.Fatalf("segment %d: packet %d of a stream holding %d", n, e.N, tr.Summary(e.Stream).Packets)
					}
				case KindDatagram:
					if e.Stream < 0 || e.Stream >= tr.UDPFlowCount() {
						t.Fatalf("segment %d: flow %d of %d", n, e.Stream, tr.UDPFlowCount())
					}
				default:
					t.Fatalf("segment %d: event kind %v from a segment", n, e.Kind)
				}
			}
			_, tcp, udp := tr.Counts()
			if uint64(tr.Streams()) > tcp || uint64(tr.UDPFlowCount()) > udp {
				t.Fatalf("segment %d: %d streams and %d flows from %d TCP and %d UDP packets", n, tr.Streams(), tr.UDPFlowCount(), tcp, udp)
			}
			if held := uint64(tr.LiveConnections() + len(tr.free)); held > tcp {
				t.Fatalf("segment %d: %d connections held or free after %d TCP packets", n, held, tcp)
			}
		})
		packets, tcp, udp := tr.Counts()
		if packets != uint64(n) || tcp+udp != packets {
			t.Fatalf("counts %d = %d TCP + %d UDP, fed %d", packets, tcp, udp, n)
		}
		var total uint64
		for i, s := range tr.Summaries() {
			if s.Index != i || s.Packets == 0 || s.Handshake > HandshakeIncomplete || s.Close > CloseHalfClosed ||
				s.ClosedBy > ClosedByBoth || s.Completeness > 63 || s.Duration < 0 {
				t.Fatalf("invalid summary %+v", s)
			}
			if s.Retransmissions+s.OutOfOrder > s.Packets {
				t.Fatalf("stream %d: %d retransmissions and %d out of order of %d packets", i, s.Retransmissions, s.OutOfOrder, s.Packets)
			}
			total += s.Packets
		}
		if total != tcp {
			t.Fatalf("streams hold %d packets, %d TCP packets fed", total, tcp)
		}
	})
}
