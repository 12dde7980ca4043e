package session

import (
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
)

// UDP flows are keyed by the unordered 4-tuple and numbered in their own
// index space, in order of first datagram; A is the first sender. UDP has
// no connection state: datagram events carry no TCP states.
//
// With FinishOptions.UDPStream, a flow is finished like a TCP stream: after
// UDPIdle without a datagram (capture time) or, past MaxConns flows
// held, the oldest first. A later datagram on its 4-tuple starts a new
// flow. Finished flows come out in index order (TakeFinishedFlows), a
// flow as soon as it and every flow before it are finished, and are then
// forgotten.

// DefaultUDPIdle is Zeek's udp_inactivity_timeout: a UDP flow that carries
// no datagram for this long (capture time) is finished.
const DefaultUDPIdle = time.Minute

// udpTable is the Tracker's UDP state.
type udpTable struct {
	index   map[flowKey]int // flows not yet finished, by 4-tuple
	flows   []UDPFlow       // flows[i] is flow first+i
	over    []bool          // over[i]: flows[i] is finished
	first   int             // the index of flows[0]
	emitted int             // flows below this index are passed on (taken)
	idle    udpQueue        // the flows not yet finished, by last datagram (lazily)
	done    []UDPFlow       // finished flows passed on but not yet taken
}

// udpEntry is one flow in the idle queue: its index and the time of its
// last datagram when it was queued.
type udpEntry struct {
	index int
	atNS  int64
}

// udpQueue is a FIFO of udpEntries.
type udpQueue struct {
	e    []udpEntry
	head int
}

func (q *udpQueue) push(e udpEntry) {
	if q.head > 1024 && q.head*2 > len(q.e) {
		n := copy(q.e, q.e[q.head:])
		q.e, q.head = q.e[:n], 0
	}
	q.e = append(q.e, e)
}

func (q *udpQueue) size() int { return len(q.e) - q.head }

// ConnState is Zeek's conn_state of a UDP flow: SF when both ends sent a
// datagram, S0 when only A (the first sender, Zeek's originator) did.
func (f *UDPFlow) ConnState() string {
	if f.Packets > f.APackets {
		return "SF"
	}
	return "S0"
}

// History is Zeek's history of a UDP flow: D when A sent a datagram, d
// when B did, each once, in order of first appearance (A sends first).
func (f *UDPFlow) History() string {
	if f.Packets > f.APackets {
		return "Dd"
	}
	return "D"
}

// UDPFlows returns the UDP flows in index order: every flow, or with
// FinishOptions.UDPStream those not yet taken by TakeFinishedFlows.
func (t *Tracker) UDPFlows() []UDPFlow {
	u := &t.udp
	from := 0
	if t.fin.opts.UDPStream {
		from = u.emitted - u.first
	}
	return append([]UDPFlow(nil), u.flows[from:]...)
}

// UDPFlowCount is the number of UDP flows seen so far.
func (t *Tracker) UDPFlowCount() int { return t.udp.first + len(t.udp.flows) }

// udpTracking reports whether UDP flows are finished (UDPStream).
func (f *finisher) udpTracking() bool { return f.opts.UDPStream }

func (t *Tracker) observeUDP(seg *capture.Segment, ev *Event) {
	u := &t.udp
	src, dst := seg.SrcEndpoint(), seg.DstEndpoint()
	key := keyOf(src, dst)
	idx, ok := u.index[key]
	if ok {
		if lim := int64(t.fin.opts.UDPIdle); lim > 0 && t.fin.opts.UDPStream && seg.TimeNS-u.flows[idx-u.first].LastNS >= lim {
			t.fin.counts.UDPIdle++
			t.finishUDP(idx)
			ok = false
		}
	}
	if !ok {
		idx = u.first + len(u.flows)
		u.index[key] = idx
		u.flows = append(u.flows, UDPFlow{A: src, B: dst, Index: idx, FirstNS: seg.TimeNS, LastNS: seg.TimeNS})
		u.over = append(u.over, false)
		if t.fin.udpTracking() {
			t.openedUDP(idx, seg.TimeNS)
		}
	}
	fl := &u.flows[idx-u.first]
	fl.Packets++
	d := FromClient
	if src != fl.A {
		d = FromServer
		fl.Bytes.Server += uint64(seg.PayloadLen)
	} else {
		fl.APackets++
		fl.Bytes.Client += uint64(seg.PayloadLen)
	}
	if seg.TimeNS > fl.LastNS {
		fl.LastNS = seg.TimeNS
	}
	if ev == nil {
		return
	}
	*ev = Event{Kind: KindDatagram, Stream: idx, N: int(fl.Packets), From: d, Phase: PhaseData, Note: NoteDatagram, Seg: *seg}
}

