package session

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

// The state rule (RFC 9293 section 3.10): the sender's state changes when
// it sends, the receiver's when the segment arrives, and every event shows
// both ends after arrival. These tests walk every transition of the RFC's
// state diagram that a segment causes, asserting both ends after every
// arrow.

// synSent, synRcvd, est, ... shorten the tables below.
const (
	closed  = Closed
	listen  = Listen
	synSent = SynSent
	synRcvd = SynReceived
	est     = Established
	fw1     = FinWait1
	fw2     = FinWait2
	cw      = CloseWait
	closing = Closing
	lastAck = LastAck
	tw      = TimeWait
)

// arrow is the expected outcome of one packet: both ends' states after it
// arrived and its narration key.
type arrow struct {
	client, server State
	note           NoteID
}

func checkArrows(t *testing.T, evs []Event, want []arrow) {
	t.Helper()
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d", len(evs), len(want))
	}
	for i, w := range want {
		e := evs[i]
		if e.Client != w.client || e.Server != w.server || e.Note != w.note {
			t.Errorf("arrow %d (%s %s): client %s server %s %s, want %s %s %s", i+1, e.From, e.Seg.Flags,
				e.Client, e.Server, e.Note, w.client, w.server, w.note)
		}
	}
}

// hsArrows are the states after the three arrows of handshake.
var hsArrows = []arrow{
	{synSent, synRcvd, NoteSYN},  // CLOSED -> SYN-SENT on send; LISTEN -> SYN-RECEIVED on arrival
	{est, synRcvd, NoteSYNACK},   // SYN-SENT -> ESTABLISHED when the SYN+ACK arrives
	{est, est, NoteHandshakeACK}, // SYN-RECEIVED -> ESTABLISHED when the ACK arrives
}

func with(prefix []arrow, rest ...arrow) []arrow {
	return append(append([]arrow{}, prefix...), rest...)
}

func TestStateRuleHandshakeAndFourWayClose(t *testing.T) {
	_, evs := feed(t, join(handshake, closeFIN4))
	checkArrows(t, evs, with(hsArrows,
		arrow{fw1, cw, NoteFirstFIN},      // ESTABLISHED -> FIN-WAIT-1 on send; -> CLOSE-WAIT on arrival
		arrow{fw2, cw, NoteFINACKed},      // FIN-WAIT-1 -> FIN-WAIT-2 when the ACK arrives
		arrow{tw, lastAck, NoteSecondFIN}, // CLOSE-WAIT -> LAST-ACK on send; FIN-WAIT-2 -> TIME-WAIT on arrival
		arrow{tw, closed, NoteFinalACK},   // LAST-ACK -> CLOSED when the ACK arrives
	))
}

// test_ethernet.pcap's close: a FIN that also acknowledges the first FIN
// arrives in FIN-WAIT-1 and moves that end straight to TIME-WAIT.
func TestStateRuleThreeWayClose(t *testing.T) {
	_, evs := feed(t, join(handshake, []pkt{
		{s, fFA, 5001, 1001, 0, 3 * ms},
		{c, fFA, 1001, 5002, 0, 4 * ms},
		{s, fA, 5002, 1002, 0, 5 * ms},
	}))
	checkArrows(t, evs, with(hsArrows,
		arrow{cw, fw1, NoteFirstFIN},
		arrow{lastAck, tw, NoteFINACK3Way}, // FIN-WAIT-1 -> TIME-WAIT: ACK of its FIN and the peer's FIN in one
		arrow{closed, tw, NoteFinalACK},
	))
}

func TestStateRuleSimultaneousOpen(t *testing.T) {
	_, evs := feed(t, []pkt{
		{c, fS, 1000, 0, 0, 0},
		{s, fS, 5000, 0, 0, 1 * ms},      // crosses the client's SYN
		{c, fSA, 1000, 5001, 0, 2 * ms},  // acknowledges the server's SYN
		{s, fSA, 5000, 1001, 0, 3 * ms},  // acknowledges the client's SYN
		{c, fPA, 1001, 5001, 10, 4 * ms}, // data flows
	})
	checkArrows(t, evs, []arrow{
		{synSent, synRcvd, NoteSYN},
		{synRcvd, synRcvd, NoteSimultaneousOpen}, // SYN-SENT -> SYN-RECEIVED on both ends
		{synRcvd, est, NoteSimultaneousSYNACK},   // SYN-RECEIVED -> ESTABLISHED when its SYN is acknowledged
		{est, est, NoteSimultaneousSYNACK},
		{est, est, NoteData},
	})
}

