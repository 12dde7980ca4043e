package session

import (
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
)

// decided is the Tracker's decision after one packet.
type decided struct {
	hs HandshakeKind
	cl CloseKind
}

func checkDecided(t *testing.T, evs []Event, want []decided) {
	t.Helper()
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d", len(evs), len(want))
	}
	for i, w := range want {
		if e := evs[i]; e.Handshake != w.hs || e.Close != w.cl {
			t.Errorf("packet %d (%s %s): handshake %s close %s, want %s %s", i+1, e.From, e.Seg.Flags, e.Handshake, e.Close, w.hs, w.cl)
		}
	}
}

var (
	hsDecided = []decided{
		{HandshakeIncomplete, CloseOpen},
		{HandshakeIncomplete, CloseOpen},
		{HandshakeComplete, CloseOpen},
	}
	closeFIN4 = []pkt{
		{c, fFA, 1001, 5001, 0, 3 * ms},
		{s, fA, 5001, 1002, 0, 4 * ms},
		{s, fFA, 5001, 1002, 0, 5 * ms},
		{c, fA, 1002, 5002, 0, 6 * ms},
	}
)

func TestEventsCarryTheHandshakeAndCloseDecidedAfterEachPacket(t *testing.T) {
	cases := []struct {
		name string
		pkts []pkt
		want []decided
	}{
		{"four-way close", join(handshake, closeFIN4), append(append([]decided{}, hsDecided...),
			decided{HandshakeComplete, CloseHalfClosed}, decided{HandshakeComplete, CloseHalfClosed},
			decided{HandshakeComplete, CloseFIN4}, decided{HandshakeComplete, CloseFIN4})},
		{"three-way close", join(handshake, []pkt{
			{c, fFA, 1001, 5001, 0, 3 * ms},
			{s, fFA, 5001, 1002, 0, 4 * ms},
			{c, fA, 1002, 5002, 0, 5 * ms},
		}), append(append([]decided{}, hsDecided...),
			decided{HandshakeComplete, CloseHalfClosed}, decided{HandshakeComplete, CloseFIN3},
			decided{HandshakeComplete, CloseFIN3})},
		{"simultaneous close", join(handshake, []pkt{
			{c, fFA, 1001, 5001, 0, 3 * ms},
			{s, fFA, 5001, 1001, 0, 4 * ms},
			{c, fA, 1002, 5002, 0, 5 * ms},
			{s, fA, 5002, 1002, 0, 6 * ms},
		}), append(append([]decided{}, hsDecided...),
			decided{HandshakeComplete, CloseHalfClosed}, decided{HandshakeComplete, CloseSimultaneous},
			decided{HandshakeComplete, CloseSimultaneous}, decided{HandshakeComplete, CloseSimultaneous})},
		{"reset", join(handshake, []pkt{{s, fRA, 5001, 1001, 0, 3 * ms}}), append(append([]decided{}, hsDecided...),
			decided{HandshakeComplete, CloseRST})},
		{"refused", []pkt{{c, fS, 1000, 0, 0, 0}, {s, fRA, 0, 1001, 0, 1 * ms}}, []decided{
			{HandshakeIncomplete, CloseOpen}, {HandshakeRefused, CloseRST}}},
		{"simultaneous open: named when the SYNs cross", []pkt{
			{c, fS, 1000, 0, 0, 0},
			{s, fS, 5000, 0, 0, 1 * ms},
			{c, fSA, 1000, 5001, 0, 2 * ms},
			{s, fSA, 5000, 1001, 0, 3 * ms},
		}, []decided{
			{HandshakeIncomplete, CloseOpen}, {HandshakeSimultaneous, CloseOpen},
			{HandshakeSimultaneous, CloseOpen}, {HandshakeSimultaneous, CloseOpen}}},
		{"mid-stream", []pkt{{c, fPA, 70000, 90000, 10, 0}}, []decided{{HandshakeNone, CloseOpen}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr, evs := feed(t, tc.pkts)
			checkDecided(t, evs, tc.want)
			last := evs[len(evs)-1]
			if sum := tr.Summary(0); sum.Close != last.Close {
				t.Errorf("last event close %s, summary %s", last.Close, sum.Close)
			}
		})
	}
}

