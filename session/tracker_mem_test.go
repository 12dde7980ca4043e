package session

import (
	"net/netip"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
)

// synthPerConn is the number of packets of one synthetic connection:
// SYN, SYN-ACK, ACK, request, FIN+ACK (response+close), ACK, FIN+ACK... as
// a 3-way close: SYN, SYN-ACK, ACK, data, FIN, FIN+ACK, ACK.
const synthPerConn = 7

// synthPacket writes packet i of a capture of many short connections, each
// on its own 4-tuple, stepNS apart.
func synthPacket(i int, stepNS int64, seg *capture.Segment) {
	conn, k := i/synthPerConn, i%synthPerConn
	client := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, byte(conn >> 16), byte(conn >> 8)}), uint16(1024+conn%50000))
	server := netip.MustParseAddrPort("10.9.9.9:80")
	isnC, isnS := uint32(conn)*7919, uint32(conn)*104729
	p := [synthPerConn]pkt{
		{c, fS, isnC, 0, 0, 0},
		{s, fSA, isnS, isnC + 1, 0, 0},
		{c, fA, isnC + 1, isnS + 1, 0, 0},
		{c, fPA, isnC + 1, isnS + 1, 100, 0},
		{c, fFA, isnC + 101, isnS + 1, 0, 0},
		{s, fFA, isnS + 1, isnC + 102, 0, 0},
		{c, fA, isnC + 102, isnS + 2, 0, 0},
	}[k]
	src, dst := client, server
	if p.from == FromServer {
		src, dst = server, client
	}
	*seg = capture.Segment{
		Frame: uint64(i + 1), TimeNS: t0 + int64(i)*stepNS, Proto: capture.ProtoTCP,
		Src: src.Addr(), Dst: dst.Addr(), SrcPort: src.Port(), DstPort: dst.Port(),
		Flags: p.flags, Seq: p.seq, Ack: p.ack, PayloadLen: p.len, Window: 1000,
	}
}

func TestClosedConnectionsAreReducedToSummaries(t *testing.T) {
	const conns = 60_000
	const step = 10 * ms // linger of 2 minutes = 12000 packets ≈ 1714 connections
	tr := NewTracker()
	var seg capture.Segment
	for i := 0; i < conns*synthPerConn; i++ {
		synthPacket(i, step, &seg)
		tr.Observe(&seg)
	}
	if tr.Streams() != conns {
		t.Fatalf("%d streams, want %d", tr.Streams(), conns)
	}
	lingering := int(closedLingerNS/step)/synthPerConn + 2
	if live := tr.LiveConnections(); live > lingering {
		t.Errorf("%d connections still held after %d closed ones, want at most %d (the last 2 minutes)", live, conns, lingering)
	}
	if len(tr.free) > lingering {
		t.Errorf("free list holds %d connections, want at most %d", len(tr.free), lingering)
	}
	s := tr.Summary(0)
	if s.Close != CloseFIN3 || s.Packets != synthPerConn || s.Handshake != HandshakeComplete {
		t.Errorf("an evicted stream keeps its summary: got %s/%s %d packets", s.Handshake, s.Close, s.Packets)
	}
}

func TestReusedFourTupleFreesThePreviousConnection(t *testing.T) {
	tr := NewTracker()
	for round := uint32(0); round < 1000; round++ {
		isn := 1000 + round*100_000
		for _, p := range []pkt{{c, fS, isn, 0, 0, 0}, {s, fRA, 0, isn + 1, 0, 0}} {
			seg := p.segment(1)
			tr.Observe(&seg)
		}
	}
	if tr.Streams() != 1000 || tr.LiveConnections() != 1 {
		t.Errorf("%d streams, %d live connections; want 1000 and 1", tr.Streams(), tr.LiveConnections())
	}
}

func TestObserveDoesNotAllocateInSteadyState(t *testing.T) {
	tr := NewTracker()
	var seg capture.Segment
	i := 0
	for ; i < 100_000; i++ { // past the linger time: connections are recycled
		synthPacket(i, 10*ms, &seg)
		tr.Observe(&seg)
	}
	allocs := testing.AllocsPerRun(20_000, func() {
		synthPacket(i, 10*ms, &seg)
		tr.Observe(&seg)
		i++
	})
	if allocs != 0 {
		t.Errorf("%.2f allocations per Observe, want 0", allocs)
	}
}

func BenchmarkTrackerObserve(b *testing.B) {
	segs := make([]capture.Segment, 200_000)
	for i := range segs {
		synthPacket(i, 10*ms, &segs[i])
	}
	tr := NewTracker()
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		i := n % len(segs)
		if i == 0 && n > 0 {
			b.StopTimer()
			tr = NewTracker()
			b.StartTimer()
		}
		tr.Observe(&segs[i])
	}
}
