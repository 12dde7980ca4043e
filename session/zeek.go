package session

import "github.com/handshake-viz/handshake-viz/capture"

// Zeek's verdicts on a connection, as its conn.log gives them: conn_state
// and history. They follow Zeek's TCP analyzer (TCPSessionAdapter: the
// endpoint states and update_history) and base/protocols/conn/main.zeek
// (the conn_state function); the README lists where they differ.

// zeekState is the state Zeek keeps of one TCP endpoint.
type zeekState uint8

const (
	zInactive zeekState = iota
	zSYNSent
	zSYNACKSent
	zPartial
	zEstablished
	zClosed
	zReset
)

// History bits (Zeek's HIST_*), per direction: the originator's in the
// low byte, the responder's shifted by 8.
const (
	histSYN uint16 = 1 << iota
	histFIN
	histRST
	histFINRST
	histData
	histACK
	histMulti
)

// zeekHistoryMax is the longest history kept; Zeek's own is unbounded, but
// beyond this only repeated SYN/FIN/RST letters with new sequence numbers
// or the 10^n retransmission and zero-window letters could follow.
const zeekHistoryMax = 24

// zeekEnd is what Zeek keeps of one endpoint.
type zeekEnd struct {
	state, prev        zeekState
	started            bool   // start/last sequence numbers are set
	start, last, acked uint32 // sequence space: first (as if a SYN), one past the highest sent, highest acknowledged by the peer
	lastSYN, lastFIN   uint32
	lastRST            uint32
	rxmt, zeroWin      uint32 // counts, for the 10^n letters T and W
	finSeen            bool
}

func (e *zeekEnd) set(s zeekState) {
	if s != e.state {
		e.prev, e.state = e.state, s
	}
}

// zeekConn is a stream's Zeek view; it lives in the streamRec.
type zeekConn struct {
	end     [2]zeekEnd // by Dir: originator (client), responder (server)
	seen    uint16
	hist    [zeekHistoryMax]byte
	histLen uint8
}

func (z *zeekConn) add(code byte, d Dir) {
	if d == FromServer {
		code += 'a' - 'A'
	}
	if int(z.histLen) < len(z.hist) {
		z.hist[z.histLen] = code
		z.histLen++
	}
}

// check is Zeek's CheckHistory: the letter is added the first time the
// bit is seen in that direction; it reports whether it was seen before.
func (z *zeekConn) check(bit uint16, code byte, d Dir) bool {
	if d == FromServer {
		bit <<= 8
	}
	if z.seen&bit != 0 {
		return true
	}
	z.seen |= bit
	z.add(code, d)
	return false
}

// scaled adds code at the 1st, 10th, 100th… occurrence (Zeek's
// ScaledHistoryEntry).
func (z *zeekConn) scaled(n *uint32, code byte, d Dir) {
	*n++
	for p := uint32(1); p <= *n && p != 0; p *= 10 {
		if p == *n {
			z.add(code, d)
			return
		}
		if p > (1<<32-1)/10 {
			return
		}
	}
}

// seqDelta is Zeek's seq_delta: a - b in sequence space.
func seqDelta(a, b uint32) int32 { return int32(a - b) }

// zeekTooLargeDelta is Zeek's TOO_LARGE_SEQ_DELTA.
const zeekTooLargeDelta = 1 << 20

// observe takes one segment from d, as Zeek's TCPSessionAdapter::Process
// does: history letters, sequence bookkeeping, then the state machine.
func (z *zeekConn) observe(d Dir, seg *capture.Segment) {
	E, P := &z.end[d], &z.end[1-d]
	f := seg.Flags
	syn, fin, rst, ack := f&capture.SYN != 0, f&capture.FIN != 0, f&capture.RST != 0, f&capture.ACK != 0
	n := seg.PayloadLen
	segLen := n
	if syn {
		segLen++
	}
	if fin {
		segLen++
		E.finSeen = true
	}
	if rst {
		segLen -= n
	}
	end := seg.Seq + segLen

	// init_endpoint
	switch {
	case !E.started || E.state == zInactive:
		if syn {
			E.start, E.last = seg.Seq, end
		} else {
			E.start, E.last = seg.Seq-1, seg.Seq
		}
		E.acked, E.started = E.start, true
	case syn && (E.state == zSYNSent || E.state == zSYNACKSent || E.state == zEstablished || E.state == zPartial) && seg.Seq != E.start,
		syn && (E.state == zEstablished || E.state == zPartial):
		E.start, E.acked, E.last = seg.Seq, seg.Seq, end
	case syn && E.state == zReset && E.prev == zInactive:
		E.start, E.acked, E.last = seg.Seq, seg.Seq, end
	}
	rel := seg.Seq - E.start

	// update_history
	bits := 0
	for _, b := range [...]bool{syn, fin, rst} {
		if b {
			bits++
		}
	}
	switch {
	case bits > 1 && fin && rst:
		z.check(histFINRST, 'I', d)
	case bits > 1:
		z.check(histMulti, 'Q', d)
	case bits == 1:
		if syn {
			code := byte('S')
			if ack {
				code = 'H'
			}
			if z.check(histSYN, code, d) && rel != E.lastSYN {
				z.add(code, d)
			}
			E.lastSYN = rel
		}
		if fin {
			if z.check(histFIN, 'F', d) && rel+n != E.lastFIN {
				z.add('F', d)
			}
			E.lastFIN = rel + n
		}
		if rst {
			if z.check(histRST, 'R', d) && rel != E.lastRST {
				z.add('R', d)
			}
			E.lastRST = rel
		}
	case n > 0:
		z.check(histData, 'D', d)
	case ack:
		z.check(histACK, 'A', d)
	}

	// update_window: a zero window is news unless it comes with or after
	// a RST or after the peer's FIN.
	if seg.Window == 0 && !rst && P.state != zClosed && E.state != zReset {
		z.scaled(&E.zeroWin, 'W', d)
	}

	// The peer's acknowledged sequence space (Size uses it).
	if ack && P.started && !rst && seqDelta(seg.Ack, P.acked) > 0 && !(seg.Ack == 0 && seqDelta(seg.Ack, P.acked) > zeekTooLargeDelta) {
		P.acked = seg.Ack
	}
	if ack && !P.started {
		P.start, P.last, P.acked, P.started = seg.Ack-1, seg.Ack-1, seg.Ack-1, true
	}

	// update_last_seq
	delta := seqDelta(end, E.last)
	switch {
	case (syn || rst) && (delta > zeekTooLargeDelta || delta < -zeekTooLargeDelta):
	case fin && E.last == E.start+1:
		E.last = end
	case E.state == zReset:
	case delta > 0:
		E.last = end
	case n > 0:
		z.scaled(&E.rxmt, 'T', d)
	}

	z.step(d, seg)
}