// Wireshark's [TCP Dup ACK 5#2]: the frame of the ACK duplicated and the
// count of duplicates; a fast retransmission answers them.
func TestDupACKsNameTheOriginalFrameAndCountAndFastRetransmissionIsMarked(t *testing.T) {
	_, evs := feed(t, join(handshake, []pkt{
		{c, fPA, 1001, 5001, 100, 3 * ms},
		{c, fPA, 1101, 5001, 100, 3*ms + 10}, // lost after the capture point
		{c, fPA, 1201, 5001, 100, 3*ms + 20},
		{s, fA, 5001, 1101, 0, 4 * ms},        // frame 7: the original ACK
		{s, fA, 5001, 1101, 0, 4*ms + 10},     // dup #1
		{s, fA, 5001, 1101, 0, 4*ms + 20},     // dup #2
		{c, fPA, 1101, 5001, 100, 4*ms + 100}, // fast retransmission
	}))
	for i, w := range []struct{ of, n uint32 }{{0, 0}, {7, 1}, {7, 2}} {
		e := evs[6+i]
		if e.DupAckOf != w.of || uint32(e.DupAckN) != w.n || (w.n > 0) != e.Analysis.Has(DupAck) {
			t.Errorf("frame %d: dup ack of %d #%d (%v), want %d#%d", 7+i, e.DupAckOf, e.DupAckN, e.Analysis.Names(), w.of, w.n)
		}
	}
	if a := evs[9].Analysis; a != Retransmission|FastRetransmission {
		t.Errorf("resent after two dup ACKs: %v, want retransmission + fast_retransmission", a.Names())
	}
}

func TestResendingAcknowledgedBytesIsASpuriousRetransmission(t *testing.T) {
	tr, evs := feed(t, join(handshake, []pkt{
		{c, fPA, 1001, 5001, 10, 3 * ms},
		{s, fA, 5001, 1011, 0, 4 * ms},
		{c, fPA, 1001, 5001, 10, 300 * ms}, // the ACK came; the client did not see it
	}))
	if a := evs[5].Analysis; a != Retransmission|SpuriousRetransmission {
		t.Errorf("resent after its ACK: %v, want retransmission + spurious_retransmission", a.Names())
	}
	if s := tr.Summary(0); s.Retransmissions != 1 {
		t.Errorf("%d retransmissions, want 1", s.Retransmissions)
	}
}

func TestNewAnalysisNamesAreAppendedAfterTheOldOnes(t *testing.T) {
	old := []string{"retransmission", "out_of_order", "dup_ack", "zero_window",
		"window_update", "keep_alive", "previous_segment_not_captured"}
	for i, n := range old {
		if got := Analysis(1 << i).Names(); len(got) != 1 || got[0] != n {
			t.Errorf("bit %d named %v, want %s", i, got, n)
		}
	}
	if got := (FastRetransmission | SpuriousRetransmission | ZeroWindowProbe | KeepAliveACK).Names(); len(got) != 4 {
		t.Errorf("new bits named %v", got)
	}
}

