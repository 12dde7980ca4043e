package session

import (
	"math"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
)

// Defaults of analyze's stream lifetime (FinishOptions).
const (
	// DefaultIdle is Zeek's tcp_inactivity_timeout: a connection that
	// sends nothing for this long (capture time) is finished.
	DefaultIdle = 5 * time.Minute
	// DefaultSYNIdle finishes a connection that has only seen its
	// client's SYN(s) sooner: longer than the largest gap between two
	// SYN retransmissions of Linux (32 s) or Windows, so that a
	// retried SYN still lands in its stream.
	DefaultSYNIdle = time.Minute
	// DefaultMaxConns bounds the streams held at once (live or waiting
	// for an earlier one): some 12 MiB of state, so that analyze stays under
	// 64 MiB of resident memory.
	DefaultMaxConns = 20_000
)

// FinishOptions set when the tracker finishes a stream (reduces it to its
// summary, frees its state) besides its end: both FINs acknowledged or an
// RST, plus closedLingerNS, or a new SYN on its 4-tuple. The zero value
// finishes nothing early and keeps every record (open, the UI).
type FinishOptions struct {
	// Stream frees each stream's record once its summary is taken
	// (TakeFinished): summaries come out in index order, a stream as
	// soon as it and every stream before it are finished.
	Stream bool
	// Idle finishes a connection that saw no packet for this long in
	// capture time; 0 never does.
	Idle time.Duration
	// SYNIdle is Idle for a connection that has only seen SYNs from its
	// client (an attempt, a scan); 0 uses Idle.
	SYNIdle time.Duration
	// MaxConns bounds the streams held (live, lingering after their
	// close, or finished but waiting for an earlier stream): past it the
	// oldest stream is finished first. 0 is no limit.
	MaxConns int
	// UDPStream finishes UDP flows too (udp.go): after UDPIdle without
	// a datagram, and past MaxConns flows held (counted apart from the
	// TCP streams), the oldest first; they are handed over in index order
	// (TakeFinishedFlows) and forgotten. Without it every UDP flow is
	// kept whole (UDPFlows), whatever the other options say.
	UDPStream bool
	// UDPIdle finishes a UDP flow that carried no datagram for this long
	// in capture time (with UDPStream); 0 never does.
	UDPIdle time.Duration
}

// FinishCounts say what FinishOptions did: streams finished before their
// own end. A later packet of one of them starts a new stream.
type FinishCounts struct {
	Idle      uint64 `json:"idle"`       // idle longer than FinishOptions.Idle
	SYNIdle   uint64 `json:"syn_idle"`   // SYN-only attempts idle longer than SYNIdle
	MaxConns  uint64 `json:"max_conns"`  // open connections finished by MaxConns
	LingerCut uint64 `json:"linger_cut"` // closed connections whose linger MaxConns cut short
	MaxHeld   int    `json:"max_held"`   // the most streams held at once
	// UDP flows (udp.go), written in the JSON "finished" object only
	// when not 0 (the v1 bytes of a capture where nothing fired stay).
	UDPIdle     uint64 `json:"udp_idle,omitempty"`      // idle longer than FinishOptions.UDPIdle
	UDPMaxConns uint64 `json:"udp_max_conns,omitempty"` // finished by MaxConns
	UDPMaxHeld  int    `json:"-"`                       // the most flows held at once
}

// EarlyOpen is how many connections that were still open were finished
// early (by Idle, SYNIdle or MaxConns).
func (c FinishCounts) EarlyOpen() uint64 { return c.Idle + c.SYNIdle + c.MaxConns }

// finisher is the Tracker's stream lifetime state beyond the closed
// queue: the idle queues, the streams held in index order, and the
// summaries finished but not yet taken.
type finisher struct {
	opts      FinishOptions
	idleNS    int64
	synIdleNS int64
	idle      closedQueue     // every live connection, by last activity (lazily)
	syn       closedQueue     // connections opened by a pure SYN
	held      []*conn         // by stream index - emitted; nil once released
	heldHead  int             // held[:heldHead] are emitted
	emitted   int             // streams finished and passed out of held
	doneFirst int             // streams [doneFirst, emitted) are finished, not yet taken; their records are in recs
	scratch   FinishedStreams // TakeFinished's
	counts    FinishCounts
}

func (f *finisher) init(o FinishOptions) {
	f.opts = o
	f.idleNS = int64(o.Idle)
	f.synIdleNS = int64(o.SYNIdle)
	if f.synIdleNS == 0 {
		f.synIdleNS = f.idleNS
	}
}

// tracking reports whether open must register connections.
func (f *finisher) tracking() bool {
	return f.opts.Stream || f.idleNS > 0 || f.opts.MaxConns > 0
}

