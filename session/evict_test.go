package session

import (
	"net/netip"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/synth"
)

// port is a literal segment on a connection of its own client port.
type portPkt struct {
	port uint16
	pkt
}

func (p portPkt) segment(frame uint64) capture.Segment {
	seg := p.pkt.segment(frame)
	client := netip.AddrPortFrom(testClient.Addr(), p.port)
	if p.from == FromClient {
		seg.SrcPort = client.Port()
	} else {
		seg.DstPort = client.Port()
	}
	return seg
}

// handshakeAt is a complete handshake on port, starting at `at`.
func handshakeAt(port uint16, at int64) []portPkt {
	return []portPkt{
		{port, pkt{c, fS, 100, 0, 0, at}},
		{port, pkt{s, fSA, 500, 101, 0, at + 1*ms}},
		{port, pkt{c, fA, 101, 501, 0, at + 2*ms}},
	}
}

// closeAt is a 3-way close by the client on port, at `at`.
func closeAt(port uint16, at int64) []portPkt {
	return []portPkt{
		{port, pkt{c, fFA, 101, 501, 0, at}},
		{port, pkt{s, fFA, 501, 102, 0, at + 1*ms}},
		{port, pkt{c, fA, 102, 502, 0, at + 2*ms}},
	}
}

// run feeds the packets to a tracker with opts, finishes it, and returns
// the streamed summaries with the summaries taken after each packet
// (taken[i]: how many streams were out after packet i).
func runFinish(t *testing.T, opts FinishOptions, pkts []portPkt) (tr *Tracker, got []StreamSummary, taken []int) {
	t.Helper()
	tr = NewTrackerWith(TrackerOptions{Finish: opts})
	for i, p := range pkts {
		seg := p.segment(uint64(i + 1))
		tr.Track(&seg)
		got = tr.TakeFinished(got)
		taken = append(taken, len(got))
	}
	tr.FinishAll()
	return tr, tr.TakeFinished(got), taken
}

// reference is the summaries of a tracker that finishes nothing early.
func reference(pkts []portPkt) []StreamSummary {
	tr := NewTracker()
	for i, p := range pkts {
		seg := p.segment(uint64(i + 1))
		tr.Track(&seg)
	}
	return tr.Summaries()
}