// RFC 7323: the window is scaled only when both SYNs carry the option,
// each end by its own shift, and a SYN's window never.
func TestWinShiftIsTheSendersNegotiatedShift(t *testing.T) {
	run := func(wsC, wsS int8, pkts []pkt) []Event {
		tr := NewTracker()
		var evs []Event
		for i, p := range pkts {
			seg := p.segment(uint64(i + 1))
			if p.flags&capture.SYN != 0 {
				seg.Options.WindowScale = map[Dir]int8{c: wsC, s: wsS}[p.from]
			}
			evs = append(evs, tr.Observe(&seg)...)
		}
		return evs
	}
	data := join(handshake, []pkt{{c, fPA, 1001, 5001, 10, 3 * ms}, {s, fA, 5001, 1011, 0, 4 * ms}})
	cases := []struct {
		name     string
		wsC, wsS int8
		pkts     []pkt
		want     []int8
	}{
		{"both offer", 7, 10, data, []int8{WinShiftNone, WinShiftNone, 7, 7, 10}},
		{"server declines", 7, -1, data, []int8{WinShiftNone, WinShiftNone, WinShiftNone, WinShiftNone, WinShiftNone}},
		{"shift above 14 is 14", 15, 2, data, []int8{WinShiftNone, WinShiftNone, 14, 14, 2}},
		{"no handshake", -1, -1, []pkt{{c, fPA, 1001, 5001, 10, 0}}, []int8{WinShiftUnknown}},
	}
	for _, tc := range cases {
		evs := run(tc.wsC, tc.wsS, tc.pkts)
		for i, w := range tc.want {
			if evs[i].WinShift != w {
				t.Errorf("%s: packet %d shift %d, want %d", tc.name, i+1, evs[i].WinShift, w)
			}
		}
	}
}

// AckedBytes counts payload only (not the SYN or FIN an ACK covers), and
// PrevWindow is the sender's previous raw window.
func TestEventsCountTheBytesAnACKAcknowledgesAndKeepThePreviousWindow(t *testing.T) {
	tr := NewTracker()
	var evs []Event
	pkts := join(handshake, []pkt{
		{c, fPA, 1001, 5001, 10, 3 * ms},
		{c, fFA, 1011, 5001, 0, 4 * ms},
		{s, fA, 5001, 1012, 0, 5 * ms}, // 10 bytes and the FIN
	})
	for i, p := range pkts {
		seg := p.segment(uint64(i + 1))
		if i == 5 {
			seg.Window = 1000
		}
		evs = append(evs, tr.Observe(&seg)...)
	}
	for i, want := range []uint32{0, 0, 0, 0, 0, 10} {
		if evs[i].AckedBytes != want {
			t.Errorf("packet %d acknowledges %d new bytes, want %d", i+1, evs[i].AckedBytes, want)
		}
	}
	if e := evs[5]; e.PrevWindow != 65535 || e.Seg.Window != 1000 {
		t.Errorf("window %d, previous %d: want 1000 after 65535", e.Seg.Window, e.PrevWindow)
	}
	if evs[0].PrevWindow != evs[0].Seg.Window {
		t.Errorf("first segment's previous window %d, want its own %d", evs[0].PrevWindow, evs[0].Seg.Window)
	}
}

// RFC 9293 figure 8: in a simultaneous open each SYN+ACK repeats its
// end's SYN by design; it is not a retransmission.
func TestSimultaneousOpenSYNACKIsNotARetransmission(t *testing.T) {
	tr, evs := feed(t, []pkt{
		{c, fS, 1000, 0, 0, 0},
		{s, fS, 5000, 0, 0, 1 * ms},
		{c, fSA, 1000, 5001, 0, 2 * ms},
		{s, fSA, 5000, 1001, 0, 3 * ms},
	})
	for i, e := range evs {
		if e.Analysis != 0 {
			t.Errorf("packet %d flagged %v", i+1, e.Analysis.Names())
		}
	}
	if s := tr.Summary(0); s.Retransmissions != 0 || s.Handshake != HandshakeSimultaneous {
		t.Errorf("summary: %d retransmissions, handshake %s; want 0, simultaneous", s.Retransmissions, s.Handshake)
	}
}

// A SYN sets the base of relative numbers even after an earlier segment
// of that end that was not a SYN (here a dropped RST).
func TestASYNAfterAnRSTStillStartsRelativeNumbersAtZero(t *testing.T) {
	_, evs := feed(t, []pkt{
		{c, fS, 1000, 0, 0, 0},
		{s, fR, 4000, 0, 0, 1 * ms},
		{s, fSA, 5000, 1001, 0, 2 * ms},
		{c, fA, 1001, 5001, 0, 3 * ms},
	})
	if evs[2].RelSeq != 0 || evs[3].RelAck != 1 {
		t.Errorf("SYN+ACK at relative %d, its ACK at %d; want 0 and 1", evs[2].RelSeq, evs[3].RelAck)
	}
}