// opened registers a new connection (its record just added).
func (t *Tracker) opened(c *conn, flags capture.TCPFlags) {
	f := &t.fin
	if !f.tracking() {
		return
	}
	if f.idleNS > 0 {
		f.idle.push(closedEntry{c: c, gen: c.gen, atNS: t.nowNS})
		if flags&(capture.SYN|capture.ACK|capture.RST) == capture.SYN {
			f.syn.push(closedEntry{c: c, gen: c.gen, atNS: t.nowNS})
		}
	}
	f.held = append(f.held, c)
	// The queues keep an entry per connection until its time comes:
	// drop those of released connections once they outnumber the live
	// ones, so that the queues follow the connections held, not the
	// connections opened in the last linger or idle time.
	live := t.LiveConnections() + 1
	for _, q := range [...]*closedQueue{&t.closed, &f.idle, &f.syn} {
		if q.size() > 2*live+closedChunk {
			q.compact()
		}
	}
	held := t.recs.len() - f.emitted
	f.counts.MaxHeld = max(f.counts.MaxHeld, held)
	if f.opts.MaxConns > 0 && held > f.opts.MaxConns {
		t.finishOldest()
	}
}

// finishOldest finishes the lowest-numbered stream still held; it is live
// (a released one at the head is emitted at once).
func (t *Tracker) finishOldest() {
	f := &t.fin
	if f.heldHead >= len(f.held) {
		return
	}
	c := f.held[f.heldHead]
	if c == nil {
		return
	}
	if c.over {
		f.counts.LingerCut++
	} else {
		f.counts.MaxConns++
	}
	t.release(c)
}

// released is called by release once c's live state (that of stream
// index) is gone: the stream's record is final.
func (t *Tracker) released(c *conn, index int) {
	f := &t.fin
	if !f.tracking() {
		return
	}
	i := index - f.emitted + f.heldHead
	if i < f.heldHead || i >= len(f.held) || f.held[i] != c {
		return
	}
	f.held[i] = nil
	if i == f.heldHead {
		t.emitFinished()
	}
}

// emitFinished passes the finished streams at the head of the held list:
// with FinishOptions.Stream the next TakeFinishedStreams hands out their
// records (emitted moves past them).
func (t *Tracker) emitFinished() {
	f := &t.fin
	for f.heldHead < len(f.held) && f.held[f.heldHead] == nil {
		f.emitted++
		f.heldHead++
	}
	if f.heldHead > 1024 && f.heldHead*2 > len(f.held) {
		n := copy(f.held, f.held[f.heldHead:])
		clear(f.held[n:])
		f.held, f.heldHead = f.held[:n], 0
	}
}

// idleExpired reports whether a packet at atNS comes after c's idle
// timeout (counted): the packet then starts a new stream.
func (t *Tracker) idleExpired(c *conn, atNS int64) bool {
	f := &t.fin
	if f.idleNS <= 0 || atNS-c.lastNS < f.synIdleNS && atNS-c.lastNS < f.idleNS {
		return false
	}
	switch {
	case t.recs.at(c.index).completeness == CompleteSYN && atNS-c.lastNS >= f.synIdleNS:
		f.counts.SYNIdle++
	case atNS-c.lastNS < f.idleNS:
		return false
	case !c.over:
		f.counts.Idle++
	}
	return true
}

// expireIdle finishes the connections idle past their timeout.
func (t *Tracker) expireIdle() {
	f := &t.fin
	if f.idleNS <= 0 {
		return
	}
	t.expireQueue(&f.syn, f.synIdleNS, true)
	t.expireQueue(&f.idle, f.idleNS, false)
}

// expireQueue finishes, from the front of q, the connections whose last
// packet is older than limitNS; synOnly drops the entries of connections
// that are no longer SYN-only attempts.
func (t *Tracker) expireQueue(q *closedQueue, limitNS int64, synOnly bool) {
	for e := q.front(); e != nil && t.nowNS-e.atNS >= limitNS; e = q.front() {
		c, gen := e.c, e.gen
		q.pop()
		if c.gen != gen {
			continue
		}
		if synOnly && t.recs.at(c.index).completeness != CompleteSYN {
			continue // answered: the idle queue has it
		}
		if c.lastNS > e.atNS && t.nowNS-c.lastNS < limitNS {
			q.push(closedEntry{c: c, gen: gen, atNS: c.lastNS})
			continue
		}
		if synOnly {
			t.fin.counts.SYNIdle++
		} else if !c.over {
			t.fin.counts.Idle++
		}
		t.release(c)
	}
}

// TakeFinished appends to dst the summaries of the streams finished since
// the last call, in index order, and forgets them (FinishOptions.Stream;
// otherwise it appends nothing: Summaries has every stream).
func (t *Tracker) TakeFinished(dst []StreamSummary) []StreamSummary {
	fs := &t.fin.scratch
	t.TakeFinishedStreams(fs)
	dst = fs.AppendSummaries(dst)
	t.giveBack(fs)
	return dst
}

