package session

import (
	"net/netip"

	"github.com/handshake-viz/handshake-viz/capture"
)

// closedLingerNS is how long (in capture time) a connection that is over
// (both FINs acknowledged, or reset) keeps its live state before it is
// reduced to its summary: late retransmissions within that time still land
// in the same stream, as in Wireshark. Two minutes is the usual MSL.
const closedLingerNS = 2 * 60 * 1_000_000_000

// flowKey is an unordered 4-tuple: the lower endpoint first.
type flowKey struct{ lo, hi netip.AddrPort }

func keyOf(a, b netip.AddrPort) flowKey {
	if a.Compare(b) <= 0 {
		return flowKey{a, b}
	}
	return flowKey{b, a}
}

// conn is the live state of one TCP connection; it is recycled once the
// connection is over and its linger time has passed.
type conn struct {
	key         flowKey
	index       int
	gen         uint32 // bumped on release, so stale queue entries are skipped
	client      netip.AddrPort
	ep          [2]endpoint     // by Dir
	state       [2]State        // by Dir: client, server
	ana         [2]flowAnalysis // by Dir: sequence analysis of what that end sends
	established bool
	haveSYNTime bool
	synNS       int64 // time of the most recent SYN without ACK
	firstRTTNS  int64 // Wireshark's initial RTT (first pure ACK after a SYN); 0 = unknown
	lastNS      int64
	over        bool // both FINs acknowledged, or reset
	aborted     bool // an acceptable RST was seen
	queued      bool // waiting in the closed queue
}

func (c *conn) dirOf(src netip.AddrPort) Dir {
	if src == c.client {
		return FromClient
	}
	return FromServer
}

type closedEntry struct {
	c    *conn
	gen  uint32
	atNS int64
}

// Tracker turns segments into events, one connection (tcp.stream-like
// index) or UDP flow at a time. It is pure: no I/O, no clock, no
// goroutines; use it from one goroutine.
type Tracker struct {
	tcp     map[flowKey]*conn
	recs    []streamRec // by stream index, for the whole run
	udp     map[flowKey]int
	flows   []UDPFlow
	free    []*conn
	closed  []closedEntry // FIFO of connections that are over
	head    int           // first live entry of closed
	out     [1]Event
	nowNS   int64
	packets uint64
	tcpN    uint64
	udpN    uint64
}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker {
	return &Tracker{tcp: make(map[flowKey]*conn), udp: make(map[flowKey]int)}
}

// Observe takes one segment (TCP or UDP) and returns its events: exactly
// one for TCP and UDP, none for anything else. The returned slice is reused
// by the next call.
func (t *Tracker) Observe(seg *capture.Segment) []Event {
	t.packets++
	if seg.TimeNS > t.nowNS {
		t.nowNS = seg.TimeNS
	}
	ev := &t.out[0]
	switch seg.Proto {
	case capture.ProtoTCP:
		t.tcpN++
		t.observeTCP(seg, ev)
	case capture.ProtoUDP:
		t.udpN++
		t.observeUDP(seg, ev)
	default:
		return t.out[:0]
	}
	t.expire()
	return t.out[:1]
}

// Counts returns how many packets were observed in all, TCP and UDP.
func (t *Tracker) Counts() (packets, tcp, udp uint64) { return t.packets, t.tcpN, t.udpN }

// Streams is the number of TCP streams seen so far.
func (t *Tracker) Streams() int { return len(t.recs) }

// LiveConnections is the number of TCP connections whose full state is
// held (not yet reduced to a summary).
func (t *Tracker) LiveConnections() int { return len(t.tcp) }

// StreamInfo names the TCP stream or UDP flow index; it implements
// StreamLookup. An unknown index returns just the index.
func (t *Tracker) StreamInfo(kind EventKind, index int) StreamInfo {
	si := StreamInfo{Index: index}
	switch {
	case kind == KindDatagram && index >= 0 && index < len(t.flows):
		si.Proto, si.Client, si.Server = capture.ProtoUDP, t.flows[index].A, t.flows[index].B
	case kind == KindSegment && index >= 0 && index < len(t.recs):
		si.Proto, si.Client, si.Server = capture.ProtoTCP, t.recs[index].client, t.recs[index].server
	}
	return si
}

