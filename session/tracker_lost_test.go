package session

import (
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
)

// lost marks a packet of a literal sequence as dropped by the lossy wire.
type lostPkt struct {
	pkt
	dropped bool
}

// feedLost runs the packets through a new tracker, with the dropped ones
// marked capture.Dropped.
func feedLost(t *testing.T, pkts []lostPkt) (*Tracker, []Event) {
	t.Helper()
	tr := NewTracker()
	var evs []Event
	for i, p := range pkts {
		seg := p.segment(uint64(i + 1))
		if p.dropped {
			seg.Verdict = capture.Dropped
		}
		out := tr.Observe(&seg)
		if len(out) != 1 {
			t.Fatalf("packet %d: %d events, want 1", i+1, len(out))
		}
		evs = append(evs, out...)
	}
	return tr, evs
}

func passed(ps ...pkt) []lostPkt {
	out := make([]lostPkt, len(ps))
	for i, p := range ps {
		out[i] = lostPkt{pkt: p}
	}
	return out
}

func lostOne(p pkt) lostPkt { return lostPkt{pkt: p, dropped: true} }

func concatLost(parts ...[]lostPkt) []lostPkt {
	var out []lostPkt
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestDroppedSYNMovesOnlyTheSenderAndItsRetransmissionOpensTheListener(t *testing.T) {
	tr, evs := feedLost(t, concatLost(
		[]lostPkt{lostOne(pkt{c, fS, 1000, 0, 0, 0})},
		passed(
			pkt{c, fS, 1000, 0, 0, 1000 * ms},
			pkt{s, fSA, 5000, 1001, 0, 1001 * ms},
			pkt{c, fA, 1001, 5001, 0, 1002 * ms},
		)))
	checkSteps(t, evs, []want{
		{SynSent, Listen, NoteDropped, PhaseHandshake},
		{SynSent, SynReceived, NoteSYNRetransmit, PhaseHandshake},
		{Established, SynReceived, NoteSYNACK, PhaseHandshake},
		{Established, Established, NoteHandshakeACK, PhaseHandshake},
	})
	if evs[0].Changed != ClientSide {
		t.Errorf("dropped SYN changed %b, want the client only", evs[0].Changed)
	}
	if evs[1].Analysis&Retransmission == 0 || evs[1].Analysis&SpuriousRetransmission != 0 {
		t.Errorf("the second SYN is %v, want a retransmission (not spurious)", evs[1].Analysis.Names())
	}
	if evs[1].Changed != ServerSide {
		t.Errorf("the retransmitted SYN changed %b, want the server only (the client was SYN-SENT)", evs[1].Changed)
	}
	if sum := tr.Summary(0); sum.Handshake != HandshakeComplete || sum.Retransmissions != 1 {
		t.Errorf("summary handshake %s, %d retransmissions; want complete, 1", sum.Handshake, sum.Retransmissions)
	}
}

func TestDroppedSYNACKLeavesTheClientInSynSent(t *testing.T) {
	_, evs := feedLost(t, concatLost(
		passed(pkt{c, fS, 1000, 0, 0, 0}),
		[]lostPkt{lostOne(pkt{s, fSA, 5000, 1001, 0, 1 * ms})},
		passed(
			pkt{c, fS, 1000, 0, 0, 1000 * ms},
			pkt{s, fSA, 5000, 1001, 0, 1001 * ms},
			pkt{c, fA, 1001, 5001, 0, 1002 * ms},
		)))
	checkSteps(t, evs, []want{
		{SynSent, SynReceived, NoteSYN, PhaseHandshake},
		{SynSent, SynReceived, NoteDropped, PhaseHandshake},
		{SynSent, SynReceived, NoteSYNRetransmit, PhaseHandshake},
		{Established, SynReceived, NoteSYNACKRetransmit, PhaseHandshake},
		{Established, Established, NoteHandshakeACK, PhaseHandshake},
	})
	if evs[1].Changed != 0 {
		t.Errorf("dropped SYN-ACK changed %b, want nothing (the server was SYN-RECEIVED)", evs[1].Changed)
	}
}

func TestDroppedThirdACKLeavesTheServerSynReceivedUntilTheClientsDataArrives(t *testing.T) {
	_, evs := feedLost(t, concatLost(
		passed(pkt{c, fS, 1000, 0, 0, 0}, pkt{s, fSA, 5000, 1001, 0, 1 * ms}),
		[]lostPkt{lostOne(pkt{c, fA, 1001, 5001, 0, 2 * ms})},
		passed(pkt{c, fPA, 1001, 5001, 5, 3 * ms}, pkt{s, fA, 5001, 1006, 0, 4 * ms}),
	))
	checkSteps(t, evs, []want{
		{SynSent, SynReceived, NoteSYN, PhaseHandshake},
		{Established, SynReceived, NoteSYNACK, PhaseHandshake},
		{Established, SynReceived, NoteDropped, PhaseHandshake},
		{Established, Established, NoteHandshakeACK, PhaseHandshake},
		{Established, Established, NotePureACK, PhaseData},
	})
	if evs[2].Changed != 0 || evs[2].Handshake == HandshakeComplete {
		t.Errorf("dropped third ACK: changed %b, handshake %s; want nothing changed, not complete", evs[2].Changed, evs[2].Handshake)
	}
	if evs[3].Changed != ServerSide || evs[3].Handshake != HandshakeComplete {
		t.Errorf("client data after the lost ACK: changed %b, handshake %s; want the server ESTABLISHED, complete", evs[3].Changed, evs[3].Handshake)
	}
}

func TestDroppedDataIsRetransmittedAfterDuplicateACKsAndNotCountedAsAcknowledged(t *testing.T) {
	_, evs := feedLost(t, concatLost(
		passed(handshake...),
		[]lostPkt{lostOne(pkt{c, fPA, 1001, 5001, 100, 10 * ms})},
		passed(
			pkt{c, fPA, 1101, 5001, 100, 11 * ms},
			pkt{s, fA, 5001, 1001, 0, 12 * ms},
			pkt{c, fPA, 1201, 5001, 100, 13 * ms},
			pkt{s, fA, 5001, 1001, 0, 14 * ms},
			pkt{c, fPA, 1301, 5001, 100, 15 * ms},
			pkt{s, fA, 5001, 1001, 0, 16 * ms},
			pkt{c, fPA, 1001, 5001, 100, 17 * ms},
			pkt{s, fA, 5001, 1401, 0, 18 * ms},
		)))
	if evs[3].Note != NoteDropped || evs[3].Client != Established || evs[3].Server != Established {
		t.Errorf("dropped data: %s %s/%s", evs[3].Note, evs[3].Client, evs[3].Server)
	}
	if a := evs[7].Analysis; a&DupAck == 0 {
		t.Errorf("the server's second ACK of 1001 is %v, want a duplicate ACK", a.Names())
	}
	re := evs[10]
	if re.Analysis&Retransmission == 0 || re.Analysis&FastRetransmission == 0 || re.Analysis&SpuriousRetransmission != 0 {
		t.Errorf("the resent segment is %v, want a fast retransmission (not spurious)", re.Analysis.Names())
	}
	if got := evs[11].AckedBytes; got != 400 {
		t.Errorf("the ACK after the retransmission acknowledges %d bytes, want 400", got)
	}
}

func TestDroppedFinalACKKeepsTheServerInLastAckUntilItsFINIsAcknowledgedAgain(t *testing.T) {
	tr, evs := feedLost(t, concatLost(
		passed(handshake...),
		passed(
			pkt{c, fFA, 1001, 5001, 0, 3 * ms},
			pkt{s, fA, 5001, 1002, 0, 4 * ms},
			pkt{s, fFA, 5001, 1002, 0, 5 * ms},
		),
		[]lostPkt{lostOne(pkt{c, fA, 1002, 5002, 0, 6 * ms})},
		passed(
			pkt{s, fFA, 5001, 1002, 0, 206 * ms},
			pkt{c, fA, 1002, 5002, 0, 207 * ms},
		)))
	checkSteps(t, evs[3:], []want{
		{FinWait1, CloseWait, NoteFirstFIN, PhaseClose},
		{FinWait2, CloseWait, NoteFINACKed, PhaseClose},
		{TimeWait, LastAck, NoteSecondFIN, PhaseClose},
		{TimeWait, LastAck, NoteDropped, PhaseClose},
		{TimeWait, LastAck, NoteRetransmission, PhaseClose},
		{TimeWait, Closed, NoteFinalACK, PhaseClose},
	})
	if a := evs[7].Analysis; a&Retransmission == 0 || a&SpuriousRetransmission != 0 {
		t.Errorf("the FIN sent again is %v, want a retransmission, not spurious (the ACK of it was lost)", a.Names())
	}
	if sum := tr.Summary(0); sum.Close != CloseFIN4 || sum.Retransmissions != 1 {
		t.Errorf("summary close %s with %d retransmissions, want fin4 with 1", sum.Close, sum.Retransmissions)
	}
}

func TestDroppedFirstFINLeavesThePeerEstablished(t *testing.T) {
	_, evs := feedLost(t, concatLost(
		passed(handshake...),
		[]lostPkt{lostOne(pkt{c, fFA, 1001, 5001, 0, 3 * ms})},
		passed(
			pkt{c, fFA, 1001, 5001, 0, 203 * ms},
			pkt{s, fA, 5001, 1002, 0, 204 * ms},
		)))
	checkSteps(t, evs[3:], []want{
		{FinWait1, Established, NoteDropped, PhaseClose},
		{FinWait1, CloseWait, NoteRetransmission, PhaseClose},
		{FinWait2, CloseWait, NoteFINACKed, PhaseClose},
	})
}
