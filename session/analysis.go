package session

import (
	"math"

	"github.com/handshake-viz/handshake-viz/capture"
)

// Sequence-number comparisons modulo 2^32 (RFC 9293 section 3.4).
func seqLT(a, b uint32) bool { return int32(a-b) < 0 }
func seqLE(a, b uint32) bool { return int32(a-b) <= 0 }
func seqGT(a, b uint32) bool { return int32(a-b) > 0 }
func seqGE(a, b uint32) bool { return int32(a-b) >= 0 }

const (
	// maxUnacked bounds the list of unacknowledged segments kept per
	// direction (Wireshark keeps up to 10000; past the bound new segments
	// are simply not remembered).
	maxUnacked = 1024
	// oooDefaultNS is Wireshark's out-of-order threshold when the handshake
	// RTT is unknown (3 ms).
	oooDefaultNS = 3_000_000
	// fastRetransNS: a retransmission within 20 ms of the second duplicate
	// ACK is a fast retransmission.
	fastRetransNS = 20_000_000
	// windowUnset is the window of a direction before its first segment.
	windowUnset = math.MaxUint32
)

type unacked struct{ seq, next uint32 }

// flowAnalysis is the sequence analysis state of one direction, modelled on
// Wireshark's tcp_analyze_seq_info so that retransmission, out-of-order,
// duplicate-ACK, window-update and keep-alive flags match tcp.analysis.*.
type flowAnalysis struct {
	segs       []unacked // sent, not yet acknowledged
	nextSeqNS  int64     // when nextSeq last advanced
	lastAckNS  int64     // time of the last segment sent in this direction
	nextSeq    uint32    // highest seq+len(+SYN/FIN) sent so far
	lastAck    uint32    // ack field of the last segment sent (0 = none, as Wireshark)
	window     uint32    // raw window of the last segment; windowUnset before
	windowSYN  bool      // the last segment was a SYN: its window is never scaled (RFC 7323 §2.2)
	lastAckLen uint32    // payload length of the segment that last advanced nextSeq
	dupAcks    int32
	nonDupAck  uint32 // frame number of the last segment that was not a duplicate ACK (Wireshark lastnondupack)
	lastFlags  Analysis
	haveNext   bool
	maxAckSet  bool   // maxAck is set
	maxAck     uint32 // highest acknowledgment number sent in this direction
}

func (f *flowAnalysis) reset() {
	segs := f.segs[:0]
	*f = flowAnalysis{window: windowUnset, segs: segs}
}

// analyze runs Wireshark's tcp_analyze_sequence_number for a segment sent
// in the direction of fwd (rev is the opposite direction). firstRTTNS is the
// handshake RTT Wireshark uses as out-of-order threshold (0 = unknown).
func analyze(fwd, rev *flowAnalysis, seg *capture.Segment, firstRTTNS int64) Analysis {
	seq, ack, seglen := seg.Seq, seg.Ack, seg.PayloadLen
	win := uint32(seg.Window)
	ctl := seg.Flags&(capture.SYN|capture.FIN|capture.RST) != 0
	synFin := seg.Flags&(capture.SYN|capture.FIN) != 0
	var a Analysis

	switch {
	case seglen == 1 && seq == fwd.nextSeq && rev.window == 0:
		a |= ZeroWindowProbe
	default:
		a |= fwd.classifyAck(rev, seg, win, ctl)
	}
	if ack != fwd.lastAck {
		fwd.dupAcks = 0
	}

	if seglen > 0 || synFin {
		a |= fwd.classifyResend(rev, seg, a, firstRTTNS)
	}
	fwd.record(rev, seg, a, win)
	return a
}

// classifyAck flags zero window, lost segment, keep-alive, window update
// and duplicate ACK.
func (f *flowAnalysis) classifyAck(rev *flowAnalysis, seg *capture.Segment, win uint32, ctl bool) Analysis {
	seq, ack, seglen := seg.Seq, seg.Ack, seg.PayloadLen
	var a Analysis
	if win == 0 && !ctl {
		a |= ZeroWindow
	}
	if f.haveNext && seqGT(seq, f.nextSeq) && seg.Flags&capture.RST == 0 {
		a |= PreviousSegmentNotCaptured
	}
	if seglen <= 1 && f.haveNext && seq == f.nextSeq-1 && !ctl {
		a |= KeepAlive
	}
	sameSeqAck := seglen == 0 && seq == f.nextSeq && ack == f.lastAck && !ctl
	if sameSeqAck && win != 0 && win != f.window {
		a |= WindowUpdate
	}
	if sameSeqAck && win != 0 && win == f.window {
		if rev.lastFlags&KeepAlive != 0 {
			return a | KeepAliveACK // not a duplicate ACK
		}
		f.dupAcks++
		a |= DupAck
	}
	return a
}

