package session

import (
	"context"
	"sync"

	"github.com/handshake-viz/handshake-viz/capture"
)

// Timeline is the append-only record of events that the UI and the text
// outputs render. One goroutine appends; any number may read while it grows.
// Readers get copies, never pointers into the timeline.
type Timeline struct {
	mu      sync.RWMutex
	events  []Event
	streams []StreamInfo // TCP streams by index
	flows   []StreamInfo // UDP flows by index
	done    bool
	notify  chan struct{} // closed and replaced on every change
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
	for _, ev := range evs {
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
		t.events = append(t.events, ev)
	}
	t.wake()
	t.mu.Unlock()
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

// Len is the number of events so far.
func (t *Timeline) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.events)
}

// At returns event i (0-based).
func (t *Timeline) At(i int) Event {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.events[i]
}

// Slice returns a copy of events [from, to).
func (t *Timeline) Slice(from, to int) []Event {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]Event, to-from)
	copy(out, t.events[from:to])
	return out
}

// Streams returns a copy of the TCP streams seen so far, by index.
func (t *Timeline) Streams() []StreamInfo {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return append([]StreamInfo(nil), t.streams...)
}

// Flows returns a copy of the UDP flows seen so far, by index.
func (t *Timeline) Flows() []StreamInfo {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return append([]StreamInfo(nil), t.flows...)
}

// Follow calls fn for every event in order, from the first, waiting for new
// ones as the timeline grows, until the timeline is finished and fn has seen
// every event (returns nil), ctx is done (returns its error) or fn fails.
func (t *Timeline) Follow(ctx context.Context, fn func(Event) error) error {
	next := 0
	for {
		changed := t.Changed()
		n := t.Len()
		for ; next < n; next++ {
			if err := fn(t.At(next)); err != nil {
				return err
			}
		}
		if t.Done() && next >= t.Len() {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// StreamInfo returns the registered connection (KindSegment) or flow
// (KindDatagram) with that index, or a StreamInfo holding only the index.
func (t *Timeline) StreamInfo(kind EventKind, index int) StreamInfo {
	t.mu.RLock()
	defer t.mu.RUnlock()
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
func (t *Timeline) ClosedStreams() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	last := make(map[int]*Event)
	for i := range t.events {
		if ev := &t.events[i]; ev.Kind == KindSegment {
			last[ev.Stream] = ev
		}
	}
	n := 0
	for _, ev := range last {
		if ev.Client.over() && ev.Server.over() {
			n++
		}
	}
	return n
}