// step is Zeek's UpdateStateMachine for a segment from d.
func (z *zeekConn) step(d Dir, seg *capture.Segment) {
	E, P := &z.end[d], &z.end[1-d]
	orig := d == FromClient
	f := seg.Flags
	syn, fin, rst, ack := f&capture.SYN != 0, f&capture.FIN != 0, f&capture.RST != 0, f&capture.ACK != 0
	switch E.state {
	case zInactive:
		if syn {
			switch {
			case orig && ack:
				E.set(zSYNACKSent)
			case orig:
				E.set(zSYNSent)
			default:
				if P.state == zSYNSent {
					P.set(zEstablished)
				}
				E.set(zEstablished)
			}
		}
		if fin {
			E.set(zClosed)
		}
		if rst {
			E.set(zReset)
		}
		if E.state == zInactive {
			switch {
			case !orig && seg.PayloadLen == 0 && z.end[FromClient].state == zSYNSent:
				// an ACK of the SYN before the SYN+ACK: not partial
			case ack && P.state == zEstablished:
				E.set(zEstablished) // the SYN was missed
			default:
				E.set(zPartial)
			}
		}
	case zSYNSent, zSYNACKSent:
		if fin {
			E.set(zClosed)
		}
		if rst {
			E.set(zReset)
		}
	case zEstablished, zPartial:
		if syn && E.state == zPartial && P.state == zInactive && !ack {
			E.set(zSYNSent)
		}
		if fin && !rst {
			E.set(zClosed)
			if P.state == zReset && P.prev == zClosed {
				P.set(zClosed) // a FIN then a RST: a normal end
			}
		}
		if rst {
			E.set(zReset)
		}
	case zClosed:
		if rst && P.state != zClosed {
			E.set(zReset)
		}
	}
}

// size is Zeek's TCP_Endpoint::Size: the sequence space sent (or
// acknowledged), less the SYN.
func (z *zeekConn) size(d Dir) uint64 {
	E, P := &z.end[d], &z.end[1-d]
	if !E.started {
		return 0
	}
	if E.prev == zSYNSent && E.state == zReset && P.state == zInactive && E.acked == E.start {
		return 0 // a half-open connection found and aborted
	}
	var n uint32
	if seqDelta(E.last, E.acked) > 0 {
		n = E.last - E.start
	} else {
		n = E.acked - E.start
	}
	if n > 0 {
		n-- // the SYN (or the place of one)
	}
	if n > 0 && E.finSeen {
		n-- // the FIN: conn.log's counts are payload bytes
	}
	return uint64(n)
}

// History is Zeek's history string.
func (z *zeekConn) History() string { return string(z.hist[:z.histLen]) }

// ConnState is Zeek's conn_state (base/protocols/conn/main.zeek).
func (z *zeekConn) ConnState() string {
	os, rs := z.end[FromClient].state, z.end[FromServer].state
	oInactive := os == zInactive || os == zPartial
	rInactive := rs == zInactive || rs == zPartial
	switch {
	case rs == zReset:
		switch {
		case os == zSYNSent || os == zSYNACKSent || (os == zReset && z.size(FromClient) == 0 && z.size(FromServer) == 0):
			return "REJ"
		case oInactive:
			return "RSTRH"
		}
		return "RSTR"
	case os == zReset:
		if rInactive {
			if z.rstos0() {
				return "RSTOS0"
			}
			return "OTH"
		}
		return "RSTO"
	case rs == zClosed && os == zClosed:
		return "SF"
	case os == zClosed:
		if rInactive {
			return "SH"
		}
		return "S2"
	case rs == zClosed:
		if oInactive {
			return "SHR"
		}
		return "S3"
	case os == zSYNSent && rs == zInactive:
		return "S0"
	case os == zEstablished && rs == zEstablished:
		return "S1"
	}
	return "OTH"
}

// rstos0 matches the history against Zeek's /^\^?S[^HAFGIQ]*R.*/.
func (z *zeekConn) rstos0() bool {
	h := z.hist[:z.histLen]
	if len(h) > 0 && h[0] == '^' {
		h = h[1:]
	}
	if len(h) == 0 || h[0] != 'S' {
		return false
	}
	for _, c := range h[1:] {
		switch c {
		case 'R':
			return true
		case 'H', 'A', 'F', 'G', 'I', 'Q':
			return false
		}
	}
	return false
}
