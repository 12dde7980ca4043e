package session

import (
	"encoding/json"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
)

// hsSteps are the expected outcomes of the packets of handshake.
var hsSteps = []want{
	{SynSent, SynReceived, NoteSYN, PhaseHandshake},
	{Established, SynReceived, NoteSYNACK, PhaseHandshake},
	{Established, Established, NoteHandshakeACK, PhaseHandshake},
}

func TestFourWayCloseStatesAfterEverySegment(t *testing.T) {
	tr, evs := feed(t, join(handshake, []pkt{
		{c, fPA, 1001, 5001, 10, 3 * ms},
		{s, fA, 5001, 1011, 0, 4 * ms},
		{s, fPA, 5001, 1011, 20, 5 * ms},
		{c, fA, 1011, 5021, 0, 6 * ms},
		{c, fFA, 1011, 5021, 0, 7 * ms},
		{s, fA, 5021, 1012, 0, 8 * ms},
		{s, fFA, 5021, 1012, 0, 9 * ms},
		{c, fA, 1012, 5022, 0, 10 * ms},
	}))
	checkSteps(t, evs, append(hsSteps, []want{
		{Established, Established, NoteData, PhaseData},
		{Established, Established, NotePureACK, PhaseData},
		{Established, Established, NoteData, PhaseData},
		{Established, Established, NotePureACK, PhaseData},
		{FinWait1, CloseWait, NoteFirstFIN, PhaseClose},
		{FinWait2, CloseWait, NoteFINACKed, PhaseClose},
		{TimeWait, LastAck, NoteSecondFIN, PhaseClose},
		{TimeWait, Closed, NoteFinalACK, PhaseClose},
	}...))
	if got := evs[7].Changed; got != ClientSide|ServerSide {
		t.Errorf("first FIN changed %b, want both ends", got)
	}
	if got := evs[8].Changed; got != ClientSide {
		t.Errorf("ACK of first FIN changed %b, want client only", got)
	}
	if got := evs[9].Changed; got != ClientSide|ServerSide {
		t.Errorf("second FIN changed %b, want both ends (LAST-ACK on send, TIME-WAIT on arrival)", got)
	}
	if got := evs[10].Changed; got != ServerSide {
		t.Errorf("final ACK changed %b, want the server only (the client was TIME-WAIT already)", got)
	}
	sum := tr.Summary(0)
	if sum.Handshake != HandshakeComplete || sum.Close != CloseFIN4 || sum.ClosedBy != ClosedByClient {
		t.Errorf("summary %s/%s/%s, want complete/fin4/client", sum.Handshake, sum.Close, sum.ClosedBy)
	}
	if sum.Completeness != 31 || sum.Packets != 11 || sum.PayloadBytes != (PayloadBytes{10, 20}) {
		t.Errorf("summary completeness %d packets %d payload %+v", sum.Completeness, sum.Packets, sum.PayloadBytes)
	}
	if sum.RTT != 2000 || sum.Duration != 10000 {
		t.Errorf("rtt %d duration %d, want 2000 and 10000 µs", sum.RTT, sum.Duration)
	}
}

func TestRelativeNumbersStartAtTheISN(t *testing.T) {
	_, evs := feed(t, join(handshake, []pkt{{c, fPA, 1001, 5001, 10, 3 * ms}}))
	wantSeqAck := [][2]uint32{{0, 0}, {0, 1}, {1, 1}, {1, 1}}
	for i, w := range wantSeqAck {
		if evs[i].RelSeq != w[0] || evs[i].RelAck != w[1] {
			t.Errorf("packet %d: rel seq/ack %d/%d, want %d/%d", i+1, evs[i].RelSeq, evs[i].RelAck, w[0], w[1])
		}
	}
}

