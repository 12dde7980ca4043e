package session

import "github.com/handshake-viz/handshake-viz/capture"

// endpoint is what the tracker knows about one end of a connection, as
// seen on the wire.
type endpoint struct {
	synSeen  bool   // this end sent a SYN (or SYN+ACK)
	synOnly  bool   // it sent a SYN without ACK
	synACK   bool   // it sent a SYN+ACK
	isnKnown bool   // isn is known (from its SYN, or from the peer's ACK of it)
	isn      uint32 // initial sequence number
	finSent  bool
	finSeq   uint32 // sequence number of its FIN
	finAcked bool   // the peer acknowledged the FIN
	ackSent  bool
	lastAck  uint32 // highest acknowledgment number this end sent
	baseSet  bool   // base for relative numbers is set (Wireshark base_seq)
	base     uint32
	baseSYN  bool // base was set from a SYN
	ws       int8 // window scale option of its SYN (-1 absent); valid when synSeen
	passive  bool // it reached SYN-RECEIVED from LISTEN (an RST returns it there)
}

// finStep says what a FIN did.
type finStep uint8

const (
	finNone   finStep = iota
	finFirst          // first FIN of the connection
	finSecond         // the other end's FIN, after the first was acknowledged (4-way)
	fin3Way           // the other end's FIN that also acknowledges the first
	finSimul          // the other end's FIN, crossing the first (simultaneous close)
	finAgain          // a FIN already sent, sent again
)

// ackStep says which FIN an acknowledgment covered.
type ackStep uint8

const (
	ackNone      ackStep = iota
	ackFirstFIN          // acknowledges the first FIN: FIN-WAIT-2 / CLOSE-WAIT
	ackClosing           // acknowledges a FIN of an end in CLOSING: TIME-WAIT
	ackFINClosed         // acknowledges the FIN of an end in LAST-ACK: CLOSED
)

// step is the outcome of one segment on the two state machines.
type step struct {
	changed       Side
	handshakeDone bool // this segment completed the handshake
	acksPeerSYN   bool // an ACK (no SYN) acknowledging the peer's SYN
	synAgain      bool // SYN (or SYN+ACK) repeated with the same ISN
	simOpen       bool // a SYN crossing the peer's SYN
	rst           bool // an acceptable RST
	rstIgnored    bool // an RST that RFC 9293 says to drop (SYN-SENT, bad ACK)
	refused       bool // RST answering a SYN: nobody listens
	refusedKnown  bool // ...and TrackerOptions.NoListener said so before
	backToListen  bool // an RST returned an end in SYN-RECEIVED to LISTEN
	rstStale      bool // an RST when both ends were already closed: nothing left to reset
	rstInClose    bool // an RST after a FIN: the orderly close is cut short
	fin           finStep
	ack           ackStep
}

// transition applies one segment sent from d to the inferred state of both
// ends (RFC 9293 section 3.10). Every segment has a send moment and an
// arrival moment: the sender's state changes when it sends, the
// receiver's when the segment arrives, and the states returned are both
// ends' after arrival. A capture is taken at one point, so the two moments
// are the same packet; where a later packet proves that segments crossed
// (simultaneous open or close) or that a guess was wrong (a refused port),
// the states are corrected at that packet. It fills s, which must be
// zero. (A step is passed by pointer, not returned: the compiler copies a
// 14-byte struct in two overlapping 8-byte moves, and reading it back then
// stalls on store forwarding, some 3% of analyze's time.)
func (c *conn) transition(d Dir, seg *capture.Segment, s *step) {
	before := c.state
	if seg.Flags&capture.RST != 0 {
		c.reset(d, seg, s)
	} else {
		if seg.Flags&capture.SYN != 0 {
			c.syn(d, seg, s)
		}
		if seg.Flags&capture.ACK != 0 {
			c.ack(d, seg, s)
		}
		if seg.Flags&capture.FIN != 0 {
			c.fin(d, seg, s)
		}
	}
	if c.state[FromClient] != before[FromClient] {
		s.changed |= ClientSide
	}
	if c.state[FromServer] != before[FromServer] {
		s.changed |= ServerSide
	}
}