// Summaries returns every TCP stream in index order, as seen so far.
func (t *Tracker) Summaries() []StreamSummary {
	out := make([]StreamSummary, len(t.recs))
	for i := range t.recs {
		out[i] = t.recs[i].summary(i)
	}
	return out
}

// Summary returns one TCP stream; an unknown index returns the zero value
// with that index.
func (t *Tracker) Summary(index int) StreamSummary {
	if index < 0 || index >= len(t.recs) {
		return StreamSummary{Index: index, RTT: -1}
	}
	return t.recs[index].summary(index)
}

func (t *Tracker) observeTCP(seg *capture.Segment, ev *Event) {
	src := seg.SrcEndpoint()
	key := keyOf(src, seg.DstEndpoint())
	c := t.tcp[key]
	if c != nil && t.startsNewStream(c, c.dirOf(src), seg) {
		t.release(c)
		c = nil
	}
	newStream := c == nil
	if newStream {
		c = t.open(key, seg)
		t.tcp[key] = c
	}
	d := c.dirOf(src)
	X, Y := &c.ep[d], &c.ep[1-d]
	rec := &t.recs[c.index]
	f := seg.Flags

	// Relative numbers as Wireshark shows them: from the SYN's sequence
	// number; without a SYN the first sequence number seen is relative 1
	// (base = seq-1), and the peer's base is the first ACK it gets, minus 1.
	if !X.baseSet {
		X.base, X.baseSet = seg.Seq-1, true
		if f&capture.SYN != 0 {
			X.base = seg.Seq
		}
	}
	if !Y.baseSet && f&capture.ACK != 0 {
		Y.base, Y.baseSet = seg.Ack-1, true
	}
	ackedNew := f&capture.ACK != 0 && (!X.ackSent || seqGT(seg.Ack, X.lastAck))

	a := analyze(&c.ana[d], &c.ana[1-d], seg, c.firstRTTNS)
	st := c.transition(d, seg)
	t.account(c, rec, d, seg, newStream, a, st)

	*ev = Event{
		Kind:     KindSegment,
		Stream:   c.index,
		N:        int(rec.packets),
		From:     d,
		RelSeq:   seg.Seq - X.base,
		Phase:    c.phase(seg, st),
		Client:   c.state[FromClient],
		Server:   c.state[FromServer],
		Changed:  st.changed,
		Analysis: a,
		Note:     c.note(d, seg, st, a, rec.packets, ackedNew),
		Seg:      *seg,
	}
	if f&capture.ACK != 0 {
		ev.RelAck = seg.Ack - Y.base
	}
}

// startsNewStream applies Wireshark's rule for port reuse: a SYN whose
// sequence number differs from the base of its direction, a SYN+ACK with
// an ISN different from an earlier SYN+ACK, or any SYN after the
// connection saw a FIN or an acceptable RST starts a new stream. A
// retransmitted SYN (same ISN, nothing closed) stays in the stream.
func (t *Tracker) startsNewStream(c *conn, d Dir, seg *capture.Segment) bool {
	X := &c.ep[d]
	if seg.Flags&capture.SYN == 0 || seg.Flags&capture.RST != 0 || !X.baseSet {
		return false
	}
	// Closed: an acceptable RST (a forged one, dropped by RFC 9293, does
	// not close anything) or a FIN.
	if c.aborted || c.ep[FromClient].finSent || c.ep[FromServer].finSent {
		return true
	}
	if seg.Flags&capture.ACK != 0 {
		// A SYN+ACK: only a different ISN from an earlier SYN+ACK counts;
		// a base guessed from a non-SYN segment proves nothing.
		return X.synSeen && seg.Seq != X.isn
	}
	return seg.Seq != X.base
}

// open starts a stream for a segment with no live connection.
func (t *Tracker) open(key flowKey, seg *capture.Segment) *conn {
	var c *conn
	if n := len(t.free); n > 0 {
		c, t.free = t.free[n-1], t.free[:n-1]
	} else {
		c = new(conn)
		c.ana[0].reset()
		c.ana[1].reset()
	}
	client, server := seg.SrcEndpoint(), seg.DstEndpoint()
	synack := seg.Flags&(capture.SYN|capture.ACK) == capture.SYN|capture.ACK
	if synack {
		client, server = server, client // the SYN was not captured
	}
	c.key, c.index, c.client = key, len(t.recs), client
	t.recs = append(t.recs, streamRec{client: client, server: server, rttNS: -1, firstNS: seg.TimeNS})
	switch {
	case seg.Flags&(capture.SYN|capture.ACK) == capture.SYN:
		c.state = [2]State{Closed, Listen}
	case synack:
		c.state = [2]State{SynSent, Listen}
		cl := &c.ep[FromClient]
		cl.isnKnown, cl.isn = true, seg.Ack-1
	default:
		c.state = [2]State{Established, Established} // mid-stream
		c.established = true
	}
	return c
}

