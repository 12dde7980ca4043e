package feed

import (
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// callHold is how long a recorded call waits for packets captured before it
// that may still be on their way to the capture socket. Loopback delivers
// them within microseconds, but the goroutine reading the capture may not
// run for a long while on a busy host (8 ms seen at load 7 on two cores,
// over 20 ms at load 28, putting a recv's return before the packet it
// returned for); a person cannot see 100 ms on the ladder, and a packet
// that comes publishes the calls before it at once.
const callHold = 100 * time.Millisecond

// Calls merges the socket calls of the program's own client and server
// (exchange.CallSink) into a Run's timeline by time, each as a
// session.Event of Kind KindCall on the stream of its socket's 4-tuple. Its
// Record is safe for use from any goroutine; Run (Options.Calls) drains it.
type Calls struct {
	mu sync.Mutex
	// pending[head:] are the calls not yet looked at, in time order
	// (the slots before head are spent; compacted now and then). A take
	// looks only at the calls due, so a long queue behind a feed that is
	// catching up costs nothing per packet.
	pending []pendingCall
	head    int
	// stuck are calls that were due at an earlier take but whose stream
	// was not known yet, in time order.
	stuck []pendingCall
	spare []pendingCall // the other buffer for stuck
	wake  chan struct{} // a call was recorded (capacity 1)
}

// lostAfter is how long past due a call on a known 4-tuple waits for its
// stream's first packet: past it the capture lost that packet, and the
// call goes (an accept still waiting for a connection waits on).
const lostAfter = int64(10 * time.Second)

type pendingCall struct {
	call          session.Call
	local, remote netip.AddrPort
	kernel        session.KernelView
	udp           bool // a call on a UDP socket: its stream is a UDP flow
}

// NewCalls returns an empty call queue.
func NewCalls() *Calls { return &Calls{wake: make(chan struct{}, 1)} }

// Record queues one call. A zero TimeNS is stamped now, under the queue's
// lock. remote is invalid for a call without a peer yet (accept).
func (q *Calls) Record(c session.Call, local, remote netip.AddrPort, kernel session.KernelView) {
	q.record(pendingCall{call: c, local: local, remote: remote, kernel: kernel})
}

// RecordDatagram queues one call on a UDP socket: its event goes on the
// UDP flow of its 4-tuple (Seg.Proto is ProtoUDP, Stream the flow's index).
func (q *Calls) RecordDatagram(c session.Call, local, remote netip.AddrPort) {
	q.record(pendingCall{call: c, local: local, remote: remote, udp: true})
}

func (q *Calls) record(p pendingCall) {
	c := p.call
	q.mu.Lock()
	if c.TimeNS == 0 {
		c.TimeNS = time.Now().UnixNano()
	}
	p.call = c
	if q.head > 4096 && q.head > len(q.pending)/2 {
		n := copy(q.pending, q.pending[q.head:])
		clear(q.pending[n:])
		q.pending, q.head = q.pending[:n], 0
	}
	i, _ := slices.BinarySearchFunc(q.pending[q.head:], c.TimeNS, func(p pendingCall, t int64) int {
		if p.call.TimeNS <= t {
			return -1
		}
		return 1
	})
	q.pending = slices.Insert(q.pending, q.head+i, p)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// callMerge is a Run's side of the merge: which stream each 4-tuple is and
// what the tracker inferred last for it. What it holds follows the
// connections of the run that may still make calls: a connection closed on
// both ends is forgotten once forgetAfter more have closed after it and
// forgetDelay has passed (a long --clients run holds no record per client).
type callMerge struct {
	q          *Calls
	latest     map[[2]netip.AddrPort]int // (client, server) -> newest stream
	flows      map[[2]netip.AddrPort]int // UDP (first sender, other end) -> flow
	streams    map[int]*mergeStream      // TCP streams seen and not forgotten
	unaccepted map[netip.AddrPort][]int  // server -> its streams whose accept has not returned, oldest first
	closed     []closedStream            // streams closed on both ends, in the order they closed
	out        []session.Event
}

// mergeStream is what the merge knows of one TCP stream.
type mergeStream struct {
	client, server netip.AddrPort
	last           [2]session.State // client, server state after its latest segment
	accepted       bool             // its accept returned
	closedNS       int64            // when its segment left both ends closed; 0 while open
}

type closedStream struct {
	stream int
	atNS   int64
}

// A stream closed on both ends is forgotten once forgetAfter streams have
// closed after it and forgetDelay has passed since its close: a call on
// its sockets (close returning after the last ACK) comes well before.
const (
	forgetAfter = 1024
	forgetDelay = 5 * time.Second
)

func newCallMerge(q *Calls) *callMerge {
	return &callMerge{q: q, latest: map[[2]netip.AddrPort]int{}, flows: map[[2]netip.AddrPort]int{},
		streams: map[int]*mergeStream{}, unaccepted: map[netip.AddrPort][]int{}}
}

// register notes the stream of a segment event about to be appended, so
// that calls made before it can find it.
func (m *callMerge) register(tr *session.Tracker, ev *session.Event) {
	if ev.Kind == session.KindDatagram && ev.N == 1 {
		info := tr.StreamInfo(session.KindDatagram, ev.Stream)
		m.flows[[2]netip.AddrPort{info.Client, info.Server}] = ev.Stream
		m.flows[[2]netip.AddrPort{info.Server, info.Client}] = ev.Stream
	}
	if ev.Kind != session.KindSegment {
		return
	}
	if _, ok := m.streams[ev.Stream]; !ok {
		info := tr.StreamInfo(session.KindSegment, ev.Stream)
		m.streams[ev.Stream] = &mergeStream{client: info.Client, server: info.Server, last: [2]session.State{session.Closed, session.Listen}}
		m.latest[[2]netip.AddrPort{info.Client, info.Server}] = ev.Stream
		m.unaccepted[info.Server] = append(m.unaccepted[info.Server], ev.Stream)
	}
}

// saw notes the states after a segment event.
func (m *callMerge) saw(ev *session.Event) {
	if ev.Kind != session.KindSegment {
		return
	}
	st := m.streams[ev.Stream]
	if st == nil {
		return
	}
	st.last = [2]session.State{ev.Client, ev.Server}
	if over(ev.Client) && over(ev.Server) {
		if st.closedNS == 0 {
			st.closedNS = max(ev.Seg.TimeNS, 1)
			m.closed = append(m.closed, closedStream{ev.Stream, st.closedNS})
			m.forget(ev.Seg.TimeNS)
		}
	} else {
		st.closedNS = 0 // a segment after the close (a retransmission): not over yet
	}
}

// over reports whether an end in state s is done with its connection.
func over(s session.State) bool { return s == session.Closed || s == session.TimeWait }

// forget drops the streams closed longest ago, beyond the newest
// forgetAfter and closed before nowNS - forgetDelay.
func (m *callMerge) forget(nowNS int64) {
	n := 0
	for len(m.closed)-n > forgetAfter && nowNS-m.closed[n].atNS >= int64(forgetDelay) {
		c := m.closed[n]
		n++
		st := m.streams[c.stream]
		if st == nil || st.closedNS != c.atNS {
			continue // open again, or closed again later (queued anew)
		}
		delete(m.streams, c.stream)
		key := [2]netip.AddrPort{st.client, st.server}
		if m.latest[key] == c.stream {
			delete(m.latest, key)
		}
		m.dropUnaccepted(st.server, c.stream)
	}
	if n > 0 {
		k := copy(m.closed, m.closed[n:])
		clear(m.closed[k:])
		m.closed = m.closed[:k]
	}
}

// dropUnaccepted removes stream i from its server's streams waiting for
// accept.
func (m *callMerge) dropUnaccepted(server netip.AddrPort, i int) {
	q := m.unaccepted[server]
	if k := slices.Index(q, i); k >= 0 {
		q = slices.Delete(q, k, k+1)
	}
	if len(q) == 0 {
		delete(m.unaccepted, server)
		return
	}
	m.unaccepted[server] = q
}

// resolve finds the stream of a call: by its 4-tuple, or for an accept
// still waiting, the oldest connection to that server not yet accepted.
func (m *callMerge) resolve(p *pendingCall) (int, bool) {
	i, ok := m.resolveLocked(p)
	if ok && p.remote.IsValid() && !p.udp && p.call.Call == session.CallAccept && p.call.Phase == session.CallReturn {
		if st := m.streams[i]; st != nil && !st.accepted {
			st.accepted = true
			m.dropUnaccepted(st.server, i)
		}
	}
	return i, ok
}

// take returns the call events due before time t (calls recorded before
// it whose stream is known), in order; the rest stay queued.
func (m *callMerge) take(tr *session.Tracker, before int64) []session.Event {
	m.out = m.out[:0]
	q := m.q
	q.mu.Lock()
	defer q.mu.Unlock()
	j := q.head
	for j < len(q.pending) && q.pending[j].call.TimeNS < before {
		j++
	}
	due := q.pending[q.head:j]
	still := q.spare[:0]
	for i, k := 0, 0; i < len(q.stuck) || k < len(due); {
		var p pendingCall
		if k >= len(due) || i < len(q.stuck) && q.stuck[i].call.TimeNS <= due[k].call.TimeNS {
			p = q.stuck[i]
			i++
		} else {
			p = due[k]
			k++
		}
		idx, ok := m.resolve(&p)
		if !ok {
			if !p.remote.IsValid() || before-p.call.TimeNS < lostAfter {
				still = append(still, p)
			}
			continue
		}
		ev := session.Event{
			Kind:   session.KindCall,
			Stream: idx,
			From:   p.call.Side,
			Call:   p.call,
			Kernel: p.kernel,
			Seg:    capture.Segment{TimeNS: p.call.TimeNS},
		}
		if p.udp {
			ev.Seg.Proto = capture.ProtoUDP // UDP has no states
		} else {
			if st := m.streams[idx]; st != nil {
				ev.Client, ev.Server = st.last[0], st.last[1]
			}
		}
		m.out = append(m.out, ev)
	}
	clear(due)
	q.head = j
	clear(q.stuck)
	q.spare, q.stuck = q.stuck[:0], still
	return m.out
}

// due is how long until the oldest queued call is due, 0 when none is
// queued.
func (m *callMerge) due() time.Duration {
	m.q.mu.Lock()
	defer m.q.mu.Unlock()
	for _, calls := range [2][]pendingCall{m.q.stuck, m.q.pending[m.q.head:]} {
		for _, p := range calls {
			// Unresolvable calls wait for their stream's first packet.
			if _, ok := m.resolveLocked(&p); ok {
				left := time.Until(time.Unix(0, p.call.TimeNS).Add(callHold))
				if left <= 0 {
					return time.Nanosecond
				}
				return left
			}
		}
	}
	return 0
}

// resolveLocked is resolve without marking an accept: a look-ahead.
func (m *callMerge) resolveLocked(p *pendingCall) (int, bool) {
	if p.udp {
		i, ok := m.flows[[2]netip.AddrPort{p.local, p.remote}]
		return i, ok
	}
	if p.remote.IsValid() {
		key := [2]netip.AddrPort{p.local, p.remote}
		if p.call.Side == session.FromServer {
			key = [2]netip.AddrPort{p.remote, p.local}
		}
		i, ok := m.latest[key]
		return i, ok
	}
	if p.call.Side != session.FromServer || p.call.Call != session.CallAccept {
		return 0, false
	}
	if q := m.unaccepted[p.local]; len(q) > 0 {
		return q[0], true
	}
	return 0, false
}