// openedUDP registers a new flow with the idle queue and the limit.
func (t *Tracker) openedUDP(idx int, atNS int64) {
	u, f := &t.udp, &t.fin
	if f.opts.UDPIdle > 0 {
		// Entries of flows finished by the limit stay until their
		// time: drop them once they outnumber the flows held.
		if q := &u.idle; q.size() > 2*len(u.index)+1024 {
			u.compactIdle()
		}
		u.idle.push(udpEntry{index: idx, atNS: atNS})
	}
	held := u.first + len(u.flows) - u.emitted
	f.counts.UDPMaxHeld = max(f.counts.UDPMaxHeld, held)
	if f.opts.MaxConns > 0 && held > f.opts.MaxConns {
		// The oldest flow held is not finished: it would have been
		// passed on.
		f.counts.UDPMaxConns++
		t.finishUDP(u.emitted)
	}
}

// compactIdle drops the idle queue's entries of finished flows.
func (u *udpTable) compactIdle() {
	q := &u.idle
	n := 0
	for _, e := range q.e[q.head:] {
		if u.live(e.index) {
			q.e[n] = e
			n++
		}
	}
	q.e, q.head = q.e[:n], 0
}

// live reports whether flow index is held and not finished.
func (u *udpTable) live(index int) bool {
	return index >= u.first && index < u.first+len(u.flows) && !u.over[index-u.first]
}

// held returns flow index if it is still held, or nil.
func (u *udpTable) held(index int) *UDPFlow {
	if index < u.first || index >= u.first+len(u.flows) {
		return nil
	}
	return &u.flows[index-u.first]
}

// finishUDP finishes flow idx (held, not finished): its 4-tuple is
// forgotten, and the finished flows at the head are passed on.
func (t *Tracker) finishUDP(idx int) {
	u := &t.udp
	fl := &u.flows[idx-u.first]
	u.over[idx-u.first] = true
	key := keyOf(fl.A, fl.B)
	if u.index[key] == idx {
		delete(u.index, key)
	}
	if idx == u.emitted {
		t.emitUDP()
	}
}

// emitUDP passes on the finished flows at the head: they go to done and
// are dropped.
func (t *Tracker) emitUDP() {
	u := &t.udp
	stream := t.fin.opts.UDPStream
	for u.emitted < u.first+len(u.flows) && u.over[u.emitted-u.first] {
		if stream {
			u.done = append(u.done, u.flows[u.emitted-u.first])
		}
		u.emitted++
	}
	if off := u.emitted - u.first; stream && off > 1024 && off*2 > len(u.flows) {
		n := copy(u.flows, u.flows[off:])
		copy(u.over, u.over[off:])
		clear(u.flows[n:])
		u.flows, u.over, u.first = u.flows[:n], u.over[:n], u.emitted
	}
}

// expireUDP finishes the flows idle past FinishOptions.UDPIdle.
func (t *Tracker) expireUDP() {
	u := &t.udp
	lim := int64(t.fin.opts.UDPIdle)
	if lim <= 0 || !t.fin.opts.UDPStream {
		return
	}
	q := &u.idle
	for q.head < len(q.e) && t.nowNS-q.e[q.head].atNS >= lim {
		e := q.e[q.head]
		q.e[q.head] = udpEntry{}
		q.head++
		if !u.live(e.index) {
			continue
		}
		fl := &u.flows[e.index-u.first]
		if fl.LastNS > e.atNS && t.nowNS-fl.LastNS < lim {
			q.push(udpEntry{index: e.index, atNS: fl.LastNS})
			continue
		}
		t.fin.counts.UDPIdle++
		t.finishUDP(e.index)
	}
	if q.head == len(q.e) {
		q.e, q.head = q.e[:0], 0
	}
}

// finishAllUDP finishes every flow still held, at the end of the input.
func (t *Tracker) finishAllUDP() {
	u := &t.udp
	if !t.fin.opts.UDPStream {
		return
	}
	for i := u.emitted - u.first; i < len(u.over); i++ {
		u.over[i] = true
	}
	clear(u.index)
	u.idle = udpQueue{}
	t.emitUDP()
}

// TakeFinishedFlows appends to dst the UDP flows finished since the last
// call, in index order, and forgets them (FinishOptions.UDPStream; otherwise
// it appends nothing: UDPFlows has every flow).
func (t *Tracker) TakeFinishedFlows(dst []UDPFlow) []UDPFlow {
	u := &t.udp
	dst = append(dst, u.done...)
	clear(u.done)
	u.done = u.done[:0]
	return dst
}