// release frees a connection's live state; its streamRec stays.
func (t *Tracker) release(c *conn) {
	if t.tcp[c.key] == c {
		delete(t.tcp, c.key)
	}
	a0, a1 := c.ana[0], c.ana[1]
	gen := c.gen + 1
	*c = conn{gen: gen, ana: [2]flowAnalysis{a0, a1}}
	c.ana[0].reset()
	c.ana[1].reset()
	t.free = append(t.free, c)
}

// expire reduces connections that have been over for closedLingerNS of
// capture time to their summary.
func (t *Tracker) expire() {
	for t.head < len(t.closed) {
		e := t.closed[t.head]
		if e.c.gen != e.gen {
			t.popClosed()
			continue
		}
		if t.nowNS-e.c.lastNS < closedLingerNS {
			if e.c.lastNS > e.atNS { // it saw packets since: requeue at the back
				t.popClosed()
				t.closed = append(t.closed, closedEntry{c: e.c, gen: e.gen, atNS: e.c.lastNS})
				continue
			}
			return
		}
		t.popClosed()
		t.release(e.c)
	}
}

func (t *Tracker) popClosed() {
	t.closed[t.head] = closedEntry{}
	t.head++
	if t.head == len(t.closed) {
		t.closed, t.head = t.closed[:0], 0
	} else if t.head > 1024 && t.head*2 > len(t.closed) {
		n := copy(t.closed, t.closed[t.head:])
		t.closed, t.head = t.closed[:n], 0
	}
}

// account updates the stream's record (the summary numbers) for one segment.
func (t *Tracker) account(c *conn, rec *streamRec, d Dir, seg *capture.Segment, newStream bool, a Analysis, st step) {
	f := seg.Flags
	now := seg.TimeNS
	rec.packets++
	rec.payload[d] += uint64(seg.PayloadLen)
	if now > rec.lastNS {
		rec.lastNS = now
	}
	c.lastNS = now
	if a&Retransmission != 0 {
		rec.retrans++
	}
	if a&OutOfOrder != 0 {
		rec.ooo++
	}
	rec.completeness |= completenessBits(seg, newStream)

	switch f & (capture.SYN | capture.ACK) {
	case capture.SYN:
		if d == FromClient {
			rec.sawSYN = true
		} else {
			rec.sawPeerSYN = true
		}
	case capture.SYN | capture.ACK:
		rec.sawSYNACK = true
	case capture.ACK:
		// Wireshark's initial RTT: first pure ACK after a SYN.
		if c.haveSYNTime && c.firstRTTNS == 0 {
			c.firstRTTNS = now - c.synNS
		}
	}
	if f&(capture.SYN|capture.ACK) == capture.SYN {
		c.haveSYNTime, c.synNS = true, now
	}
	if (st.acksPeerSYN && d == FromClient) || st.handshakeDone {
		if !rec.handshakeOK && c.haveSYNTime {
			rec.rttNS = now - c.synNS
		}
		rec.handshakeOK = true
	}
	if st.refused {
		rec.refused = true
	}
	switch st.fin {
	case finFirst:
		rec.finSent[d], rec.firstFIN = true, d
	case finSecond:
		rec.finSent[d], rec.closeKind = true, CloseFIN4
	case fin3Way:
		rec.finSent[d], rec.closeKind = true, CloseFIN3
	case finSimul:
		rec.finSent[d], rec.closeKind = true, CloseSimultaneous
	}
	if st.rst {
		if !rec.rstSeen {
			rec.rstSeen, rec.firstRST = true, d
			rec.rstBefore = !rec.finSent[FromClient] && !rec.finSent[FromServer]
		}
		c.aborted = true
		t.markOver(c)
	}
	if st.ack != ackNone && c.ep[FromClient].finAcked && c.ep[FromServer].finAcked {
		if !rec.rstSeen {
			rec.finsDone = true
		}
		t.markOver(c)
	}
}