// reset handles an RST from d (RFC 9293 3.10.7). In SYN-SENT an RST is
// acceptable only if it acknowledges the SYN; one without ACK or with a
// wrong ACK is dropped (a forged RST) and changes nothing. Elsewhere every
// RST is taken (without the receive window we cannot check its sequence
// number): its sender is CLOSED; its receiver is CLOSED, except that a
// listener ignores it and an end in SYN-RECEIVED that came from LISTEN
// returns to LISTEN (3.10.7.3).
func (c *conn) reset(d Dir, seg *capture.Segment, s *step) {
	x, y := d, 1-d
	Y := &c.ep[y]
	if c.state[y] == SynSent && (seg.Flags&capture.ACK == 0 || (Y.isnKnown && seg.Ack != Y.isn+1)) {
		s.rstIgnored = true
		return
	}
	s.rst = true
	if closedOrTimeWait(c.state[x]) && closedOrTimeWait(c.state[y]) {
		s.rstStale = true
	} else if c.ep[x].finSent || c.ep[y].finSent {
		s.rstInClose = true
	}
	// An RST answering a SYN from an end that never sent SYN+ACK: the
	// port is CLOSED (RFC 9293 3.10.7.1); a listener would have answered
	// with SYN+ACK. Its SYN-RECEIVED state was our guess; correct it.
	if c.state[y] == SynSent && !c.ep[x].synSeen {
		s.refused, s.refusedKnown = true, c.state[x] == Closed
	}
	c.state[x] = Closed
	switch c.state[y] {
	case Listen, Closed:
	case SynReceived:
		c.state[y] = Closed
		if Y.passive {
			c.state[y], s.backToListen = Listen, true
		}
	default:
		c.state[y] = Closed
	}
}

func closedOrTimeWait(st State) bool { return st == Closed || st == TimeWait }

// syn handles a SYN or SYN+ACK from d. Sending a SYN moves its sender to
// SYN-SENT; its arrival moves a listener to SYN-RECEIVED (a port known to
// be closed stays CLOSED and will answer RST). Sending a SYN+ACK means
// its sender has received the peer's SYN: SYN-RECEIVED.
func (c *conn) syn(d Dir, seg *capture.Segment, s *step) {
	x, y := d, 1-d
	X, Y := &c.ep[x], &c.ep[y]
	withACK := seg.Flags&capture.ACK != 0
	// Sent again: the same ISN in the same kind of segment (the SYN+ACK
	// of a simultaneous open repeats the ISN of that end's SYN).
	if X.isn == seg.Seq && ((withACK && X.synACK) || (!withACK && X.synOnly)) {
		s.synAgain = true
	}
	X.synSeen, X.isnKnown, X.isn = true, true, seg.Seq
	X.ws = seg.Options.WindowScale
	if withACK {
		X.synACK = true
	} else {
		X.synOnly = true
	}
	if withACK {
		switch c.state[x] {
		case Closed, Listen, SynSent:
			c.state[x] = SynReceived
		}
		return
	}
	switch c.state[x] {
	case Closed, Listen:
		c.state[x] = SynSent
	}
	// Simultaneous open: this SYN does not acknowledge the peer's, so it
	// was sent before the peer's SYN arrived; the SYNs crossed. Each end
	// receives the other's SYN in SYN-SENT and moves to SYN-RECEIVED.
	if c.state[y] == SynSent && Y.synSeen && !s.synAgain {
		s.simOpen, c.simOpen = true, true
		c.state[x], c.state[y] = SynReceived, SynReceived
		X.passive, Y.passive = false, false
		return
	}
	if c.state[y] == Listen {
		c.state[y] = SynReceived
		Y.passive = true
	}
}