// Without a SYN, Wireshark makes the first sequence number seen relative
// 1 (base = seq-1) and the peer's base the first ACK number minus 1.
func TestMidStreamFirstSegmentIsRelativeOne(t *testing.T) {
	_, evs := feed(t, []pkt{
		{c, fPA, 70000, 90000, 100, 0},
		{s, fA, 90000, 70100, 0, 1 * ms},
	})
	if evs[0].RelSeq != 1 || evs[0].RelAck != 1 || evs[1].RelSeq != 1 || evs[1].RelAck != 101 {
		t.Errorf("rel numbers %d/%d %d/%d, want 1/1 1/101", evs[0].RelSeq, evs[0].RelAck, evs[1].RelSeq, evs[1].RelAck)
	}
	if evs[0].Note != NoteMidStream || evs[0].Client != Established || evs[0].Server != Established {
		t.Errorf("first packet: %s %s/%s, want mid-stream note, both ESTABLISHED", evs[0].Note, evs[0].Client, evs[0].Server)
	}
}

func TestThreeWayCloseFINPiggybacksTheACK(t *testing.T) {
	tr, evs := feed(t, join(handshake, []pkt{
		{c, fFA, 1001, 5001, 0, 3 * ms},
		{s, fFA, 5001, 1002, 0, 4 * ms},
		{c, fA, 1002, 5002, 0, 5 * ms},
	}))
	checkSteps(t, evs[3:], []want{
		{FinWait1, CloseWait, NoteFirstFIN, PhaseClose},
		{TimeWait, LastAck, NoteFINACK3Way, PhaseClose},
		{TimeWait, Closed, NoteFinalACK, PhaseClose},
	})
	if s := tr.Summary(0); s.Close != CloseFIN3 || s.ClosedBy != ClosedByClient {
		t.Errorf("close %s by %s, want fin3 by client", s.Close, s.ClosedBy)
	}
}

func TestSimultaneousCloseGoesThroughClosingOnBothEnds(t *testing.T) {
	tr, evs := feed(t, join(handshake, []pkt{
		{c, fFA, 1001, 5001, 0, 3 * ms},
		{s, fFA, 5001, 1001, 0, 4 * ms}, // does not ack the client's FIN: they crossed
		{c, fA, 1002, 5002, 0, 5 * ms},
		{s, fA, 5002, 1002, 0, 6 * ms},
	}))
	checkSteps(t, evs[3:], []want{
		{FinWait1, CloseWait, NoteFirstFIN, PhaseClose},
		{Closing, Closing, NoteSimultaneousFIN, PhaseClose},
		{Closing, TimeWait, NoteClosingACK, PhaseClose},
		{TimeWait, TimeWait, NoteClosingACK, PhaseClose},
	})
	if s := tr.Summary(0); s.Close != CloseSimultaneous || s.ClosedBy != ClosedByBoth {
		t.Errorf("close %s by %s, want simultaneous by both", s.Close, s.ClosedBy)
	}
}

func TestRSTMidStreamClosesBothEnds(t *testing.T) {
	tr, evs := feed(t, join(handshake, []pkt{
		{c, fPA, 1001, 5001, 10, 3 * ms},
		{s, fRA, 5001, 1011, 0, 4 * ms},
	}))
	checkSteps(t, evs[4:], []want{{Closed, Closed, NoteRST, PhaseReset}})
	if s := tr.Summary(0); s.Close != CloseRST || s.ClosedBy != ClosedByServer || s.Completeness != 1|2|4|8|32 {
		t.Errorf("close %s by %s completeness %d, want rst by server, 47", s.Close, s.ClosedBy, s.Completeness)
	}
}

// RFC 9293 3.10.7.1: a SYN to a port where nobody listens is answered with
// RST. The server end was never in LISTEN or SYN-RECEIVED (our guess
// before the answer), so it is CLOSED too.
func TestRefusedSYNLeavesBothEndsClosed(t *testing.T) {
	tr, evs := feed(t, []pkt{
		{c, fS, 1000, 0, 0, 0},
		{s, fRA, 0, 1001, 0, 1 * ms},
	})
	checkSteps(t, evs, []want{
		{SynSent, SynReceived, NoteSYN, PhaseHandshake},
		{Closed, Closed, NoteRefused, PhaseReset},
	})
	sum := tr.Summary(0)
	if sum.Handshake != HandshakeRefused || sum.Close != CloseRST || sum.ClosedBy != ClosedByServer || sum.Completeness != 37 {
		t.Errorf("summary %s/%s/%s completeness %d, want refused/rst/server 37", sum.Handshake, sum.Close, sum.ClosedBy, sum.Completeness)
	}
	if sum.RTT.Known() {
		t.Errorf("rtt %d for a refused connection, want unknown", sum.RTT)
	}
}

