package session

import "testing"

// zeekCase is a literal sequence with the conn_state and history Zeek
// gives it.
type zeekCase struct {
	name      string
	pkts      []pkt
	state     string
	history   string
	origBytes uint64
}

var zeekCases = []zeekCase{
	{"S0: a SYN, no reply", []pkt{{c, fS, 100, 0, 0, 0}}, "S0", "S", 0},
	{"S1: established, not closed", []pkt{
		{c, fS, 100, 0, 0, 0}, {s, fSA, 500, 101, 0, ms}, {c, fA, 101, 501, 0, 2 * ms},
	}, "S1", "ShA", 0},
	{"SF: established and closed by both", []pkt{
		{c, fS, 100, 0, 0, 0}, {s, fSA, 500, 101, 0, ms}, {c, fA, 101, 501, 0, 2 * ms},
		{c, fPA, 101, 501, 5, 3 * ms}, {s, fA, 501, 106, 0, 4 * ms},
		{c, fFA, 106, 501, 0, 5 * ms}, {s, fFA, 501, 107, 0, 6 * ms}, {c, fA, 107, 502, 0, 7 * ms},
	}, "SF", "ShADaFf", 5},
	{"REJ: the SYN answered by RST", []pkt{
		{c, fS, 100, 0, 0, 0}, {s, fRA, 0, 101, 0, ms},
	}, "REJ", "Sr", 0},
	{"S2: the originator's FIN unanswered", []pkt{
		{c, fS, 100, 0, 0, 0}, {s, fSA, 500, 101, 0, ms}, {c, fA, 101, 501, 0, 2 * ms},
		{c, fFA, 101, 501, 0, 3 * ms},
	}, "S2", "ShAF", 0},
	{"S3: the responder's FIN unanswered", []pkt{
		{c, fS, 100, 0, 0, 0}, {s, fSA, 500, 101, 0, ms}, {c, fA, 101, 501, 0, 2 * ms},
		{s, fFA, 501, 101, 0, 3 * ms},
	}, "S3", "ShAf", 0},
	{"RSTO: established, the originator resets", []pkt{
		{c, fS, 100, 0, 0, 0}, {s, fSA, 500, 101, 0, ms}, {c, fA, 101, 501, 0, 2 * ms},
		{c, fRA, 101, 501, 0, 3 * ms},
	}, "RSTO", "ShAR", 0},
	{"RSTR: established, the responder resets", []pkt{
		{c, fS, 100, 0, 0, 0}, {s, fSA, 500, 101, 0, ms}, {c, fA, 101, 501, 0, 2 * ms},
		{s, fRA, 501, 101, 0, 3 * ms},
	}, "RSTR", "ShAr", 0},
	{"RSTOS0: a SYN then the originator's RST, no SYN+ACK", []pkt{
		{c, fS, 100, 0, 0, 0}, {c, fR, 101, 0, 0, ms},
	}, "RSTOS0", "SR", 0},
	{"RSTRH: a SYN+ACK then the responder's RST, no SYN", []pkt{
		{s, fSA, 500, 101, 0, 0}, {s, fR, 501, 0, 0, ms},
	}, "RSTRH", "^hr", 0},
	{"SH: a SYN then the originator's FIN, no SYN+ACK", []pkt{
		{c, fS, 100, 0, 0, 0}, {c, fFA, 101, 0, 0, ms},
	}, "SH", "SF", 0},
	{"SHR: a SYN+ACK then the responder's FIN, no SYN", []pkt{
		{s, fSA, 500, 101, 0, 0}, {s, fFA, 501, 101, 0, ms},
	}, "SHR", "^hf", 0},
	{"OTH: midstream data only", []pkt{
		{c, fPA, 1000, 2000, 10, 0}, {c, fPA, 1010, 2000, 10, ms},
	}, "OTH", "D", 20},
	// A SYN with a new sequence number would be a second S for Zeek; here
	// it starts a new stream (Wireshark's rule), so it is never seen.
	{"a retried SYN (same sequence number) is one S", []pkt{
		{c, fS, 100, 0, 0, 0}, {c, fS, 100, 0, 0, 1000 * ms},
	}, "S0", "S", 0},
	{"a FIN repeated with a new sequence number is a second F", []pkt{
		{c, fS, 100, 0, 0, 0}, {s, fSA, 500, 101, 0, ms}, {c, fA, 101, 501, 0, 2 * ms},
		{c, fFA, 101, 501, 0, 3 * ms}, {c, fFA, 101, 501, 0, 4 * ms}, {c, fFA, 105, 501, 0, 5 * ms},
	}, "S2", "ShAFF", 4}, // orig_bytes from sequence numbers: the jump counts
	{"retransmitted data: T at the 1st and the 10th", append([]pkt{
		{c, fS, 100, 0, 0, 0}, {s, fSA, 500, 101, 0, ms}, {c, fA, 101, 501, 0, 2 * ms},
		{c, fPA, 101, 501, 5, 3 * ms},
	}, repeat(pkt{c, fPA, 101, 501, 5, 4 * ms}, 10)...), "S1", "ShADTT", 5},
}

func repeat(p pkt, n int) []pkt {
	out := make([]pkt, n)
	for i := range out {
		out[i] = p
		out[i].at += int64(i) * ms
	}
	return out
}

func TestZeekConnStateAndHistoryOfEveryState(t *testing.T) {
	seen := map[string]bool{}
	for _, zc := range zeekCases {
		tr, _ := feed(t, zc.pkts)
		s := tr.Summary(0)
		if s.ConnState != zc.state || s.History != zc.history {
			t.Errorf("%s: conn_state %s history %q, want %s %q", zc.name, s.ConnState, s.History, zc.state, zc.history)
		}
		if s.ZeekBytes.Client != zc.origBytes {
			t.Errorf("%s: orig_bytes %d, want %d", zc.name, s.ZeekBytes.Client, zc.origBytes)
		}
		seen[zc.state] = true
	}
	for _, st := range []string{"S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH"} {
		if !seen[st] {
			t.Errorf("no case for conn_state %s", st)
		}
	}
}

func TestZeekZeroWindowLettersAreScaledLikeRetransmissions(t *testing.T) {
	pkts := []pkt{{c, fS, 100, 0, 0, 0}, {s, fSA, 500, 101, 0, ms}, {c, fA, 101, 501, 0, 2 * ms}}
	tr := NewTracker()
	for i, p := range pkts {
		seg := p.segment(uint64(i + 1))
		tr.Track(&seg)
	}
	for i := range 10 {
		seg := pkt{s, fA, 501, 101, 0, int64(3+i) * ms}.segment(uint64(4 + i))
		seg.Window = 0
		tr.Track(&seg)
	}
	if h := tr.Summary(0).History; h != "ShAaww" {
		t.Errorf("history %q, want ShAaww (the responder's w at its 1st and 10th zero window)", h)
	}
}