// ack handles the acknowledgment field of a segment from d, on arrival:
// the end of the handshake and the acknowledgment of FINs.
func (c *conn) ack(d Dir, seg *capture.Segment, s *step) {
	x, y := d, 1-d
	X, Y := &c.ep[x], &c.ep[y]
	a := seg.Ack
	if !X.ackSent || seqGT(a, X.lastAck) {
		X.ackSent, X.lastAck = true, a
	}
	acksSYN := Y.isnKnown && seqGE(a, Y.isn+1) && seqLE(a, Y.isn+1+1<<30)
	if acksSYN && Y.synSeen && seg.Flags&capture.SYN == 0 {
		s.acksPeerSYN = true
	}
	if acksSYN {
		// The peer's SYN is acknowledged: on arrival an end in
		// SYN-RECEIVED is ESTABLISHED, and so is an end in SYN-SENT
		// getting the SYN+ACK (RFC 9293 3.10.7.3).
		switch {
		case c.state[y] == SynReceived:
			c.state[y] = Established
		case c.state[y] == SynSent && seg.Flags&capture.SYN != 0:
			c.state[y] = Established
		}
		// An end in SYN-SENT that sends this ACK got a SYN+ACK the
		// capture missed: it is ESTABLISHED.
		if seg.Flags&capture.SYN == 0 && c.state[x] == SynSent {
			c.state[x] = Established
		}
		if c.state[x] == Established && c.state[y] == Established && !c.established {
			c.established = true
			s.handshakeDone = true
		}
	}
	if !Y.finSent || Y.finAcked || !seqGE(a, Y.finSeq+1) {
		return
	}
	Y.finAcked = true
	s.ack = ackFirstFIN
	switch c.state[y] {
	case FinWait1:
		c.state[y] = FinWait2
	case Closing:
		c.state[y] = TimeWait
		s.ack = ackClosing
	case LastAck:
		c.state[y] = Closed
		s.ack = ackFINClosed
	}
}

// fin handles a FIN from d, after its ACK field: sending it moves the
// sender to FIN-WAIT-1 (first FIN) or LAST-ACK (from CLOSE-WAIT); its
// arrival moves the receiver to CLOSE-WAIT, or from FIN-WAIT-2 (its own
// FIN acknowledged, perhaps by this very segment) to TIME-WAIT, or from
// FIN-WAIT-1 to CLOSING when the FINs crossed.
func (c *conn) fin(d Dir, seg *capture.Segment, s *step) {
	x, y := d, 1-d
	X, Y := &c.ep[x], &c.ep[y]
	finSeq := seg.Seq + seg.PayloadLen
	if seg.Flags&capture.SYN != 0 {
		finSeq++
	}
	if X.finSent {
		s.fin = finAgain
		switch c.state[y] {
		case Established, SynReceived:
			c.state[y] = CloseWait // the first copy reached it before it was synchronized
		case FinWait2:
			c.state[y] = TimeWait
		}
		return
	}
	X.finSent, X.finSeq = true, finSeq
	if !Y.finSent {
		s.fin = finFirst
		switch c.state[x] {
		case Established, SynReceived, SynSent:
			c.state[x] = FinWait1
		case CloseWait:
			c.state[x] = LastAck
		}
		switch c.state[y] {
		case Established, SynReceived:
			c.state[y] = CloseWait
		}
		return
	}
	// Second FIN.
	switch {
	case Y.finAcked && s.ack != ackNone:
		s.fin = fin3Way // this very segment acknowledged the first FIN
	case Y.finAcked:
		s.fin = finSecond
	default:
		// The FINs crossed: this FIN does not acknowledge the peer's, so
		// this end sent it before the peer's FIN reached it (FIN-WAIT-1,
		// not the CLOSE-WAIT guessed at the first FIN); each end then
		// receives the other's FIN in FIN-WAIT-1: CLOSING.
		s.fin = finSimul
		c.state[x] = Closing
		if c.state[y] == FinWait1 {
			c.state[y] = Closing
		}
		return
	}
	switch c.state[x] {
	case CloseWait, Established:
		c.state[x] = LastAck
	}
	if c.state[y] == FinWait2 {
		c.state[y] = TimeWait
	}
}
