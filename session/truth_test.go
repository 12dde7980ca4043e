package session

import (
	"net/netip"
	"testing"
)

// startsNewStream: a SYN+ACK splits the stream only when its ISN differs
// from an earlier SYN+ACK of that end, not from that end's own SYN (a
// simultaneous open, or a server that also sent a SYN before).
func TestSYNACKSplitsOnlyOnANewISNAfterAnEarlierSYNACK(t *testing.T) {
	tr, evs := feed(t, []pkt{
		{c, fS, 1000, 0, 0, 0},
		{s, fS, 4000, 0, 0, 1 * ms},     // the server's own SYN, ISN 4000
		{s, fSA, 5000, 1001, 0, 2 * ms}, // a SYN+ACK with another ISN: no earlier SYN+ACK, same stream
		{s, fSA, 5000, 1001, 0, 3 * ms}, // the same SYN+ACK again: same stream
		{s, fSA, 6000, 1001, 0, 4 * ms}, // a new ISN after an earlier SYN+ACK: new stream
	})
	for i, want := range []int{0, 0, 0, 0, 1} {
		if evs[i].Stream != want {
			t.Errorf("packet %d in stream %d, want %d", i+1, evs[i].Stream, want)
		}
	}
	if tr.Streams() != 2 {
		t.Errorf("%d streams, want 2", tr.Streams())
	}
}

// Bytes seen before are sent again, however soon: retransmission (spurious
// once acknowledged), never out-of-order — checked before the timing test
// (Wireshark 4.0 calls both of these out-of-order: within the RTT of the
// last new segment and not ending where it ended).
func TestBytesSentBeforeAreRetransmittedNotOutOfOrder(t *testing.T) {
	const us = ms / 1000
	tr, evs := feed(t, join(handshake, []pkt{
		{c, fPA, 1001, 5001, 10, 3 * ms},
		{c, fPA, 1011, 5001, 10, 3*ms + 50*us},
		{c, fPA, 1001, 5001, 10, 3*ms + 100*us}, // the first one again, within the RTT
		{s, fA, 5001, 1021, 0, 4 * ms},
		{c, fPA, 1021, 5001, 10, 4*ms + 100*us},
		{c, fPA, 1011, 5001, 10, 4*ms + 200*us}, // acknowledged already, sent again
		{c, fPA, 1041, 5001, 10, 4*ms + 300*us}, // 1031..1040 missing
		{c, fPA, 1031, 5001, 10, 4*ms + 400*us}, // never sent before: the gap filled, out of order
	}))
	want := []Analysis{
		0, 0, Retransmission,
		0, 0, Retransmission | SpuriousRetransmission,
		PreviousSegmentNotCaptured, OutOfOrder,
	}
	for i, w := range want {
		if got := evs[3+i].Analysis; got != w {
			t.Errorf("packet %d: %v, want %v", 4+i, got.Names(), w.Names())
		}
	}
	if s := tr.Summary(0); s.Retransmissions != 2 || s.OutOfOrder != 1 {
		t.Errorf("retransmissions %d out-of-order %d, want 2 and 1", s.Retransmissions, s.OutOfOrder)
	}
}

// A resent segment may cover several earlier ones.
func TestResentBytesCoveringTwoEarlierSegmentsAreARetransmission(t *testing.T) {
	const us = ms / 1000
	_, evs := feed(t, join(handshake, []pkt{
		{c, fPA, 1001, 5001, 10, 3 * ms},
		{c, fPA, 1011, 5001, 10, 3*ms + 50*us},
		{c, fPA, 1021, 5001, 10, 3*ms + 60*us},
		{c, fPA, 1001, 5001, 20, 3*ms + 100*us}, // 1001..1020 in one segment
	}))
	if got := evs[6].Analysis; got != Retransmission {
		t.Errorf("repacketized resend: %v, want retransmission", got.Names())
	}
}

// One packet with a far-future timestamp must not advance the expiry
// clock: the connection that closes after it still takes its late
// retransmitted FIN in the same stream.
func TestOneFarFutureTimestampDoesNotCutTheStreamsThatFollow(t *testing.T) {
	const year = 365 * 24 * 3600 * 1000 * ms
	tr := NewTracker()
	var evs []Event
	observe := func(p pkt, src, dst netip.AddrPort) {
		seg := p.segment(uint64(len(evs) + 1))
		if src.IsValid() {
			seg.Src, seg.SrcPort, seg.Dst, seg.DstPort = src.Addr(), src.Port(), dst.Addr(), dst.Port()
		}
		evs = append(evs, tr.Observe(&seg)...)
	}
	for _, p := range handshake {
		observe(p, netip.AddrPort{}, netip.AddrPort{})
	}
	other, otherSrv := netip.MustParseAddrPort("10.7.0.2:5555"), netip.MustParseAddrPort("10.7.0.1:80")
	observe(pkt{c, fPA, 1, 1, 10, 3*ms + year}, other, otherSrv)                 // a broken timestamp
	for _, p := range append(closeFIN4, pkt{s, fFA, 5001, 1002, 0, 1006 * ms}) { // the server's FIN again
		observe(p, netip.AddrPort{}, netip.AddrPort{})
	}
	last := evs[len(evs)-1]
	if last.Stream != 0 || last.Analysis&Retransmission == 0 {
		t.Errorf("late FIN in stream %d (%v), want stream 0, a retransmission", last.Stream, last.Analysis.Names())
	}
	if tr.Streams() != 2 {
		t.Errorf("%d streams, want 2", tr.Streams())
	}
}

// A real pause in the capture (two packets beyond the jump) moves the
// clock: connections over before it are reduced to their summary.
func TestAPauseConfirmedByTwoPacketsMovesTheExpiryClock(t *testing.T) {
	const hour = 3600 * 1000 * ms
	tr, _ := feed(t, join(handshake, closeFIN4))
	other, otherSrv := netip.MustParseAddrPort("10.7.0.2:5555"), netip.MustParseAddrPort("10.7.0.1:80")
	for i, at := range []int64{hour, hour + ms} {
		seg := pkt{c, fPA, 1, 1, 10, at}.segment(uint64(10 + i))
		seg.Src, seg.SrcPort, seg.Dst, seg.DstPort = other.Addr(), other.Port(), otherSrv.Addr(), otherSrv.Port()
		tr.Observe(&seg)
		// The closed connection lingers after the first packet of the
		// pause (the jump waits), and is gone after the second.
		if want := 2 - i; tr.LiveConnections() != want {
			t.Errorf("after packet %d of the pause: %d live connections, want %d", i+1, tr.LiveConnections(), want)
		}
	}
}