// Wireshark takes every RST. RFC 9293 3.10.7.3 says an end in SYN-SENT
// drops an RST whose ACK does not acknowledge its SYN (a forged or stale
// RST, as in zeek's rst-inject capture): the state stays SYN-SENT and the
// handshake goes on in the same stream.
func TestRSTWithWrongACKInSynSentIsIgnoredPerRFC9293(t *testing.T) {
	tr, evs := feed(t, []pkt{
		{c, fS, 1000, 0, 0, 0},
		{s, fRA, 0, 1000, 0, 1 * ms}, // acks the ISN itself, not ISN+1
		{s, fSA, 5000, 1001, 0, 2 * ms},
		{c, fA, 1001, 5001, 0, 3 * ms},
	})
	checkSteps(t, evs, []want{
		{SynSent, SynReceived, NoteSYN, PhaseHandshake},
		{SynSent, SynReceived, NoteRSTIgnored, PhaseReset},
		{Established, SynReceived, NoteSYNACK, PhaseHandshake},
		{Established, Established, NoteHandshakeACK, PhaseHandshake},
	})
	if tr.Streams() != 1 {
		t.Errorf("%d streams, want 1", tr.Streams())
	}
	if s := tr.Summary(0); s.Handshake != HandshakeComplete || s.Close != CloseOpen {
		t.Errorf("summary %s/%s, want complete/open", s.Handshake, s.Close)
	}
}

func TestHalfCloseLetsDataFlowTheOtherWay(t *testing.T) {
	tr, evs := feed(t, join(handshake, []pkt{
		{s, fFA, 5001, 1001, 0, 3 * ms},
		{c, fA, 1001, 5002, 0, 4 * ms},
		{c, fPA, 1001, 5002, 50, 5 * ms},
		{s, fA, 5002, 1051, 0, 6 * ms},
		{c, fFA, 1051, 5002, 0, 7 * ms},
		{s, fA, 5002, 1052, 0, 8 * ms},
	}))
	checkSteps(t, evs[3:], []want{
		{CloseWait, FinWait1, NoteFirstFIN, PhaseClose},
		{CloseWait, FinWait2, NoteFINACKed, PhaseClose},
		{CloseWait, FinWait2, NoteHalfCloseData, PhaseClose},
		{CloseWait, FinWait2, NotePureACK, PhaseClose},
		{LastAck, TimeWait, NoteSecondFIN, PhaseClose},
		{Closed, TimeWait, NoteFinalACK, PhaseClose},
	})
	if s := tr.Summary(0); s.Close != CloseFIN4 || s.ClosedBy != ClosedByServer {
		t.Errorf("close %s by %s, want fin4 by server", s.Close, s.ClosedBy)
	}
}

func TestDataSentAgainAfterAnRTTIsARetransmission(t *testing.T) {
	tr, evs := feed(t, join(handshake, []pkt{
		{c, fPA, 1001, 5001, 10, 3 * ms},
		{c, fPA, 1001, 5001, 10, 250 * ms},
		{s, fA, 5001, 1011, 0, 251 * ms},
	}))
	if evs[4].Analysis != Retransmission || evs[4].Note != NoteRetransmission {
		t.Errorf("second copy: analysis %b note %s, want retransmission", evs[4].Analysis, evs[4].Note)
	}
	if evs[3].Analysis != 0 {
		t.Errorf("first copy flagged %b", evs[3].Analysis)
	}
	if s := tr.Summary(0); s.Retransmissions != 1 || s.OutOfOrder != 0 {
		t.Errorf("retransmissions %d out-of-order %d, want 1 and 0", s.Retransmissions, s.OutOfOrder)
	}
}

