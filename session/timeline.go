package session

import (
	"context"
	"slices"
	"sync"

	"github.com/handshake-viz/handshake-viz/capture"
)

// Timeline is the record of events that the UI and the text outputs
// render. One goroutine appends; any number may read while it grows.
// Readers get copies, never pointers into the timeline.
//
// A Timeline from NewTimeline is append-only: event i, once appended, is
// there for good. One from NewBoundedTimeline (live sources) holds at most
// its budget of events and drops whole streams beyond it (see
// TimelineBudget): Len still counts every event appended and indexes stay
// those of the whole run, but At, Slice and Follow only see the events
// still held.
type Timeline struct {
	mu      sync.RWMutex
	events  []Event      // the events held, in order
	idx     []int        // bounded: the index of events[i] in the run; nil when unbounded (events[i] is event i)
	n       int          // events appended in all
	packets int          // segment and datagram events appended in all (Packets)
	streams []StreamInfo // TCP streams by index (unbounded only: mem names a bounded one's)
	flows   []StreamInfo // UDP flows by index (unbounded only)
	done    bool
	notify  chan struct{} // closed and replaced on every change
	mem     *timelineMem  // bounded only: the budget and what it dropped
	// closed has a bit per TCP stream whose latest segment left both ends
	// closed; nClosed counts them (ClosedStreams).
	closed  bitset
	nClosed int
}

// NewTimeline returns an empty timeline.
func NewTimeline() *Timeline {
	return &Timeline{notify: make(chan struct{})}
}

// StreamLookup names the connection or flow an event belongs to; the
// Tracker implements it.
type StreamLookup interface {
	StreamInfo(kind EventKind, index int) StreamInfo
}

// Append adds events, registering the stream or flow of each the first time
// it is seen (asking lookup), and wakes every Changed waiter.
func (t *Timeline) Append(lookup StreamLookup, evs ...Event) {
	if len(evs) == 0 {
		return
	}
	t.mu.Lock()
	for i := range evs {
		ev := &evs[i]
		if t.mem == nil {
			list := &t.streams
			kind := ev.StreamKind()
			if kind == KindDatagram {
				list = &t.flows
			}
			for len(*list) <= ev.Stream {
				idx := len(*list)
				si := StreamInfo{Index: idx}
				if lookup != nil {
					si = lookup.StreamInfo(kind, idx)
				}
				*list = append(*list, si)
			}
		}
		if ev.Kind == KindSegment && ev.Stream >= 0 {
			t.noteClosed(ev)
		}
		if t.mem != nil {
			t.mem.appended(ev, t.n, lookup)
			t.idx = append(t.idx, t.n)
		}
		t.events = append(t.events, *ev)
		t.n++
		if ev.Kind != KindCall {
			t.packets++
		}
	}
	var frames []uint64
	if m := t.mem; m != nil && len(t.events) > m.budget.Events {
		frames = t.shed(m.budget.Events * 3 / 4)
	}
	t.wake()
	t.mu.Unlock()
	t.dropped(frames)
}

// noteClosed keeps the count of TCP streams whose latest segment left
// both ends closed.
func (t *Timeline) noteClosed(ev *Event) {
	over := ev.Client.over() && ev.Server.over()
	if t.closed.get(ev.Stream) == over {
		return
	}
	t.closed.set(ev.Stream, over)
	if over {
		t.nClosed++
	} else {
		t.nClosed--
	}
}

// StreamKind says which numbering ev.Stream is in: KindSegment (a TCP
// stream) or KindDatagram (a UDP flow). A socket call belongs to its
// socket's: a UDP flow when the call's Seg.Proto is UDP, else a TCP stream.
func (ev *Event) StreamKind() EventKind {
	switch {
	case ev.Kind == KindDatagram, ev.Kind == KindCall && ev.Seg.Proto == capture.ProtoUDP:
		return KindDatagram
	}
	return KindSegment
}

// Packets is the number of segment and datagram events (one a packet)
// appended in all, those a bounded timeline dropped since included.
func (t *Timeline) Packets() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.packets
}

// Finish marks the timeline complete: nothing more will be appended.
func (t *Timeline) Finish() {
	t.mu.Lock()
	t.done = true
	t.wake()
	t.mu.Unlock()
}

func (t *Timeline) wake() {
	close(t.notify)
	t.notify = make(chan struct{})
}

// Changed returns a channel that is closed at the next Append or Finish.
func (t *Timeline) Changed() <-chan struct{} {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.notify
}

// Done reports whether Finish was called.
func (t *Timeline) Done() bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.done
}

// Len is the number of events appended so far (held or dropped).
func (t *Timeline) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.n
}

// At returns event i (0-based). In a bounded timeline an event that was
// dropped comes back as DroppedEvent(i): Stream -1 (Get says which).
func (t *Timeline) At(i int) Event {
	ev, _ := t.Get(i)
	return ev
}

// Get returns event i and whether it is held (always, in a timeline from
// NewTimeline, for i below Len).
func (t *Timeline) Get(i int) (Event, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.idx == nil {
		if i < 0 || i >= len(t.events) {
			return DroppedEvent(i), false
		}
		return t.events[i], true
	}
	k, ok := slices.BinarySearch(t.idx, i)
	if !ok {
		return DroppedEvent(i), false
	}
	return t.events[k], true
}