func concat(parts ...[]portPkt) []portPkt {
	var out []portPkt
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestStreamedSummariesWaitForEveryEarlierStreamAndEqualTheKeptOnes(t *testing.T) {
	// Stream 0 (port 1000) opens first and stays open; stream 1 (port
	// 1001) opens and closes; a SYN on port 1001 after its linger starts
	// stream 2. Stream 1 is finished long before stream 0, but comes out
	// after it.
	pkts := concat(
		handshakeAt(1000, 0),
		handshakeAt(1001, 10*ms),
		closeAt(1001, 20*ms),
		[]portPkt{{1000, pkt{c, fPA, 101, 501, 5, 3 * 60_000 * ms}}}, // 3 min: stream 1's linger is over
		handshakeAt(1001, 3*60_000*ms+10*ms),
	)
	_, got, taken := runFinish(t, FinishOptions{Stream: true}, pkts)
	want := reference(pkts)
	if len(got) != len(want) || len(want) != 3 {
		t.Fatalf("%d streamed summaries, %d kept, want 3", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("stream %d: streamed %+v, kept %+v", i, got[i], want[i])
		}
	}
	if n := taken[len(taken)-1]; n != 0 {
		t.Errorf("%d streams out before the end, want 0: stream 0 is still open and holds stream 1 back", n)
	}
}

func TestStreamedTrackerFreesTheRecordsItHandedOut(t *testing.T) {
	const conns = 5000
	tr := NewTrackerWith(TrackerOptions{Finish: FinishOptions{Stream: true, MaxConns: 100}})
	var out []StreamSummary
	for i := range conns {
		for k, p := range concat(handshakeAt(uint16(1000+i), int64(i)*10*ms), closeAt(uint16(1000+i), int64(i)*10*ms+5*ms)) {
			seg := p.segment(uint64(i*6 + k + 1))
			tr.Track(&seg)
		}
		out = tr.TakeFinished(out[:0])
		if held := tr.Streams() - tr.fin.emitted; held > 101 {
			t.Fatalf("after connection %d: %d streams held, want at most 101", i, held)
		}
	}
	if tr.recs.dropped < conns/recChunk-1 {
		t.Errorf("%d record chunks freed, want at least %d", tr.recs.dropped, conns/recChunk-1)
	}
	c := tr.FinishCounts()
	if c.LingerCut == 0 || c.MaxConns != 0 || c.EarlyOpen() != 0 {
		t.Errorf("counts %+v: want only closed connections' lingers cut", c)
	}
}

func TestIdleConnectionIsFinishedAndItsNextPacketStartsANewStream(t *testing.T) {
	pkts := concat(
		handshakeAt(1000, 0),
		[]portPkt{
			{1001, pkt{c, fS, 7, 0, 0, 6 * 60_000 * ms}},         // 6 minutes later, elsewhere
			{1000, pkt{c, fPA, 101, 501, 5, 6*60_000*ms + 1*ms}}, // stream 0 again
		},
	)
	opts := FinishOptions{Stream: true, Idle: 5 * time.Minute}
	tr, got, _ := runFinish(t, opts, pkts)
	if len(got) != 3 {
		t.Fatalf("%d streams, want 3 (the idle one, the SYN, its late packet as a new stream)", len(got))
	}
	if got[0].Packets != 3 || got[2].Packets != 1 || got[2].Handshake != HandshakeNone {
		t.Errorf("streams %+v", got)
	}
	if c := tr.FinishCounts(); c.Idle != 1 || c.EarlyOpen() != 1 {
		t.Errorf("counts %+v, want one idle connection finished", c)
	}
	// Without the timeout the late packet stays in stream 0.
	if ref := reference(pkts); len(ref) != 2 || ref[0].Packets != 4 {
		t.Errorf("reference %+v", ref)
	}
}

func TestSYNOnlyAttemptIsFinishedSoonerThanAnIdleConnection(t *testing.T) {
	pkts := concat(
		[]portPkt{{2000, pkt{c, fS, 7, 0, 0, 0}}, {2000, pkt{c, fS, 7, 0, 0, 1000 * ms}}}, // an attempt, retried
		handshakeAt(1000, 2000*ms),
		[]portPkt{{1000, pkt{c, fPA, 101, 501, 5, 2 * 60_000 * ms}}}, // 2 minutes on
	)
	opts := FinishOptions{Stream: true, Idle: 5 * time.Minute, SYNIdle: time.Minute}
	tr, got, taken := runFinish(t, opts, pkts)
	if len(got) != 2 || got[0].Packets != 2 || got[0].Handshake != HandshakeIncomplete {
		t.Fatalf("streams %+v, want the attempt with its retried SYN, then the connection", got)
	}
	if taken[len(taken)-1] != 1 {
		t.Errorf("%d streams out before the end, want the attempt's", taken[len(taken)-1])
	}
	if c := tr.FinishCounts(); c.SYNIdle != 1 || c.Idle != 0 {
		t.Errorf("counts %+v, want one SYN-only attempt finished", c)
	}
}

func TestMaxConnsFinishesTheOldestOpenStreamFirst(t *testing.T) {
	pkts := concat(
		handshakeAt(1000, 0),
		handshakeAt(1001, 10*ms),
		handshakeAt(1002, 20*ms),                             // third: over the limit of 2
		[]portPkt{{1000, pkt{c, fPA, 101, 501, 5, 30 * ms}}}, // the oldest again: a new stream
	)
	tr, got, _ := runFinish(t, FinishOptions{Stream: true, MaxConns: 2}, pkts)
	if len(got) != 4 || got[0].Client.Port() != 1000 || got[0].Packets != 3 || got[3].Client.Port() != 1000 || got[3].Packets != 1 {
		t.Fatalf("streams %+v: want port 1000 finished with 3 packets and its next packet a stream of its own", got)
	}
	if c := tr.FinishCounts(); c.MaxConns != 2 || c.MaxHeld != 3 {
		// the fourth stream pushes out port 1001 as well
		t.Errorf("counts %+v, want 2 open connections finished by the limit", c)
	}
}

// At the end of the input FinishSome finishes the oldest streams still
// held a slice at a time, in index order, and says whether any is left;
// the summaries are those FinishAll gives.
func TestFinishSomeFinishesTheOldestHeldStreamsASliceAtATime(t *testing.T) {
	segs := synthSegmentsOf(t, synth.Config{Connections: 50, Concurrent: 50, Seed: 5})
	track := func() *Tracker {
		tr := NewTrackerWith(TrackerOptions{Finish: FinishOptions{Stream: true}})
		for i := range segs {
			tr.Track(&segs[i])
		}
		return tr
	}
	all := track()
	all.FinishAll()
	want := all.TakeFinished(nil)
	if len(want) != 50 {
		t.Fatalf("FinishAll: %d streams, want 50", len(want))
	}
	tr := track()
	var got []StreamSummary
	for slice := 0; ; slice++ {
		more := tr.FinishSome(16)
		n := len(got)
		got = tr.TakeFinished(got)
		if k := len(got) - n; k > 16 || more && k != 16 {
			t.Fatalf("slice %d: %d streams finished (more left: %v), want 16 while more are held", slice, k, more)
		}
		if !more {
			break
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d streams in slices, %d at once", len(got), len(want))
	}
	for i := range want {
		if got[i].Index != i || got[i].Packets != want[i].Packets || got[i].Close != want[i].Close {
			t.Errorf("stream %d: %+v in slices, %+v at once", i, got[i], want[i])
		}
	}
}

// The records handed out in a FinishedStreams are the tracker's own
// chunks: they must hold still while the FinishedStreams is out, however
// many streams the tracker opens meanwhile, and be reused once it is back.
// Four FinishedStreams circulate as in analyze's pipeline, each read only
// three takes after it was filled: some 2,000 streams later, past a whole
// chunk, which an early reuse would have overwritten.
func TestFinishedStreamsHoldTheirRecordsUntilHandedBackThenTheChunksAreReused(t *testing.T) {
	const conns = 12 * recChunk
	var pkts []portPkt
	for i := range conns {
		at := int64(i) * 10 * ms
		pkts = append(pkts, concat(handshakeAt(uint16(1000+i), at), closeAt(uint16(1000+i), at+5*ms))...)
	}
	want := reference(pkts)
	tr := NewTrackerWith(TrackerOptions{Finish: FinishOptions{Stream: true, MaxConns: 300}})
	var ring [4]FinishedStreams
	var got []StreamSummary
	next := 0
	seen := map[*streamRec]bool{} // the chunks handed out, by their first record
	take := func() {
		fs := &ring[next%len(ring)]
		if next >= len(ring) {
			got = fs.AppendSummaries(got) // filled len(ring) takes ago
		}
		for _, c := range fs.chunks {
			seen[&c[0]] = true
		}
		tr.TakeFinishedStreams(fs)
		next++
	}
	for i, p := range pkts {
		seg := p.segment(uint64(i + 1))
		tr.Track(&seg)
		if i%4096 == 4095 {
			take()
		}
	}
	tr.FinishAll()
	take()
	for range len(ring) - 1 {
		take()
	}
	got = ring[next%len(ring)].AppendSummaries(got)
	if len(got) != len(want) {
		t.Fatalf("%d streams handed out, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("stream %d: handed out %+v, kept %+v", i, got[i], want[i])
		}
	}
	// 12 chunks' worth of streams, at most 300 held: a few chunks,
	// reused, not one per 1,024 streams.
	if len(seen) > 6 {
		t.Errorf("%d distinct record chunks handed out for %d streams, want at most 6 (chunks reused)", len(seen), conns)
	}
}
