package session

import (
	"encoding/binary"
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

// v4Key is the flowKey of an IPv4 4-tuple packed into two integers
// (address<<16 | port, the lower endpoint first): much cheaper to hash and
// compare than two netip.AddrPorts.
type v4Key struct{ lo, hi uint64 }

// v4KeyOf returns the packed key of two IPv4 endpoints; ok is false
// unless both are IPv4.
func v4KeyOf(src netip.Addr, srcPort uint16, dst netip.Addr, dstPort uint16) (k v4Key, ok bool) {
	if !src.Is4() || !dst.Is4() {
		return v4Key{}, false
	}
	s, d := src.As4(), dst.As4()
	a := uint64(binary.BigEndian.Uint32(s[:]))<<16 | uint64(srcPort)
	b := uint64(binary.BigEndian.Uint32(d[:]))<<16 | uint64(dstPort)
	if a > b {
		a, b = b, a
	}
	return v4Key{a, b}, true
}

// connCacheBits sizes the tracker's direct-mapped cache of recently used
// IPv4 connections (1024 slots, 24 KiB): captures interleave a few dozen
// to a few hundred connections at a time, whose lookups then stay in the
// CPU cache instead of probing a map of every lingering connection.
const connCacheBits = 10

type connCacheSlot struct {
	key v4Key
	c   *conn
}

// slot returns the cache slot of a key (Fibonacci hashing).
func (t *Tracker) slot(k v4Key) *connCacheSlot {
	h := (k.lo ^ k.hi*0x9e3779b97f4a7c15) * 0x9e3779b97f4a7c15
	return &t.cache[h>>(64-connCacheBits)]
}

// conn is the live state of one TCP connection; it is recycled once the
// connection is over and its linger time has passed.
type conn struct {
	index       int
	gen         uint32 // bumped on release, so stale queue entries are skipped
	is4         bool   // in Tracker.tcp4, under key4 at slot4
	slot4       int32
	key4        v4Key
	ep          [2]endpoint     // by Dir
	state       [2]State        // by Dir: client, server
	ana         [2]flowAnalysis // by Dir: sequence analysis of what that end sends
	established bool
	simOpen     bool // the SYNs crossed (simultaneous open)
	haveSYNTime bool
	synNS       int64 // time of the most recent SYN without ACK
	firstRTTNS  int64 // Wireshark's initial RTT (first pure ACK after a SYN); 0 = unknown
	lastNS      int64
	over        bool // both FINs acknowledged, or reset
	aborted     bool // an acceptable RST was seen
	queued      bool // waiting in the closed queue
}

// dirOf is the direction of a segment from src on c. The client endpoint
// lives in the stream's record (touched for every segment anyway), not in
// conn, which is held for every lingering connection.
func (t *Tracker) dirOf(c *conn, src netip.AddrPort) Dir {
	if src == t.recs.at(c.index).client {
		return FromClient
	}
	return FromServer
}

type closedEntry struct {
	c    *conn
	gen  uint32
	atNS int64
}

// closedChunk is the number of entries in one chunk of a closedQueue.
const closedChunk = 1024

// closedQueue is a FIFO of closedEntries in fixed-size chunks: growing it
// never copies entries, and a drained chunk is reused.
type closedQueue struct {
	chunks [][]closedEntry // chunks[0][head:] ... chunks[len-1]
	head   int
	spare  []closedEntry
}

func (q *closedQueue) push(e closedEntry) {
	if n := len(q.chunks); n == 0 || len(q.chunks[n-1]) == closedChunk {
		c := q.spare
		if c == nil {
			c = make([]closedEntry, 0, closedChunk)
		}
		q.spare = nil
		q.chunks = append(q.chunks, c)
	}
	last := &q.chunks[len(q.chunks)-1]
	*last = append(*last, e)
}

// front returns the oldest entry, or nil when the queue is empty.
func (q *closedQueue) front() *closedEntry {
	if len(q.chunks) == 0 {
		return nil
	}
	return &q.chunks[0][q.head]
}

// due reports whether the oldest entry is limitNS old at nowNS (the test
// of expireQueue's loop).
func (q *closedQueue) due(nowNS, limitNS int64) bool {
	e := q.front()
	return e != nil && nowNS-e.atNS >= limitNS
}

// pop removes the oldest entry; the queue must not be empty.
func (q *closedQueue) pop() {
	first := q.chunks[0]
	first[q.head] = closedEntry{}
	q.head++
	if q.head < len(first) {
		return
	}
	q.head = 0
	q.spare = first[:0]
	q.chunks[0] = nil
	q.chunks = q.chunks[1:]
}

// Tracker turns segments into events, one connection (tcp.stream-like
// index) or UDP flow at a time. It is pure: no I/O, no clock, no
// goroutines; use it from one goroutine.
type Tracker struct {
	tcp     map[flowKey]*conn // IPv6 connections
	tcp4    connTable         // IPv4 connections
	cache   *[1 << connCacheBits]connCacheSlot
	recs    recStore // by stream index, for the whole run
	udp     udpTable // udp.go
	free    []*conn
	closed  closedQueue // FIFO of connections that are over
	out     [1]Event
	closedP map[netip.AddrPort]bool // TrackerOptions.NoListener
	nowNS   int64                   // the expiry clock: capture time, see advanceClock
	jumpNS  int64                   // a time far ahead of nowNS, waiting for a second packet to confirm it
	jumping bool                    // jumpNS is set
	clocked bool                    // nowNS is set
	packets uint64
	tcpN    uint64
	udpN    uint64
	fin     finisher // evict.go: idle and limit finishing, streamed summaries
}

// TrackerOptions tell a Tracker what the wire cannot show.
type TrackerOptions struct {
	// NoListener names endpoints known to have no listener (a scenario
	// that connects to a closed port on purpose). A SYN to one leaves it
	// CLOSED, as RFC 9293 3.10.7.1 says, and its RST is narrated as
	// expected. Without it, a SYN is taken to reach a listener (the
	// capture cannot know yet): SYN-RECEIVED, corrected to CLOSED when
	// the answer is an RST.
	NoListener []netip.AddrPort
	// Finish sets when streams are finished early and whether their
	// records are freed once taken (analyze); the zero value keeps all.
	Finish FinishOptions
}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker { return NewTrackerWith(TrackerOptions{}) }

// NewTrackerWith returns an empty tracker that knows what opts say.
func NewTrackerWith(opts TrackerOptions) *Tracker {
	t := &Tracker{
		tcp:   make(map[flowKey]*conn),
		cache: new([1 << connCacheBits]connCacheSlot),
		udp:   udpTable{index: make(map[flowKey]int)},
	}
	t.fin.init(opts.Finish)
	if m := opts.Finish.MaxConns; m > 0 {
		// Room for the most connections held at once from the start:
		// growing to it rehashes the table at every doubling.
		n := connTableMin
		for n < 3*m {
			n *= 2
		}
		t.tcp4.resize(n)
	}
	for _, ap := range opts.NoListener {
		if t.closedP == nil {
			t.closedP = make(map[netip.AddrPort]bool)
		}
		t.closedP[ap] = true
	}
	return t
}

// Observe takes one segment (TCP or UDP) and returns its events: exactly
// one for TCP and UDP, none for anything else. The returned slice is reused
// by the next call.
func (t *Tracker) Observe(seg *capture.Segment) []Event {
	n := t.observe(seg, &t.out[0])
	return t.out[:n]
}

// Track takes one segment like Observe and updates the same state (counts,
// streams, summaries, UDP flows) but builds no event: it is what analyze
// needs, and cheaper.
func (t *Tracker) Track(seg *capture.Segment) { t.observe(seg, nil) }

// observe tracks a segment, filling *ev when ev is not nil; it returns the
// number of events (0 or 1).
func (t *Tracker) observe(seg *capture.Segment, ev *Event) int {
	t.packets++
	t.advanceClock(seg.TimeNS)
	switch seg.Proto {
	case capture.ProtoTCP:
		t.tcpN++
		t.observeTCP(seg, ev)
	case capture.ProtoUDP:
		t.udpN++
		t.observeUDP(seg, ev)
	default:
		return 0
	}
	t.expireDue()
	return 1
}

// expireDue runs expire, expireIdle and expireUDP, each only when the
// front of its queue asks for work: on most packets none does, and the
// three calls were a tenth of the tracking goroutine's time on capture A
// (perf). Each test is the one that makes the loop of its function return
// at once, so the state after a packet is the same.
func (t *Tracker) expireDue() {
	if e := t.closed.front(); e != nil && (e.c.gen != e.gen || e.c.lastNS > e.atNS || t.nowNS-e.c.lastNS >= closedLingerNS) {
		t.expire()
	}
	if f := &t.fin; f.idleNS > 0 && (f.syn.due(t.nowNS, f.synIdleNS) || f.idle.due(t.nowNS, f.idleNS)) {
		t.expireIdle()
	}
	if q := &t.udp.idle; q.head < len(q.e) && t.fin.opts.UDPStream && t.nowNS-q.e[q.head].atNS >= int64(t.fin.opts.UDPIdle) {
		t.expireUDP()
	}
}

// clockJumpNS is the largest step the expiry clock takes on one packet's
// word; a longer step needs a second packet beyond it.
const clockJumpNS = closedLingerNS

// advanceClock moves the expiry clock to a packet's time. One packet with
// a far-future timestamp (a broken clock, a corrupt record) must not
// expire every connection that is over while the ones that follow still
// send: a step longer than clockJumpNS is taken only when the next packet
// confirms it (a real pause in the capture), and then to the earlier of
// the two times.
func (t *Tracker) advanceClock(ts int64) {
	switch {
	case !t.clocked:
		t.nowNS, t.clocked = ts, true
	case ts <= t.nowNS+clockJumpNS:
		if ts > t.nowNS {
			t.nowNS = ts
		}
		t.jumping = false
	case t.jumping:
		t.nowNS, t.jumping = min(t.jumpNS, ts), false
	default:
		t.jumpNS, t.jumping = ts, true
	}
}

// Counts returns how many packets were observed in all, TCP and UDP.
func (t *Tracker) Counts() (packets, tcp, udp uint64) { return t.packets, t.tcpN, t.udpN }

// Streams is the number of TCP streams seen so far.
func (t *Tracker) Streams() int { return t.recs.len() }

// LiveConnections is the number of TCP connections whose full state is
// held (not yet reduced to a summary).
func (t *Tracker) LiveConnections() int { return len(t.tcp) + t.tcp4.len() }

// StreamInfo names the TCP stream or UDP flow index; it implements
// StreamLookup. An unknown index returns just the index.
func (t *Tracker) StreamInfo(kind EventKind, index int) StreamInfo {
	si := StreamInfo{Index: index}
	switch {
	case kind == KindDatagram && t.udp.held(index) != nil:
		fl := t.udp.held(index)
		si.Proto, si.Client, si.Server = capture.ProtoUDP, fl.A, fl.B
	case kind == KindSegment && t.recs.held(index):
		r := t.recs.at(index)
		si.Proto, si.Client, si.Server = capture.ProtoTCP, r.client, r.server
	}
	return si
}

// Summaries returns every TCP stream in index order, as seen so far
// (with FinishOptions.Stream, those not yet taken by TakeFinished).
func (t *Tracker) Summaries() []StreamSummary {
	from := 0
	if t.fin.opts.Stream {
		from = t.fin.emitted
	}
	out := make([]StreamSummary, t.recs.len()-from)
	for i := range out {
		out[i] = t.recs.at(from + i).summary(from + i)
	}
	return out
}

// Summary returns one TCP stream; an unknown index returns the zero value
// with that index.
func (t *Tracker) Summary(index int) StreamSummary {
	if !t.recs.held(index) {
		return StreamSummary{Index: index, RTT: -1}
	}
	return t.recs.at(index).summary(index)
}

// observeTCP tracks one TCP segment; it fills *ev unless ev is nil.
func (t *Tracker) observeTCP(seg *capture.Segment, ev *Event) {
	src := seg.SrcEndpoint()
	var c *conn
	key4, is4 := v4KeyOf(seg.Src, seg.SrcPort, seg.Dst, seg.DstPort)
	at4 := -1 // where key4 goes in tcp4, when a find of it missed
	if is4 {
		if sl := t.slot(key4); sl.c != nil && sl.key == key4 {
			c = sl.c
		} else if c, at4 = t.tcp4.find(key4); c != nil {
			*sl, at4 = connCacheSlot{key4, c}, -1
		}
	} else {
		c = t.tcp[keyOf(src, seg.DstEndpoint())]
	}
	if c != nil && (t.startsNewStream(c, t.dirOf(c, src), seg) || t.idleExpired(c, seg.TimeNS)) {
		t.release(c)
		c = nil
	}
	newStream := c == nil
	if newStream {
		changes := t.tcp4.changes
		c = t.open(seg) // may release the oldest stream (MaxConns)
		if is4 {
			if at4 < 0 || t.tcp4.changes != changes { // a stream was released
				_, at4 = t.tcp4.find(key4)
			}
			t.tcp4.insert(at4, key4, c)
			c.is4, c.key4 = true, key4
			*t.slot(key4) = connCacheSlot{key4, c}
		} else {
			t.tcp[keyOf(src, seg.DstEndpoint())] = c
		}
	}
	d := t.dirOf(c, src)
	X, Y := &c.ep[d], &c.ep[1-d]
	rec := t.recs.at(c.index)
	f := seg.Flags

	// Relative numbers as Wireshark shows them: from the SYN's sequence
	// number; without a SYN the first sequence number seen is relative 1
	// (base = seq-1), and the peer's base is the first ACK it gets, minus 1.
	// A SYN sets the base even after a first segment that was not one
	// (an RST before the SYN+ACK), as Wireshark does.
	switch {
	case f&capture.SYN != 0 && !X.baseSYN:
		X.base, X.baseSet, X.baseSYN = seg.Seq, true, true
	case !X.baseSet:
		X.base, X.baseSet = seg.Seq-1, true
	}
	if !Y.baseSet && f&capture.ACK != 0 {
		Y.base, Y.baseSet = seg.Ack-1, true
	}
	ackedNew := f&capture.ACK != 0 && (!X.ackSent || seqGT(seg.Ack, X.lastAck))
	prevAck, prevAckKnown := X.lastAck, X.ackSent
	if !prevAckKnown && Y.isnKnown {
		prevAck, prevAckKnown = Y.isn, true // nothing acknowledged before: from the peer's ISN
	}
	prevWindow, prevSYN := c.ana[d].window, c.ana[d].windowSYN

	dropped := seg.Verdict == capture.Dropped
	var lost lostArrival
	if dropped {
		lost = c.beforeLost(d)
	}
	a := analyze(&c.ana[d], &c.ana[1-d], seg, c.firstRTTNS)
	if f&(capture.SYN|capture.ACK) == capture.SYN|capture.ACK && X.synOnly && !X.synACK && seg.Seq == X.isn {
		// The SYN+ACK of a simultaneous open repeats that end's SYN by
		// design (RFC 9293 figure 8): not a retransmission.
		a &^= Retransmission | FastRetransmission | SpuriousRetransmission | OutOfOrder
	}
	var st step
	c.transition(d, seg, &st)
	if dropped {
		c.undoArrival(d, &lost, &st)
	}
	t.account(c, rec, d, seg, newStream, a, &st)
	if ev == nil {
		return
	}
	*ev = Event{
		Kind:     KindSegment,
		Stream:   c.index,
		N:        int(rec.packets),
		From:     d,
		RelSeq:   seg.Seq - X.base,
		Phase:    c.phase(seg, &st),
		Client:   c.state[FromClient],
		Server:   c.state[FromServer],
		Changed:  st.changed,
		Analysis: a,
		Note:     c.note(d, seg, &st, a, rec.packets, ackedNew),
		Seg:      *seg,
	}
	if f&capture.ACK != 0 {
		ev.RelAck = seg.Ack - Y.base
	}
	ev.PrevWindow = seg.Window
	if prevWindow != windowUnset {
		ev.PrevWindow, ev.PrevWindowSYN = uint16(prevWindow), prevSYN
	}
	if ackedNew && prevAckKnown {
		ev.AckedBytes = ackedPayload(prevAck, seg.Ack, Y)
	}
	if a&DupAck != 0 {
		ev.DupAckOf, ev.DupAckN = c.ana[d].nonDupAck, uint16(min(c.ana[d].dupAcks, 1<<16-1))
	}
	ev.Handshake = rec.opening()
	ev.Close, _ = rec.closing()
	ev.WinShift = c.winShift(d, seg)
}

// ackedPayload is how many payload bytes an acknowledgment moving from
// prev to ack covers: the sequence space between them less the peer's SYN
// and FIN when they lie in it.
func ackedPayload(prev, ack uint32, Y *endpoint) uint32 {
	if !seqGT(ack, prev) {
		return 0
	}
	n := ack - prev
	if Y.isnKnown && seqLE(prev, Y.isn) && seqGT(ack, Y.isn) {
		n-- // the SYN
	}
	if Y.finSent && seqLE(prev, Y.finSeq) && seqGT(ack, Y.finSeq) {
		n-- // the FIN
	}
	if int32(n) < 0 {
		return 0
	}
	return n
}

// maxWindowShift is the largest window scale shift (RFC 7323 section 2.3:
// larger values are taken as 14).
const maxWindowShift = 14

// winShift is the window scale shift of a segment from d: negotiated when
// both SYNs carried the option (RFC 7323), the sender's own shift then;
// never for a SYN.
func (c *conn) winShift(d Dir, seg *capture.Segment) int8 {
	X, Y := &c.ep[d], &c.ep[1-d]
	switch {
	case seg.Flags&capture.SYN != 0:
		return WinShiftNone
	case !X.synSeen || !Y.synSeen:
		return WinShiftUnknown
	case X.ws < 0 || Y.ws < 0:
		return WinShiftNone
	}
	return min(X.ws, maxWindowShift)
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
		return X.synACK && seg.Seq != X.isn
	}
	return seg.Seq != X.base
}