func (t *Tracker) markOver(c *conn) {
	c.over = true
	if !c.queued {
		c.queued = true
		t.closed = append(t.closed, closedEntry{c: c, gen: c.gen, atNS: c.lastNS})
	}
}

// completenessBits returns the tcp.completeness bits one segment adds, by
// Wireshark's rules: SYN only for a SYN that opens a stream (plus DATA for
// a SYN carrying data: TCP Fast Open), SYN-ACK, ACK for a segment with ACK
// and no SYN and no payload, DATA with payload, FIN only with ACK, RST.
func completenessBits(seg *capture.Segment, newStream bool) uint8 {
	f := seg.Flags
	var b uint8
	switch f & (capture.SYN | capture.ACK) {
	case capture.SYN:
		if newStream {
			b |= CompleteSYN
			if seg.PayloadLen > 0 {
				b |= CompleteData
			}
		}
	case capture.SYN | capture.ACK:
		b |= CompleteSYNACK
	case capture.ACK:
		if seg.PayloadLen > 0 {
			b |= CompleteData
		} else {
			b |= CompleteACK
		}
	}
	if f&(capture.FIN|capture.ACK) == capture.FIN|capture.ACK {
		b |= CompleteFIN
	}
	if f&capture.RST != 0 {
		b |= CompleteRST
	}
	return b
}

// phase places a segment in the ladder: reset, handshake, close or data.
func (c *conn) phase(seg *capture.Segment, st step) Phase {
	switch {
	case seg.Flags&capture.RST != 0 || c.aborted:
		return PhaseReset
	case seg.Flags&capture.SYN != 0 || st.handshakeDone:
		return PhaseHandshake
	case c.ep[FromClient].finSent || c.ep[FromServer].finSent:
		return PhaseClose
	case !c.established && seg.PayloadLen == 0:
		return PhaseHandshake
	}
	return PhaseData
}

// note picks the narration of a segment; the first match wins.
func (c *conn) note(d Dir, seg *capture.Segment, st step, a Analysis, n uint64, ackedNew bool) NoteID {
	f := seg.Flags
	switch {
	case f&capture.RST != 0:
		if st.refused {
			return NoteRefused
		}
		return NoteRST
	case f&(capture.SYN|capture.ACK) == capture.SYN:
		switch {
		case st.synAgain:
			return NoteSYNRetransmit
		case st.simOpen:
			return NoteSimultaneousOpen
		}
		return NoteSYN
	case f&capture.SYN != 0:
		if st.synAgain {
			return NoteSYNACKRetransmit
		}
		return NoteSYNACK
	case st.handshakeDone:
		return NoteHandshakeACK
	case st.ack != ackNone && (st.fin == finNone || st.fin == finAgain):
		// A FIN acknowledged moves a state: say so even when the
		// segment also repeats data or a FIN.
		return ackNote(st.ack)
	case a&Retransmission != 0 || st.fin == finAgain:
		return NoteRetransmission
	case a&OutOfOrder != 0:
		return NoteOutOfOrder
	}
	if id := finNote(st); id != NoteNone {
		return id
	}
	switch {
	case a&KeepAlive != 0:
		return NoteKeepAlive
	case a&ZeroWindow != 0:
		return NoteZeroWindow
	case a&DupAck != 0:
		return NoteDupACK
	case a&WindowUpdate != 0:
		return NoteWindowUpdate
	case n == 1:
		return NoteMidStream
	case seg.PayloadLen > 0 && c.ep[1-d].finSent:
		return NoteHalfCloseData
	case seg.PayloadLen > 0 && ackedNew:
		return NoteDataACK
	case seg.PayloadLen > 0:
		return NoteData
	case f&capture.ACK != 0:
		return NotePureACK
	}
	return NoteSegment
}

func finNote(st step) NoteID {
	switch st.fin {
	case finFirst:
		return NoteFirstFIN
	case finSecond:
		return NoteSecondFIN
	case fin3Way:
		return NoteFINACK3Way
	case finSimul:
		return NoteSimultaneousFIN
	}
	return ackNote(st.ack)
}

func ackNote(a ackStep) NoteID {
	switch a {
	case ackLastFIN, ackFINClosed:
		return NoteFinalACK
	case ackClosing:
		return NoteClosingACK
	case ackFirstFIN:
		return NoteFINACKed
	}
	return NoteNone
}
