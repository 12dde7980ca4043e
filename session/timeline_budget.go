package session

import (
	"cmp"
	"slices"
)

// DefaultLiveEvents is the event budget of a live timeline (watch, open -,
// the demo's text and JSON outputs): some 16 MiB of events, the ladders of
// a few thousand short connections.
const DefaultLiveEvents = 65_536

// maxPins is how many streams opened last (Pin) a bounded timeline never
// drops.
const maxPins = 4

// shedGuard is how many of the newest events a bounded timeline never
// drops, whatever its budget: readers that copy the new events at every
// change (the watch list, a screen) have that much slack.
const shedGuard = 256

// goneKeep is how many streams dropped last a bounded timeline still
// names (StreamInfo): a reader handed a batch of events (at most
// followBatch) may ask for their streams' names after they went.
const goneKeep = 4 * followBatch

// TimelineBudget bounds a live timeline (NewBoundedTimeline).
//
// The policy: a timeline holds at most Events events. Past it, whole
// streams (a TCP stream or UDP flow with its socket calls) are dropped
// until a quarter of the budget is free again: first streams already
// dropped that went on, then those whose latest segment left both ends
// closed, then the others, each group by least recent activity. A stream
// opened last (Pin, at most maxPins of them), events a Follow has not
// handed over yet, and the newest shedGuard events are never dropped;
// when whole streams do not free enough, the oldest events of streams
// still open are dropped too (the stream is then marked dropped as a
// whole). A dropped stream stays dropped: Dropped reports it and
// ClosedStreams still counts it. A bounded timeline names (StreamInfo)
// the streams it holds events of and the goneKeep dropped last, so that
// what it keeps per stream is a bit, whatever the number of streams.
type TimelineBudget struct {
	// Events is the most events held; values below 4*shedGuard are
	// raised to it.
	Events int
	// Dropped, when set, is called (from the appending goroutine, after
	// the timeline's lock is released) with the frame numbers of the
	// segments and datagrams just dropped, ascending: the frame store
	// forgets them.
	Dropped func(frames []uint64)
}

// NewBoundedTimeline returns an empty timeline that holds at most b's
// budget of events.
func NewBoundedTimeline(b TimelineBudget) *Timeline {
	b.Events = max(b.Events, 4*shedGuard)
	t := NewTimeline()
	t.mem = &timelineMem{budget: b, held: map[streamKey]*heldStream{}, readers: map[int]int{}, gone: map[streamKey]StreamInfo{}}
	t.idx = []int{}
	return t
}

// timelineMem is the bookkeeping of a bounded timeline.
type timelineMem struct {
	budget     TimelineBudget
	held       map[streamKey]*heldStream // streams with events held
	dropped    [2]bitset                 // by kind: TCP streams, UDP flows
	nDropped   [2]int
	pins       []streamKey // opened last, the newest last
	readers    map[int]int // Follow id -> index of the next event it hands over
	nextReader int
	// gone names the streams whose last held event was dropped, the
	// goneKeep newest (goneOrder, oldest first).
	gone      map[streamKey]StreamInfo
	goneOrder []streamKey
}

// streamKey names a TCP stream (udp false) or a UDP flow.
type streamKey struct {
	udp   bool
	index int
}

func keyOfEvent(ev *Event) streamKey {
	return streamKey{ev.StreamKind() == KindDatagram, ev.Stream}
}

// heldStream is what a bounded timeline knows of a stream it holds events
// of.
type heldStream struct {
	info   StreamInfo
	last   int  // index of its latest event
	count  int  // events held
	over   bool // its latest segment left both ends closed
	victim bool // to drop in the shed under way
}

// appended notes event ev, about to be held at index i; lookup (may be
// nil) names a stream seen for the first time, or again after it was
// dropped.
func (m *timelineMem) appended(ev *Event, i int, lookup StreamLookup) {
	k := keyOfEvent(ev)
	h := m.held[k]
	if h == nil {
		h = &heldStream{info: StreamInfo{Index: ev.Stream}}
		if info, ok := m.gone[k]; ok {
			h.info = info
		} else if lookup != nil && ev.Stream >= 0 {
			h.info = lookup.StreamInfo(ev.StreamKind(), ev.Stream)
		}
		m.held[k] = h
	}
	h.last = i
	h.count++
	if ev.Kind == KindSegment {
		h.over = ev.Client.over() && ev.Server.over()
	}
}