func TestSegmentFillingAGapQuicklyIsOutOfOrder(t *testing.T) {
	const us = ms / 1000
	tr, evs := feed(t, join(handshake, []pkt{
		{c, fPA, 1001, 5001, 10, 3 * ms},
		{c, fPA, 1021, 5001, 10, 3*ms + 100*us}, // 1011..1020 missing
		{c, fPA, 1011, 5001, 10, 3*ms + 200*us}, // arrives within the RTT (2 ms)
	}))
	if evs[4].Analysis != PreviousSegmentNotCaptured {
		t.Errorf("segment after the gap: analysis %b, want previous-segment-not-captured", evs[4].Analysis)
	}
	if evs[5].Analysis != OutOfOrder || evs[5].Note != NoteOutOfOrder {
		t.Errorf("gap filler: analysis %b note %s, want out-of-order", evs[5].Analysis, evs[5].Note)
	}
	if s := tr.Summary(0); s.OutOfOrder != 1 || s.Retransmissions != 0 {
		t.Errorf("out-of-order %d retransmissions %d, want 1 and 0", s.OutOfOrder, s.Retransmissions)
	}
}

func TestDuplicateACKsAndKeepAlive(t *testing.T) {
	_, evs := feed(t, join(handshake, []pkt{
		{s, fA, 5001, 1001, 0, 3 * ms},
		{s, fA, 5001, 1001, 0, 4 * ms},
		{c, fA, 1000, 5001, 0, 60_000 * ms}, // seq = next-1: keep-alive
	}))
	if evs[4].Analysis != DupAck || evs[4].Note != NoteDupACK {
		t.Errorf("repeated ACK: %b %s, want dup ACK", evs[4].Analysis, evs[4].Note)
	}
	if evs[5].Analysis&KeepAlive == 0 || evs[5].Note != NoteKeepAlive {
		t.Errorf("probe: %b %s, want keep-alive", evs[5].Analysis, evs[5].Note)
	}
}

func TestNewSYNOnAClosedFourTupleStartsANewStream(t *testing.T) {
	closing := []pkt{
		{c, fFA, 1001, 5001, 0, 3 * ms},
		{s, fFA, 5001, 1002, 0, 4 * ms},
		{c, fA, 1002, 5002, 0, 5 * ms},
	}
	again := []pkt{
		{c, fS, 9000, 0, 0, 10 * ms},
		{c, fS, 9000, 0, 0, 1010 * ms}, // retransmitted: same ISN, same stream
		{s, fSA, 7000, 9001, 0, 1011 * ms},
	}
	tr, evs := feed(t, join(handshake, closing, again))
	if tr.Streams() != 2 {
		t.Fatalf("%d streams, want 2", tr.Streams())
	}
	for i, want := range []int{0, 0, 0, 0, 0, 0, 1, 1, 1} {
		if evs[i].Stream != want {
			t.Errorf("packet %d in stream %d, want %d", i+1, evs[i].Stream, want)
		}
	}
	if evs[7].Note != NoteSYNRetransmit || evs[7].Analysis != Retransmission {
		t.Errorf("repeated SYN: %s %b, want SYN retransmission", evs[7].Note, evs[7].Analysis)
	}
	if evs[6].N != 1 || evs[6].Client != SynSent {
		t.Errorf("new stream's SYN: N=%d client %s", evs[6].N, evs[6].Client)
	}
}

func TestSynAckCapturedFirstStillNamesTheClient(t *testing.T) {
	tr, evs := feed(t, []pkt{
		{s, fSA, 5000, 1001, 0, 0},
		{c, fS, 1000, 0, 0, 1 * ms},
		{c, fA, 1001, 5001, 0, 2 * ms},
	})
	info := tr.StreamInfo(KindSegment, 0)
	if info.Client != testClient || info.Server != testServer {
		t.Errorf("client %s server %s", info.Client, info.Server)
	}
	if evs[0].From != FromServer || evs[2].Client != Established || evs[2].Server != Established {
		t.Errorf("from %s, final states %s/%s", evs[0].From, evs[2].Client, evs[2].Server)
	}
	if s := tr.Summary(0); s.Handshake != HandshakeComplete || s.Completeness != 2|4 || s.RTT != 1000 {
		t.Errorf("handshake %s completeness %d rtt %d, want complete, 6, 1000", s.Handshake, s.Completeness, s.RTT)
	}
}

