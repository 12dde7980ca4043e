package feed

import (
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// DefaultLiveFrameBytes is the frame store budget of a live source: the
// bytes of the frames of the events held (a loopback demo's frames are
// small; a capture of full-size frames reaches it before the event
// budget).
const DefaultLiveFrameBytes = 32 << 20

// LiveBudget is the memory policy of a source that never ends (watch,
// open -, the demo's text and JSON outputs): the Tracker finishes
// connections as analyze does (LiveFinish), the timeline holds at most
// Events events and the frame store at most FrameBytes, dropping the
// oldest finished streams first (session.TimelineBudget has the policy).
// The stream list stays complete.
type LiveBudget struct {
	Events     int   // 0: session.DefaultLiveEvents
	FrameBytes int64 // 0: DefaultLiveFrameBytes
}

// LiveFinish is when the Tracker of a live source finishes a connection
// besides its close: analyze's defaults (idle 5 min, SYN-only 1 min, at
// most 20,000 held), so that connections that never close are forgotten.
// Stream records are kept (the list and the summaries stay complete).
func LiveFinish() session.FinishOptions {
	return session.FinishOptions{Idle: session.DefaultIdle, SYNIdle: session.DefaultSYNIdle, MaxConns: session.DefaultMaxConns}
}

// Live is a live source's record: a bounded timeline and the frame store
// that forgets what the timeline drops.
type Live struct {
	Timeline *session.Timeline
	Store    *capture.MemoryStore
	Budget   LiveBudget
}

// NewLive returns an empty bounded record.
func NewLive(b LiveBudget) *Live {
	if b.Events <= 0 {
		b.Events = session.DefaultLiveEvents
	}
	if b.FrameBytes <= 0 {
		b.FrameBytes = DefaultLiveFrameBytes
	}
	store := capture.NewMemoryStore()
	tl := session.NewBoundedTimeline(session.TimelineBudget{Events: b.Events, Dropped: store.Forget})
	return &Live{Timeline: tl, Store: store, Budget: b}
}

// Apply makes opts record into l with the live finish limits.
func (l *Live) Apply(opts *Options) {
	opts.Timeline, opts.Store, opts.StoreBudget = l.Timeline, l.Store, l.Budget.FrameBytes
	f := LiveFinish()
	f.Stream = opts.Tracker.Finish.Stream
	opts.Tracker.Finish = f
}

// DroppedError says that a stream of a live source can no longer be shown
// whole: its events went to the memory budget.
type DroppedError struct {
	Kind   session.EventKind
	Index  int
	Events int // the timeline's budget
}

func (e *DroppedError) Error() string {
	what := "TCP stream"
	if e.Kind == session.KindDatagram {
		what = "UDP flow"
	}
	return fmt.Sprintf("%s %d was dropped from memory (a live capture keeps its last %d events): to see every stream, save the capture to a file (tcpdump -w FILE, watch --write FILE) and open the file", what, e.Index, e.Events)
}

// DroppedStream says which stream was dropped and the budget it went to,
// for a caller that words the message itself (the UI, in its language).
func (e *DroppedError) DroppedStream() (kind session.EventKind, index, events int) {
	return e.Kind, e.Index, e.Events
}

// openLive is OpenStream on a source that cannot be re-read: the whole
// live timeline and store, the stream pinned so that the budget keeps it
// while it is shown, or a DroppedError.
func (c *Catalog) openLive(kind session.EventKind, index int) (*session.Timeline, capture.FrameStore, error) {
	if !c.tl.Pin(kind, index) {
		return nil, nil, &DroppedError{Kind: kind, Index: index, Events: c.tl.Budget()}
	}
	return c.tl, c.store, nil
}

// newLiveRecord is the bounded record of a catalog of stdin or a live
// capture (the default LiveBudget).
func newLiveRecord() (*session.Timeline, *capture.MemoryStore) {
	l := NewLive(LiveBudget{})
	return l.Timeline, l.Store
}

// liveOptions makes a catalog's reading record into its live record.
func liveOptions(opts *Options, tl *session.Timeline, store *capture.MemoryStore) {
	(&Live{Timeline: tl, Store: store, Budget: LiveBudget{FrameBytes: DefaultLiveFrameBytes}}).Apply(opts)
}

// Timeline is the timeline of every event of a catalog started by
// StartEndless or OpenCatalog("-"): it grows while reading and is finished
// when reading ends; it is bounded (LiveBudget). It is nil for a file,
// whose events are not kept.
func (c *Catalog) Timeline() *session.Timeline { return c.tl }

// FrameBytes is what the frames kept by a live catalog take (0 for a
// file, whose frames are not kept).
func (c *Catalog) FrameBytes() int64 {
	if c.store == nil {
		return 0
	}
	return c.store.Bytes()
}