// name is the name of stream k: held, or among the goneKeep dropped last.
func (m *timelineMem) name(k streamKey) (StreamInfo, bool) {
	if h := m.held[k]; h != nil {
		return h.info, true
	}
	info, ok := m.gone[k]
	return info, ok
}

// let goes of held stream k, whose last event was dropped: its name goes
// to the goneKeep newest.
func (m *timelineMem) let(k streamKey, h *heldStream) {
	delete(m.held, k)
	if _, ok := m.gone[k]; !ok {
		if len(m.goneOrder) >= goneKeep {
			delete(m.gone, m.goneOrder[0])
			n := copy(m.goneOrder, m.goneOrder[1:])
			m.goneOrder = m.goneOrder[:n]
		}
		m.goneOrder = append(m.goneOrder, k)
	}
	m.gone[k] = h.info
}

func (m *timelineMem) isDropped(k streamKey) bool {
	return m.dropped[b2i(k.udp)].get(k.index)
}

func (m *timelineMem) markDropped(k streamKey) {
	if !m.isDropped(k) {
		m.dropped[b2i(k.udp)].set(k.index, true)
		m.nDropped[b2i(k.udp)]++
	}
}

func (m *timelineMem) pinned(k streamKey) bool { return slices.Contains(m.pins, k) }

// shed drops events until at most keep are held, following the budget's
// policy, and returns the frames of the segments dropped. Lock held.
func (t *Timeline) shed(keep int) []uint64 {
	m := t.mem
	excess := len(t.events) - keep
	limit := t.n - shedGuard // events at limit and after stay
	for _, next := range m.readers {
		limit = min(limit, next)
	}
	if excess <= 0 || len(t.events) == 0 || t.idx[0] >= limit {
		return nil
	}
	type cand struct {
		k streamKey
		h *heldStream
	}
	var cands []cand
	for k, h := range m.held {
		if h.last < limit && !m.pinned(k) {
			cands = append(cands, cand{k, h})
		}
	}
	group := func(c cand) int {
		switch {
		case m.isDropped(c.k):
			return 0
		case c.h.over:
			return 1
		}
		return 2
	}
	slices.SortFunc(cands, func(a, b cand) int {
		return cmp.Or(cmp.Compare(group(a), group(b)), cmp.Compare(a.h.last, b.h.last))
	})
	for _, c := range cands {
		if excess <= 0 {
			break
		}
		c.h.victim = true
		excess -= c.h.count
	}
	// Not enough: cut the oldest events of the streams still open too.
	cut := 0
	for ; excess > 0 && cut < len(t.events) && t.idx[cut] < limit; cut++ {
		k := keyOfEvent(&t.events[cut])
		if h := m.held[k]; !h.victim && !m.pinned(k) {
			excess--
		}
	}
	var frames []uint64
	j := 0
	for i := range t.events {
		ev := &t.events[i]
		k := keyOfEvent(ev)
		h := m.held[k]
		if h.victim || i < cut && !m.pinned(k) {
			if ev.Kind != KindCall && ev.Seg.Frame != 0 {
				frames = append(frames, ev.Seg.Frame)
			}
			h.count--
			m.markDropped(k)
			continue
		}
		t.events[j], t.idx[j] = *ev, t.idx[i]
		j++
	}
	clear(t.events[j:])
	t.events, t.idx = t.events[:j], t.idx[:j]
	for k, h := range m.held {
		if h.count == 0 {
			m.let(k, h)
		}
		h.victim = false
	}
	slices.Sort(frames)
	return frames
}

// dropped hands the frames of dropped events to the budget's hook.
// Called without the lock.
func (t *Timeline) dropped(frames []uint64) {
	if len(frames) > 0 && t.mem.budget.Dropped != nil {
		t.mem.budget.Dropped(frames)
	}
}