// FinishedStreams are the records of streams taken out of a Tracker by
// TakeFinishedStreams: their summaries can be made on another goroutine
// than the Tracker's. They are the Tracker's own record chunks, not
// copies: the next TakeFinishedStreams into the same FinishedStreams
// hands the chunks back for reuse, so its records must not be read
// after that.
type FinishedStreams struct {
	first     int           // the index of the first stream
	n         int           // how many
	chunks    [][]streamRec // the chunks holding them; the first at position first%recChunk
	retire    int           // chunks[:retire] hold no later stream: they go back to the Tracker
	histories histories     // the History strings made so far, reused
}

// histories keeps the Zeek history strings already made, so that the
// summaries of streams with the same history (most of a capture's) share
// one string instead of allocating each.
type histories map[string]string

// maxHistories bounds a histories cache.
const maxHistories = 4096

// of returns the history as a string.
func (h *histories) of(z *zeekConn) string {
	b := z.hist[:z.histLen]
	if s, ok := (*h)[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(*h) < maxHistories {
		if *h == nil {
			*h = make(histories)
		}
		(*h)[s] = s
	}
	return s
}

// Len is the number of streams.
func (fs *FinishedStreams) Len() int { return fs.n }

// AppendSummaries appends the streams' summaries to dst, in index order.
func (fs *FinishedStreams) AppendSummaries(dst []StreamSummary) []StreamSummary {
	off := fs.first % recChunk
	for i := range fs.n {
		j := off + i
		dst = append(dst, StreamSummary{})
		fs.chunks[j/recChunk][j%recChunk].summaryInto(&dst[len(dst)-1], fs.first+i, &fs.histories)
	}
	return dst
}

// TakeFinishedStreams is TakeFinished without the summaries: it puts
// the records of the streams finished since the last call into fs. What
// fs held goes back to the Tracker, which reuses its chunks.
func (t *Tracker) TakeFinishedStreams(fs *FinishedStreams) {
	f := &t.fin
	t.giveBack(fs)
	if !f.opts.Stream {
		return // Summaries has every stream
	}
	from, to := f.doneFirst, f.emitted
	fs.first, fs.n = from, to-from
	if to > from {
		for k := from / recChunk; k <= (to-1)/recChunk; k++ {
			fs.chunks = append(fs.chunks, t.recs.chunks[k])
		}
		// The chunks whose last record is taken now leave the store;
		// they come back with fs, after every earlier FinishedStreams
		// (those of a pipeline are handed back in the order taken).
		fs.retire = to/recChunk - from/recChunk
		t.recs.dropBefore(to)
	}
	f.doneFirst = to
}

// giveBack takes back the chunks fs retires and empties fs.
func (t *Tracker) giveBack(fs *FinishedStreams) {
	for _, c := range fs.chunks[:fs.retire] {
		t.recs.recycle(c)
	}
	clear(fs.chunks)
	fs.chunks, fs.retire, fs.n = fs.chunks[:0], 0, 0
}

// FinishAll finishes every stream still held, at the end of the input:
// TakeFinished then returns the rest of the streams (and
// TakeFinishedFlows the rest of the UDP flows).
func (t *Tracker) FinishAll() {
	for t.FinishSome(math.MaxInt) {
	}
}

// FinishSome is FinishAll a slice at a time: it finishes at most n of the
// oldest streams still held (all the UDP flows at the first call) and
// reports whether any is left, so that a caller can hand each slice's
// summaries on while the next is made.
func (t *Tracker) FinishSome(n int) bool {
	t.finishAllUDP()
	f := &t.fin
	for ; n > 0 && f.heldHead < len(f.held); n-- {
		if c := f.held[f.heldHead]; c != nil {
			t.release(c)
			continue
		}
		t.emitFinished()
	}
	return f.heldHead < len(f.held)
}

// FinishCounts says what the FinishOptions did so far.
func (t *Tracker) FinishCounts() FinishCounts { return t.fin.counts }

// dropBefore lets the chunks whose records all lie below index n leave
// the store (FinishOptions.Stream: they were taken).
func (s *recStore) dropBefore(n int) {
	for k := s.dropped; k < n/recChunk && k < len(s.chunks); k++ {
		s.chunks[k] = nil
		s.dropped = k + 1
	}
}

// held reports whether record i is still in the store.
func (s *recStore) held(i int) bool { return i >= s.dropped*recChunk && i < s.n }

// size is the number of entries in the queue.
func (q *closedQueue) size() int {
	if len(q.chunks) == 0 {
		return 0
	}
	return (len(q.chunks)-1)*closedChunk + len(q.chunks[len(q.chunks)-1]) - q.head
}

// compact drops the entries of released connections, keeping the order
// of the others.
func (q *closedQueue) compact() {
	old, head := q.chunks, q.head
	q.chunks, q.head = nil, 0
	for k, chunk := range old {
		from := 0
		if k == 0 {
			from = head
		}
		for _, e := range chunk[from:] {
			if e.c.gen == e.gen {
				q.push(e)
			}
		}
		clear(chunk)
		if q.spare == nil {
			q.spare = chunk[:0]
		}
	}
}