// DroppedEvent is what At returns for an event a bounded timeline no
// longer holds: no stream (-1), no segment, N the event's index + 1.
func DroppedEvent(i int) Event { return Event{Stream: -1, N: i + 1} }

// Slice returns a copy of events [from, to). In a bounded timeline it
// holds only the events of [from, to) still held (SliceIndexed says which).
func (t *Timeline) Slice(from, to int) []Event {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.idx == nil {
		out := make([]Event, to-from)
		copy(out, t.events[from:to])
		return out
	}
	i, j := t.heldRange(from, to)
	return slices.Clone(t.events[i:j])
}

// SliceIndexed returns copies of the events of [from, to) still held and
// the index of each (from, from+1, … when nothing was dropped).
func (t *Timeline) SliceIndexed(from, to int) ([]Event, []int) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.idx == nil {
		out := make([]Event, to-from)
		copy(out, t.events[from:to])
		at := make([]int, len(out))
		for k := range at {
			at[k] = from + k
		}
		return out, at
	}
	i, j := t.heldRange(from, to)
	return slices.Clone(t.events[i:j]), slices.Clone(t.idx[i:j])
}

// heldRange is the range of t.events (bounded) whose indexes lie in
// [from, to).
func (t *Timeline) heldRange(from, to int) (int, int) {
	i, _ := slices.BinarySearch(t.idx, from)
	j, _ := slices.BinarySearch(t.idx, to)
	return i, max(i, j)
}

// Streams returns a copy of the TCP streams seen so far, by index; for a
// bounded timeline, those it holds events of.
func (t *Timeline) Streams() []StreamInfo { return t.infos(false) }

// Flows returns a copy of the UDP flows seen so far, by index; for a
// bounded timeline, those it holds events of.
func (t *Timeline) Flows() []StreamInfo { return t.infos(true) }

func (t *Timeline) infos(udp bool) []StreamInfo {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.mem == nil {
		if udp {
			return append([]StreamInfo(nil), t.flows...)
		}
		return append([]StreamInfo(nil), t.streams...)
	}
	var out []StreamInfo
	for k, h := range t.mem.held {
		if k.udp == udp && k.index >= 0 {
			out = append(out, h.info)
		}
	}
	slices.SortFunc(out, func(a, b StreamInfo) int { return a.Index - b.Index })
	return out
}

// followBatch is how many events Follow copies out at a time.
const followBatch = 512

// Follow calls fn for every event in order, from the first, waiting for new
// ones as the timeline grows, until the timeline is finished and fn has seen
// every event (returns nil), ctx is done (returns its error) or fn fails.
// A bounded timeline drops no event that a Follow has not handed to fn yet
// (a slow fn holds memory, it loses nothing); events dropped before Follow
// was called are skipped.
func (t *Timeline) Follow(ctx context.Context, fn func(Event) error) error {
	id := t.follow()
	defer t.unfollow(id)
	next := 0
	var batch []Event
	for {
		changed := t.Changed()
		for {
			batch, next = t.take(id, next, batch[:0])
			if len(batch) == 0 {
				break
			}
			for i := range batch {
				if err := fn(batch[i]); err != nil {
					return err
				}
			}
		}
		t.mu.RLock()
		end := t.done && next >= t.n
		t.mu.RUnlock()
		if end {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// take appends to dst up to followBatch held events from index next and
// returns the index after them; a following reader id is moved to next
// (what it handed over), so that the events it has yet to see are kept.
func (t *Timeline) take(id, next int, dst []Event) ([]Event, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.mem != nil {
		t.mem.readers[id] = next
	}
	if t.idx == nil {
		to := min(t.n, next+followBatch)
		return append(dst, t.events[next:to]...), to
	}
	i, _ := slices.BinarySearch(t.idx, next)
	j := min(len(t.events), i+followBatch)
	dst = append(dst, t.events[i:j]...)
	if j == len(t.events) {
		return dst, t.n
	}
	return dst, t.idx[j]
}

// StreamInfo returns the registered connection (KindSegment) or flow
// (KindDatagram) with that index, or a StreamInfo holding only the index
// (for a bounded timeline: a stream it no longer holds events of, past
// the goneKeep dropped last).
func (t *Timeline) StreamInfo(kind EventKind, index int) StreamInfo {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.mem != nil {
		if info, ok := t.mem.name(streamKey{kind == KindDatagram, index}); ok {
			return info
		}
		return StreamInfo{Index: index}
	}
	list := t.streams
	if kind == KindDatagram {
		list = t.flows
	}
	if index >= 0 && index < len(list) {
		return list[index]
	}
	return StreamInfo{Index: index}
}

// ClosedStreams counts the TCP streams whose latest segment left both ends
// closed (CLOSED or TIME-WAIT): the live demo ends when all of its are.
// Dropped streams count as their last segment left them.
func (t *Timeline) ClosedStreams() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.nClosed
}