// Shed drops events, by the budget's policy, until at most keep are held
// (a bounded timeline only; the frame store's own budget asks for it). It
// returns how many events are held after it.
func (t *Timeline) Shed(keep int) int {
	t.mu.Lock()
	var frames []uint64
	if t.mem != nil {
		frames = t.shed(keep)
	}
	n := len(t.events)
	t.mu.Unlock()
	t.dropped(frames)
	return n
}

// Held is the number of events held (Len minus those dropped).
func (t *Timeline) Held() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.events)
}

// Bounded reports whether the timeline drops streams past a budget
// (NewBoundedTimeline).
func (t *Timeline) Bounded() bool { return t.mem != nil }

// Budget is the event budget of a bounded timeline, 0 when unbounded.
func (t *Timeline) Budget() int {
	if t.mem == nil {
		return 0
	}
	return t.mem.budget.Events
}

// Dropped reports whether the TCP stream (KindSegment) or UDP flow
// (KindDatagram) lost events to the budget: its ladder can no longer be
// shown whole.
func (t *Timeline) Dropped(kind EventKind, index int) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.mem != nil && t.mem.isDropped(streamKey{kind == KindDatagram, index})
}

// DroppedStreams counts the TCP streams and UDP flows dropped so far.
func (t *Timeline) DroppedStreams() (tcp, udp int) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.mem == nil {
		return 0, 0
	}
	return t.mem.nDropped[0], t.mem.nDropped[1]
}

// Pin keeps the stream or flow from being dropped while it is among the
// maxPins opened last (a screen shows it), and reports whether it is
// still whole (false: it was dropped already). An unbounded timeline
// keeps everything: Pin only reports true.
func (t *Timeline) Pin(kind EventKind, index int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.mem
	if m == nil {
		return true
	}
	k := streamKey{kind == KindDatagram, index}
	if m.isDropped(k) {
		return false
	}
	m.pins = slices.DeleteFunc(m.pins, func(p streamKey) bool { return p == k })
	if len(m.pins) == maxPins {
		m.pins = slices.Delete(m.pins, 0, 1)
	}
	m.pins = append(m.pins, k)
	return true
}

// follow registers a Follow (bounded only): the events from its position
// on are kept until it hands them over.
func (t *Timeline) follow() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.mem == nil {
		return 0
	}
	t.mem.nextReader++
	id := t.mem.nextReader
	t.mem.readers[id] = 0
	return id
}

func (t *Timeline) unfollow(id int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.mem != nil {
		delete(t.mem.readers, id)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// bitset is a growable set of non-negative ints.
type bitset []uint64

func (b bitset) get(i int) bool {
	return i >= 0 && i/64 < len(b) && b[i/64]&(1<<(i%64)) != 0
}

func (b *bitset) set(i int, v bool) {
	if i < 0 {
		return
	}
	for i/64 >= len(*b) {
		*b = append(*b, 0)
	}
	if v {
		(*b)[i/64] |= 1 << (i % 64)
	} else {
		(*b)[i/64] &^= 1 << (i % 64)
	}
}

// Reader reads a timeline in order, from its first event, for a reader
// that is not a Follow (one that also waits on other things): a bounded
// timeline drops no event it has not read yet. Close it when done.
type Reader struct {
	t        *Timeline
	id, next int
}

// NewReader returns a Reader at the first event.
func (t *Timeline) NewReader() *Reader { return &Reader{t: t, id: t.follow()} }

// Read returns copies of the events held that were appended since the
// last Read (none when nothing was).
func (r *Reader) Read() []Event {
	var out []Event
	for {
		n := r.next
		out, r.next = r.t.take(r.id, r.next, out)
		if r.next == n {
			return out
		}
	}
}

// Next is the index of the next event Read will return (Len once all
// were read).
func (r *Reader) Next() int { return r.next }

// Close lets the timeline drop what the reader has not read.
func (r *Reader) Close() { r.t.unfollow(r.id) }