func TestStateRuleSimultaneousClose(t *testing.T) {
	_, evs := feed(t, join(handshake, []pkt{
		{c, fFA, 1001, 5001, 0, 3 * ms},
		{s, fFA, 5001, 1001, 0, 4 * ms}, // does not acknowledge the client's FIN: they crossed
		{c, fA, 1002, 5002, 0, 5 * ms},
		{s, fA, 5002, 1002, 0, 6 * ms},
	}))
	checkArrows(t, evs, with(hsArrows,
		arrow{fw1, cw, NoteFirstFIN},                 // CLOSE-WAIT is the guess before the crossing shows
		arrow{closing, closing, NoteSimultaneousFIN}, // FIN-WAIT-1 -> CLOSING on both ends
		arrow{closing, tw, NoteClosingACK},           // CLOSING -> TIME-WAIT when its FIN is acknowledged
		arrow{tw, tw, NoteClosingACK},
	))
}

func TestStateRuleHalfCloseByTheServer(t *testing.T) {
	_, evs := feed(t, join(handshake, []pkt{
		{s, fFA, 5001, 1001, 0, 3 * ms},
		{c, fA, 1001, 5002, 0, 4 * ms},
		{c, fPA, 1001, 5002, 50, 5 * ms},
		{s, fA, 5002, 1051, 0, 6 * ms},
		{c, fFA, 1051, 5002, 0, 7 * ms},
		{s, fA, 5002, 1052, 0, 8 * ms},
	}))
	checkArrows(t, evs, with(hsArrows,
		arrow{cw, fw1, NoteFirstFIN},
		arrow{cw, fw2, NoteFINACKed},
		arrow{cw, fw2, NoteHalfCloseData},
		arrow{cw, fw2, NotePureACK},
		arrow{lastAck, tw, NoteSecondFIN},
		arrow{closed, tw, NoteFinalACK},
	))
}

// SYN-RECEIVED -> FIN-WAIT-1: the server closes before the handshake's
// last ACK arrived; that ACK then acknowledges its SYN and its FIN.
func TestStateRuleFINFromSynReceived(t *testing.T) {
	_, evs := feed(t, []pkt{
		{c, fS, 1000, 0, 0, 0},
		{s, fSA, 5000, 1001, 0, 1 * ms},
		{s, fFA, 5001, 1001, 0, 2 * ms},
		{c, fA, 1001, 5002, 0, 3 * ms},
	})
	checkArrows(t, evs, []arrow{
		{synSent, synRcvd, NoteSYN},
		{est, synRcvd, NoteSYNACK},
		{cw, fw1, NoteFirstFIN},
		{cw, fw2, NoteFINACKed},
	})
}

func TestStateRuleSYNRetransmittedStaysSynReceived(t *testing.T) {
	_, evs := feed(t, []pkt{
		{c, fS, 1000, 0, 0, 0},
		{c, fS, 1000, 0, 0, 1000 * ms},
		{s, fSA, 5000, 1001, 0, 1001 * ms},
		{s, fSA, 5000, 1001, 0, 2001 * ms},
		{c, fA, 1001, 5001, 0, 2002 * ms},
	})
	checkArrows(t, evs, []arrow{
		{synSent, synRcvd, NoteSYN},
		{synSent, synRcvd, NoteSYNRetransmit},
		{est, synRcvd, NoteSYNACK},
		{est, synRcvd, NoteSYNACKRetransmit},
		{est, est, NoteHandshakeACK},
	})
}

// A file cannot know at the SYN whether anything listens: the SYN is taken
// to reach a listener, and the RST that answers it corrects the guess.
func TestStateRuleRefusedPortGuessedThenCorrected(t *testing.T) {
	_, evs := feed(t, []pkt{
		{c, fS, 1000, 0, 0, 0},
		{s, fRA, 0, 1001, 0, 1 * ms},
	})
	checkArrows(t, evs, []arrow{
		{synSent, synRcvd, NoteSYN},
		{closed, closed, NoteRefused},
	})
}

// A scenario that knows nobody listens says so: the port stays CLOSED.
func TestStateRuleRefusedPortKnownToHaveNoListener(t *testing.T) {
	tr := NewTrackerWith(TrackerOptions{NoListener: []netip.AddrPort{testServer}})
	var evs []Event
	for i, p := range []pkt{{c, fS, 1000, 0, 0, 0}, {s, fRA, 0, 1001, 0, 1 * ms}} {
		seg := p.segment(uint64(i + 1))
		evs = append(evs, tr.Observe(&seg)...)
	}
	checkArrows(t, evs, []arrow{
		{synSent, closed, NoteSYNNoListener},
		{closed, closed, NoteRefusedKnown},
	})
	if s := tr.Summary(0); s.Handshake != HandshakeRefused {
		t.Errorf("handshake %s, want refused", s.Handshake)
	}
}