// open starts a stream for a segment with no live connection.
func (t *Tracker) open(seg *capture.Segment) *conn {
	var c *conn
	if n := len(t.free); n > 0 {
		c, t.free = t.free[n-1], t.free[:n-1]
	} else {
		// Only stores into the fresh (zero) conn: reading it first would
		// map the kernel's zero page and fault again, with a TLB flush on
		// every CPU, at the first store (12% of analyze's time).
		c = new(conn)
		c.ana[0].window, c.ana[1].window = windowUnset, windowUnset
	}
	client, server := seg.SrcEndpoint(), seg.DstEndpoint()
	synack := seg.Flags&(capture.SYN|capture.ACK) == capture.SYN|capture.ACK
	if synack {
		client, server = server, client // the SYN was not captured
	}
	c.index = t.recs.len()
	rec := t.recs.add()
	*rec = streamRec{client: client, server: server, rttNS: -1, firstNS: seg.TimeNS}
	if synack {
		rec.zeek.add('^', FromClient) // Zeek flips the roles: the SYN+ACK's receiver originated it
	}
	t.opened(c, seg.Flags)
	switch {
	case seg.Flags&(capture.SYN|capture.ACK) == capture.SYN:
		c.state = [2]State{Closed, Listen}
		if t.closedP[server] {
			c.state[FromServer] = Closed
		}
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
	index := c.index
	if c.is4 {
		if i := int(c.slot4); t.tcp4.slots[i].c == c {
			t.tcp4.remove(i)
		}
		if sl := t.slot(c.key4); sl.c == c {
			*sl = connCacheSlot{}
		}
	} else if k := keyOf(t.recs.at(index).client, t.recs.at(index).server); t.tcp[k] == c {
		delete(t.tcp, k)
	}
	a0, a1 := c.ana[0], c.ana[1]
	gen := c.gen + 1
	*c = conn{gen: gen, ana: [2]flowAnalysis{a0, a1}}
	c.ana[0].reset()
	c.ana[1].reset()
	t.free = append(t.free, c)
	t.released(c, index)
}

// expire reduces connections that have been over for closedLingerNS of
// capture time to their summary.
func (t *Tracker) expire() {
	for e := t.closed.front(); e != nil; e = t.closed.front() {
		c, gen, atNS := e.c, e.gen, e.atNS
		if c.gen != gen {
			t.closed.pop()
			continue
		}
		if t.nowNS-c.lastNS < closedLingerNS {
			if c.lastNS > atNS { // it saw packets since: requeue at the back
				t.closed.pop()
				t.closed.push(closedEntry{c: c, gen: gen, atNS: c.lastNS})
				continue
			}
			return
		}
		t.closed.pop()
		t.release(c)
	}
}

// account updates the stream's record (the summary numbers) for one segment.
func (t *Tracker) account(c *conn, rec *streamRec, d Dir, seg *capture.Segment, newStream bool, a Analysis, st *step) {
	f := seg.Flags
	now := seg.TimeNS
	rec.packets++
	rec.payload[d] += uint64(seg.PayloadLen)
	rec.zeek.observe(d, seg)
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
		t.closed.push(closedEntry{c: c, gen: c.gen, atNS: c.lastNS})
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
func (c *conn) phase(seg *capture.Segment, st *step) Phase {
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
func (c *conn) note(d Dir, seg *capture.Segment, st *step, a Analysis, n uint64, ackedNew bool) NoteID {
	f := seg.Flags
	switch {
	case seg.Verdict == capture.Dropped:
		return NoteDropped
	case f&capture.RST != 0:
		switch {
		case st.refusedKnown:
			return NoteRefusedKnown
		case st.refused:
			return NoteRefused
		case st.rstIgnored:
			return NoteRSTIgnored
		case st.backToListen:
			return NoteRSTToListen
		case st.rstStale:
			return NoteRSTStale
		case st.rstInClose:
			return NoteRSTInClose
		}
		return NoteRST
	case f&(capture.SYN|capture.ACK) == capture.SYN:
		switch {
		case st.synAgain:
			return NoteSYNRetransmit
		case st.simOpen:
			return NoteSimultaneousOpen
		case c.state[1-d] == Closed:
			return NoteSYNNoListener
		}
		return NoteSYN
	case f&capture.SYN != 0:
		switch {
		case st.synAgain:
			return NoteSYNACKRetransmit
		case c.simOpen:
			return NoteSimultaneousSYNACK
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

func finNote(st *step) NoteID {
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
	case ackFINClosed:
		return NoteFinalACK
	case ackClosing:
		return NoteClosingACK
	case ackFirstFIN:
		return NoteFINACKed
	}
	return NoteNone
}

// lostArrival is what a segment's arrival would change, kept before a
// segment the lossy wire dropped (capture.Dropped) is tracked, so that
// undoArrival can take its arrival back.
type lostArrival struct {
	state       [2]State
	receiver    endpoint // what the receiver knows
	established bool
	peerSegs    []unacked // the receiver's unacknowledged segments: the lost ACK did not acknowledge them
	maxAck      uint32    // the sender's highest acknowledgment that arrived
	maxAckSet   bool
}

// beforeLost keeps what the arrival of a segment from d would change.
func (c *conn) beforeLost(d Dir) lostArrival {
	fwd, rev := &c.ana[d], &c.ana[1-d]
	return lostArrival{
		state: c.state, receiver: c.ep[1-d], established: c.established,
		peerSegs: append([]unacked(nil), rev.segs...),
		maxAck:   fwd.maxAck, maxAckSet: fwd.maxAckSet,
	}
}

// undoArrival takes back the arrival of a dropped segment from d: it was
// sent (the sender's state, sequence space and its later retransmission
// count as for any segment), but it never arrived, so the receiver's
// state and knowledge stay as they were, and its acknowledgment
// acknowledged nothing (a later copy of what it covered is a
// retransmission, not a spurious one). The step is recomputed for the
// states that result.
func (c *conn) undoArrival(d Dir, l *lostArrival, st *step) {
	y := 1 - d
	c.state[y], c.ep[y] = l.state[y], l.receiver
	fwd, rev := &c.ana[d], &c.ana[y]
	rev.segs = append(rev.segs[:0], l.peerSegs...)
	fwd.maxAck, fwd.maxAckSet = l.maxAck, l.maxAckSet
	if !l.established && (c.state[FromClient] != Established || c.state[FromServer] != Established) {
		c.established, st.handshakeDone = false, false
	}
	st.ack = ackNone       // no FIN's acknowledgment arrived
	st.acksPeerSYN = false // nor the SYN's: the handshake is not complete by it
	st.backToListen = false
	st.changed = 0
	if c.state[FromClient] != l.state[FromClient] {
		st.changed |= ClientSide
	}
	if c.state[FromServer] != l.state[FromServer] {
		st.changed |= ServerSide
	}
}