// classifyResend decides whether a segment carrying data, SYN or FIN that
// does not advance the sequence space is a retransmission (plain, fast or
// spurious: all reported as Retransmission) or out of order, with the rules
// of Wireshark 4.0 (the tshark of the reference corpus): a fast
// retransmission answers two duplicate ACKs within 20 ms; otherwise a
// segment that comes within the handshake RTT (3 ms when unknown) of the
// segment that last advanced the sequence space, and does not end where
// that one ended (counting SYN and FIN), is out of order; anything else is
// a retransmission.
func (f *flowAnalysis) classifyResend(rev *flowAnalysis, seg *capture.Segment, a Analysis, firstRTTNS int64) Analysis {
	seq, seglen := seg.Seq, seg.PayloadLen
	if a&KeepAlive != 0 {
		return 0
	}
	notAdvanced := f.haveNext && seqLT(seq, f.nextSeq)
	if seglen > 1 && f.nextSeq-1 == seq {
		notAdvanced = false // new data after a possible zero-window probe
	}
	if !notAdvanced {
		return 0
	}
	if t := seg.TimeNS - rev.lastAckNS; t < fastRetransNS && rev.dupAcks >= 2 && rev.lastAck == seq {
		return Retransmission | FastRetransmission
	}
	end := seq + seglen
	if seg.Flags&(capture.SYN|capture.FIN) != 0 {
		end++
	}
	// Seen before at this capture point: sent again, whatever the timing
	// (Wireshark 4.0 calls a quick one out-of-order; RFC 9293 has no
	// reordering of one end's own bytes before the capture point).
	if rev.maxAckSet && seqLE(end, rev.maxAck) {
		return Retransmission | SpuriousRetransmission // the peer had acknowledged it
	}
	if f.alreadySent(seq, end, rev) {
		return Retransmission
	}
	thres := firstRTTNS
	if thres == 0 {
		thres = oooDefaultNS
	}
	if seg.TimeNS-f.nextSeqNS < thres && f.nextSeq != end {
		return OutOfOrder
	}
	return Retransmission
}

// alreadySent reports whether every byte (and SYN/FIN) of [seq, end) was
// seen before in this direction: acknowledged by the peer, or in the
// segments not yet acknowledged (whose union may cover it in pieces).
func (f *flowAnalysis) alreadySent(seq, end uint32, rev *flowAnalysis) bool {
	cur := seq
	if rev.maxAckSet && seqGT(rev.maxAck, cur) {
		cur = rev.maxAck
	}
	for seqLT(cur, end) {
		moved := false
		for _, u := range f.segs {
			if seqLE(u.seq, cur) && seqLT(cur, u.next) {
				cur, moved = u.next, true
				break
			}
		}
		if !moved {
			return false
		}
	}
	return true
}

// record remembers the segment: unacknowledged list, highest sequence
// number, last ACK and window; then drops the peer's segments it acknowledges.
func (f *flowAnalysis) record(rev *flowAnalysis, seg *capture.Segment, a Analysis, win uint32) {
	seq, ack, seglen := seg.Seq, seg.Ack, seg.PayloadLen
	synFin := seg.Flags&(capture.SYN|capture.FIN) != 0
	next := seq + seglen
	if (seglen > 0 || synFin) && len(f.segs) < maxUnacked {
		if synFin {
			next++
		}
		f.segs = append(f.segs, unacked{seq: seq, next: next})
	}
	extra := uint32(0)
	if synFin {
		extra = 1
	}
	if !f.haveNext || seqGT(next, f.nextSeq+extra) {
		f.lastAckLen = seglen
	}
	if (!f.haveNext || seqGT(next, f.nextSeq)) && a&ZeroWindowProbe == 0 {
		f.nextSeq, f.haveNext, f.nextSeqNS = next, true, seg.TimeNS
	}
	f.window = win
	f.windowSYN = seg.Flags&capture.SYN != 0
	f.lastAck = ack
	f.lastAckNS = seg.TimeNS
	f.lastFlags = a
	if seg.Flags&capture.ACK != 0 && (!f.maxAckSet || seqGT(ack, f.maxAck)) {
		f.maxAck, f.maxAckSet = ack, true
	}
	if a&DupAck == 0 {
		f.nonDupAck = uint32(seg.Frame)
	}

	kept := rev.segs[:0]
	for _, u := range rev.segs {
		switch {
		case ack == u.next:
			continue // fully acknowledged
		case seqGT(ack, u.seq) && seqLE(ack, u.next):
			u.seq = ack // partly acknowledged
		case seqGT(u.next, ack):
		default:
			continue // old
		}
		kept = append(kept, u)
	}
	rev.segs = kept
}
