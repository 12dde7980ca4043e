package session

import (
	"net/netip"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
)

var (
	testClient = netip.MustParseAddrPort("10.1.0.2:40000")
	testServer = netip.MustParseAddrPort("10.1.0.1:8888")
)

const (
	c = FromClient
	s = FromServer

	fS  = capture.SYN
	fSA = capture.SYN | capture.ACK
	fA  = capture.ACK
	fPA = capture.PSH | capture.ACK
	fFA = capture.FIN | capture.ACK
	fRA = capture.RST | capture.ACK
	fR  = capture.RST

	t0 = int64(1_700_000_000_000_000_000) // 2023-11-14T22:13:20Z
	ms = int64(1_000_000)
)

// pkt is one literal segment of a test sequence.
type pkt struct {
	from  Dir
	flags capture.TCPFlags
	seq   uint32
	ack   uint32
	len   uint32
	at    int64 // capture time, ns after t0
}

func (p pkt) segment(frame uint64) capture.Segment {
	src, dst := testClient, testServer
	if p.from == FromServer {
		src, dst = dst, src
	}
	return capture.Segment{
		Frame: frame, Offset: -1, TimeNS: t0 + p.at,
		Src: src.Addr(), Dst: dst.Addr(), SrcPort: src.Port(), DstPort: dst.Port(),
		Proto: capture.ProtoTCP, Flags: p.flags, Seq: p.seq, Ack: p.ack,
		Window: 65535, PayloadLen: p.len, WireLen: 54 + p.len, CapLen: 54 + p.len,
		Options: capture.TCPOptions{WindowScale: -1},
	}
}

// feed runs the packets through a new tracker and returns it with copies
// of the events.
func feed(t *testing.T, pkts []pkt) (*Tracker, []Event) {
	t.Helper()
	tr := NewTracker()
	var evs []Event
	for i, p := range pkts {
		seg := p.segment(uint64(i + 1))
		out := tr.Observe(&seg)
		if len(out) != 1 {
			t.Fatalf("packet %d: %d events, want 1", i+1, len(out))
		}
		evs = append(evs, out...)
	}
	return tr, evs
}

// step is the expected outcome of one packet.
type want struct {
	client, server State
	note           NoteID
	phase          Phase
}

func checkSteps(t *testing.T, evs []Event, steps []want) {
	t.Helper()
	for i, w := range steps {
		e := evs[i]
		if e.Client != w.client || e.Server != w.server || e.Note != w.note || e.Phase != w.phase {
			t.Errorf("packet %d (%s %s): got %s/%s %s %s, want %s/%s %s %s", i+1, e.From, e.Seg.Flags,
				e.Client, e.Server, e.Note, e.Phase, w.client, w.server, w.note, w.phase)
		}
	}
}

// handshake is SYN, SYN-ACK, ACK with client ISN 1000 and server ISN 5000,
// one millisecond apart.
var handshake = []pkt{
	{c, fS, 1000, 0, 0, 0},
	{s, fSA, 5000, 1001, 0, 1 * ms},
	{c, fA, 1001, 5001, 0, 2 * ms},
}

func join(parts ...[]pkt) []pkt {
	var out []pkt
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