// RST in each state (RFC 9293 3.10.7): its sender is CLOSED; its receiver
// is CLOSED, except LISTEN (ignores it), SYN-RECEIVED from LISTEN (back to
// LISTEN), and SYN-SENT unless the RST acknowledges its SYN (dropped).
// After a FIN the narration says the close was cut short; with both ends
// already closed, that nothing changes.
func TestStateRuleRSTInEveryState(t *testing.T) {
	cl4 := join(handshake, []pkt{{c, fFA, 1001, 5001, 0, 3 * ms}})
	cases := []struct {
		name string
		pkts []pkt
		want arrow // after the last packet, an RST
	}{
		{"SYN-SENT, RST acknowledging the SYN", []pkt{{c, fS, 1000, 0, 0, 0}, {s, fRA, 0, 1001, 0, ms}},
			arrow{closed, closed, NoteRefused}},
		{"SYN-SENT, RST without ACK: dropped", []pkt{{c, fS, 1000, 0, 0, 0}, {s, fR, 0, 0, 0, ms}},
			arrow{synSent, synRcvd, NoteRSTIgnored}},
		{"SYN-SENT, RST with a wrong ACK: dropped", []pkt{{c, fS, 1000, 0, 0, 0}, {s, fRA, 0, 999, 0, ms}},
			arrow{synSent, synRcvd, NoteRSTIgnored}},
		{"SYN-RECEIVED from LISTEN: back to LISTEN", []pkt{{c, fS, 1000, 0, 0, 0}, {c, fR, 1001, 0, 0, ms}},
			arrow{closed, listen, NoteRSTToListen}},
		{"SYN-RECEIVED after a simultaneous open: CLOSED", []pkt{{c, fS, 1000, 0, 0, 0}, {s, fS, 5000, 0, 0, ms}, {c, fR, 1001, 0, 0, 2 * ms}},
			arrow{closed, closed, NoteRST}},
		{"LISTEN ignores it", []pkt{{c, fS, 1000, 0, 0, 0}, {c, fR, 1001, 0, 0, ms}, {c, fR, 1001, 0, 0, 2 * ms}},
			arrow{closed, listen, NoteRST}},
		{"ESTABLISHED", join(handshake, []pkt{{s, fRA, 5001, 1001, 0, 3 * ms}}),
			arrow{closed, closed, NoteRST}},
		{"FIN-WAIT-1", join(cl4, []pkt{{s, fRA, 5001, 1002, 0, 4 * ms}}),
			arrow{closed, closed, NoteRSTInClose}},
		{"CLOSE-WAIT", join(cl4, []pkt{{c, fRA, 1002, 5001, 0, 4 * ms}}),
			arrow{closed, closed, NoteRSTInClose}},
		{"FIN-WAIT-2", join(cl4, []pkt{{s, fA, 5001, 1002, 0, 4 * ms}, {s, fRA, 5001, 1002, 0, 5 * ms}}),
			arrow{closed, closed, NoteRSTInClose}},
		{"CLOSING", join(cl4, []pkt{{s, fFA, 5001, 1001, 0, 4 * ms}, {s, fRA, 5002, 1001, 0, 5 * ms}}),
			arrow{closed, closed, NoteRSTInClose}},
		{"LAST-ACK", join(cl4, []pkt{{s, fA, 5001, 1002, 0, 4 * ms}, {s, fFA, 5001, 1002, 0, 5 * ms}, {c, fR, 1002, 0, 0, 6 * ms}}),
			arrow{closed, closed, NoteRSTInClose}},
		{"TIME-WAIT", join(cl4, []pkt{{s, fA, 5001, 1002, 0, 4 * ms}, {s, fFA, 5001, 1002, 0, 5 * ms}, {s, fR, 5002, 0, 0, 6 * ms}}),
			arrow{closed, closed, NoteRSTInClose}},
		{"both CLOSED: a second RST changes nothing", join(handshake, []pkt{{s, fRA, 5001, 1001, 0, 3 * ms}, {s, fR, 5001, 0, 0, 4 * ms}}),
			arrow{closed, closed, NoteRSTStale}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, evs := feed(t, tc.pkts)
			checkArrows(t, evs[len(evs)-1:], []arrow{tc.want})
		})
	}
}

// gopacket's test_ethernet.pcap: an HTTP exchange whose server closes with
// data in its FIN, answered by a FIN that acknowledges it (three-way close).
func TestStateRuleOnEveryArrowOfTestEthernetPcap(t *testing.T) {
	path := filepath.Join(pcapDir, "gopacket", "test_ethernet.pcap")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("capture corpus not found: %v", err)
	}
	_, evs := trackFile(t, path)
	checkArrows(t, evs, []arrow{
		{synSent, synRcvd, NoteSYN},
		{est, synRcvd, NoteSYNACK},
		{est, est, NoteHandshakeACK},
		{est, est, NoteData},
		{est, est, NotePureACK},
		{est, est, NoteData},
		{est, est, NotePureACK},
		{cw, fw1, NoteFirstFIN},       // 355 bytes and the server's FIN
		{lastAck, tw, NoteFINACK3Way}, // was "LAST-ACK / FIN-WAIT-2"
		{closed, tw, NoteFinalACK},
	})
}