func TestSummaryJSONHasTheAnalyzeShape(t *testing.T) {
	tr, _ := feed(t, join(handshake, []pkt{
		{c, fPA, 1001, 5001, 12, 3 * ms},
		{c, fFA, 1013, 5001, 0, 4 * ms},
		{s, fA, 5001, 1014, 0, 5 * ms},
		{s, fFA, 5001, 1014, 0, 6 * ms},
		{c, fA, 1014, 5002, 0, 7 * ms},
	}))
	b, err := json.Marshal(tr.Summary(0))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"index":0,"client":"10.1.0.2:40000","server":"10.1.0.1:8888","packets":8,` +
		`"payload_bytes":{"client":12,"server":0},"handshake":"complete","close":"fin4",` +
		`"closed_by":"client","completeness":31,"retransmissions":0,"out_of_order":0,` +
		`"rtt_us":2000,"start":"2023-11-14T22:13:20Z","duration_us":7000,` +
		`"conn_state":"SF","history":"ShADFaf"}`
	if string(b) != want {
		t.Errorf("json\n got %s\nwant %s", b, want)
	}
	var open StreamSummary
	tr2, _ := feed(t, []pkt{{c, fPA, 1, 1, 1, 0}})
	b, _ = json.Marshal(tr2.Summary(0))
	if err := json.Unmarshal(b, &open); err != nil || open.RTT.Known() || open.Handshake != HandshakeNone {
		t.Errorf("unknown rtt must marshal as null and read back: %s (%v)", b, err)
	}
}

func TestUDPFlowsHaveTheirOwnIndexSpace(t *testing.T) {
	tr := NewTracker()
	seg := pkt{c, fPA, 1, 1, 5, 0}.segment(1)
	tr.Observe(&seg)
	u := seg
	u.Proto, u.Flags, u.DstPort = capture.ProtoUDP, 0, 53
	ev := tr.Observe(&u)[0]
	reply := u
	reply.Src, reply.Dst, reply.SrcPort, reply.DstPort = u.Dst, u.Src, u.DstPort, u.SrcPort
	ev2 := tr.Observe(&reply)[0]
	if ev.Kind != KindDatagram || ev.Stream != 0 || ev2.Stream != 0 || ev2.From != FromServer || ev2.N != 2 || ev.Note != NoteDatagram {
		t.Errorf("datagram events %+v / %+v", ev, ev2)
	}
	flows := tr.UDPFlows()
	if len(flows) != 1 || flows[0].Packets != 2 || flows[0].A != u.SrcEndpoint() {
		t.Errorf("flows %+v", flows)
	}
	if p, tc, ud := tr.Counts(); p != 3 || tc != 1 || ud != 2 {
		t.Errorf("counts %d %d %d", p, tc, ud)
	}
	if info := tr.StreamInfo(KindDatagram, 0); info.Client != u.SrcEndpoint() {
		t.Errorf("flow info %+v", info)
	}
}

// In zeek's http_get-gzip capture the client repeats its FIN in the
// segment that acknowledges the server's FIN: the narration names the
// state change, not the repetition.
func TestRepeatedFINThatAcksThePeerFINIsNarratedAsTheACK(t *testing.T) {
	_, evs := feed(t, join(handshake, []pkt{
		{c, fFA, 1001, 5001, 0, 3 * ms},
		{s, fFA, 5001, 1001, 0, 4 * ms},
		{c, fFA, 1001, 5002, 0, 5 * ms},
	}))
	checkSteps(t, evs[5:], []want{{Closing, TimeWait, NoteClosingACK, PhaseClose}})
}
