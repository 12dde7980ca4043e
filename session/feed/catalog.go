package feed

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// CatalogSnapshot is what a Catalog knows at one moment. Its slices and
// rows are shared with other callers: do not modify them.
type CatalogSnapshot struct {
	List     session.StreamList // TCP streams, then UDP flows, by index (compact rows)
	Packets  uint64             // frames read so far
	Read     int64              // bytes of the input read so far
	Total    int64              // input size in bytes, -1 when unknown (stdin)
	Done     bool               // the whole input was read (or reading stopped)
	Err      error              // why reading stopped early, if it did (damage is a warning, not an Err)
	Warnings []string           // damage found in the input
	Info     capture.SourceInfo
}

// Catalog reads a capture in a background goroutine and publishes its
// progress and stream list as it goes (see the package doc).
type Catalog struct {
	path string
	// live is for input that cannot be re-read and may never end (stdin,
	// a live capture): its record is kept within a budget while reading,
	// and the list keeps its newest EndlessListRows final rows, so memory
	// stays flat however long it runs.
	live     bool
	finished func(ss []session.StreamSummary, mark int) // live: see EndlessOptions.Finished
	tl       *session.Timeline                          // live only
	store    *capture.MemoryStore                       // live only
	ctx      context.Context
	cancel   context.CancelFunc
	done     chan struct{} // closed when the reader goroutine has ended
	filter   FilterFactory // nil: every frame
	// finish is when the tracker of a file finishes streams, the same in
	// the reading that lists them and in every re-reading that opens
	// one, so that both number the streams alike (fileFinish).
	finish session.FinishOptions

	mu      sync.Mutex
	snap    CatalogSnapshot
	notify  chan struct{} // closed and replaced at every publication
	lastPub time.Time     // when the reader last published
	pubCost time.Duration // how long the last publication took

	// The reader goroutine's: the list's rows, and a buffer for the
	// summaries of the streams finished since the last tick.
	rows  session.StreamListBuilder
	taken []session.StreamSummary
}

// fileFinish is when the tracker of a file finishes a stream (reduces it
// to its summary and frees its state): the list only needs each stream's
// summary (a stream is re-read to be opened), so the tracker hands over
// each finished stream and forgets it; and it holds at most as many
// streams as analyze does by default, finishing the oldest first, so
// that memory follows the connections open at once, not the capture. No
// idle timeout: an idle connection keeps its one stream, as in Wireshark.
func fileFinish() session.FinishOptions {
	return session.FinishOptions{Stream: true, MaxConns: session.DefaultMaxConns}
}

// publishEvery is the shortest time between two publications while reading.
const publishEvery = 50 * time.Millisecond

// OpenCatalog opens path ("-" for stdin) and starts reading it in the
// background. Errors opening the input are returned at once; later ones
// show in the snapshot's Err. Cancel ctx or call Close to stop reading.
func OpenCatalog(ctx context.Context, path string) (*Catalog, error) {
	return OpenCatalogFiltered(ctx, path, nil)
}

// FilterFactory returns a new frame filter (Options.Filter) for one
// goroutine's reading; a nil factory keeps every frame.
type FilterFactory func() func(p *capture.RawPacket) bool

// OpenCatalogFiltered is OpenCatalog keeping only the frames the filters
// made by filter accept (open --filter), in the list and in every stream
// it opens.
func OpenCatalogFiltered(ctx context.Context, path string, filter FilterFactory) (*Catalog, error) {
	src, err := capture.OpenFile(path)
	if err != nil {
		return nil, err
	}
	return startCatalogFiltered(ctx, path, src, path == "-", filter), nil
}

// EndlessListRows is how many final rows the list of an endless input
// (open -) keeps: the newest ones (some 8 MiB); the rows of the streams
// still open come on top.
const EndlessListRows = 100_000

// StartEndless starts reading a source that cannot be re-read and may
// never end, as `open -` reads stdin (and watch a live capture), with
// memory flat however long it runs: the tracker hands over each stream it
// finishes (as for a file), the list keeps the newest EndlessListRows
// final rows (StreamList.First says how many older ones went), and the
// events and frames are kept within the live budget (see Timeline), so
// that streams can be opened while it grows. The catalog closes src when
// reading ends.
func StartEndless(ctx context.Context, src capture.Source) *Catalog {
	return StartEndlessWith(ctx, src, EndlessOptions{})
}

// EndlessOptions change what StartEndlessWith does.
type EndlessOptions struct {
	// Finished, when set, is handed each stream's summary once the
	// tracker has finished it, in index order, on the reading goroutine
	// (it must not block for long, and may keep ss: it is a copy). mark
	// is the timeline's Len then: every event of those streams is below
	// it. At the end of the input every stream still open is finished and
	// handed over before the snapshot says Done.
	Finished func(ss []session.StreamSummary, mark int)
	// Keep is how many final rows the list keeps; 0 is EndlessListRows.
	Keep int
}

// StartEndlessWith is StartEndless with opts.
func StartEndlessWith(ctx context.Context, src capture.Source, opts EndlessOptions) *Catalog {
	return startCatalogWith(ctx, src.Info().Name, src, catalogMode{live: true, finished: opts.Finished, keep: opts.Keep}, nil, fileFinish())
}

// catalogMode is what kind of input a catalog reads.
type catalogMode struct {
	live bool // cannot be re-read, may never end (see Catalog.live)
	keep int  // live: final rows kept; 0 is EndlessListRows (tests lower it)
	// finished, for live input, is handed the summaries of the streams
	// finished (StartEndlessWith).
	finished func(ss []session.StreamSummary, mark int)
}

// newFilter is a filter for one reading, or nil.
func (c *Catalog) newFilter() func(p *capture.RawPacket) bool {
	if c.filter == nil {
		return nil
	}
	return c.filter()
}

// startCatalog starts reading src, opened from path; live is for input
// that cannot be re-read.
func startCatalog(ctx context.Context, path string, src capture.Source, live bool) *Catalog {
	return startCatalogFiltered(ctx, path, src, live, nil)
}

func startCatalogFiltered(ctx context.Context, path string, src capture.Source, live bool, filter FilterFactory) *Catalog {
	return startCatalogWith(ctx, path, src, catalogMode{live: live}, filter, fileFinish())
}

// startCatalogWith is startCatalogFiltered with the FinishOptions of a
// file's trackers (tests lower the limit).
func startCatalogWith(ctx context.Context, path string, src capture.Source, mode catalogMode, filter FilterFactory, finish session.FinishOptions) *Catalog {
	c := &Catalog{
		path:     path,
		live:     mode.live,
		finished: mode.finished,
		filter:   filter,
		done:     make(chan struct{}),
		notify:   make(chan struct{}),
		finish:   finish,
	}
	c.ctx, c.cancel = context.WithCancel(ctx)
	info := src.Info()
	c.snap = CatalogSnapshot{Total: info.Size, Info: info}
	if c.live {
		c.tl, c.store = newLiveRecord()
	}
	if c.live {
		c.rows.Keep = cmp.Or(mode.keep, EndlessListRows)
	}
	go c.read(src)
	return c
}

// read is the reader goroutine: the only user of the Tracker.
func (c *Catalog) read(src capture.Source) {
	defer close(c.done)
	defer src.Close()
	in := capture.Source(src)
	opts := Options{tick: func(tr *session.Tracker, packets uint64) {
		c.takeFinished(tr)
		c.publishDue(tr, in, packets)
	}, Filter: c.newFilter()}
	if c.live {
		// The tracker hands over each finished stream (its row is
		// final) and forgets it, as for a file.
		opts.Tracker.Finish.Stream = true
		liveOptions(&opts, c.tl, c.store)
		opts.tickEvery = liveTickEvery
	} else {
		opts.Tracker.Finish = c.finish
	}
	r := newRunner(opts)
	if c.live {
		p := newPump(c.ctx, src)
		defer p.stop()
		// Before waiting for input that is slow to come, show what came.
		p.idle = func() time.Duration { return c.publishDue(r.tr, p, r.packets) }
		in = p
	}
	res, err := r.run(c.ctx, in)
	res.Tracker.FinishAll()
	c.takeFinished(res.Tracker)
	c.publish(res.Tracker, in, res.Packets, func(s *CatalogSnapshot) {
		s.Done, s.Err, s.Warnings = true, err, res.Warnings
	})
	if !c.live {
		// What reading needed (the tracker, its connections, the
		// buffers) is garbage now, and a list on screen may not
		// allocate again for minutes: give it back to the system.
		res, c.taken = Result{}, nil
		debug.FreeOSMemory()
	}
}

// publishDue publishes if publishEvery (or ten times the cost of the last
// publication, for huge stream lists) has passed since the last one, and
// returns 0; otherwise it returns how long until it may publish.
func (c *Catalog) publishDue(tr *session.Tracker, src capture.Source, packets uint64) time.Duration {
	gap := max(publishEvery, 10*c.pubCost)
	if wait := gap - time.Since(c.lastPub); wait > 0 {
		return wait
	}
	c.publish(tr, src, packets, nil)
	return 0
}

// takeFinished moves the streams the tracker finished into the list's
// final rows. Reader goroutine.
func (c *Catalog) takeFinished(tr *session.Tracker) {
	c.taken = tr.TakeFinished(c.taken[:0])
	for i := range c.taken {
		c.rows.AppendFinal(session.StreamRowOf(&c.taken[i]))
	}
	if c.finished != nil && len(c.taken) > 0 {
		c.finished(slices.Clone(c.taken), c.tl.Len())
	}
	clear(c.taken) // their History strings
}

// list is the stream list now: the final rows, and new rows for the
// streams still held by the tracker and for the UDP flows. Reader
// goroutine.
func (c *Catalog) list(tr *session.Tracker) session.StreamList {
	from := c.rows.Final()
	open := make([]session.StreamRow, tr.Streams()-from)
	for i := range open {
		s := tr.Summary(from + i)
		open[i] = session.StreamRowOf(&s)
	}
	c.rows.SetOpen(open)
	flows := tr.UDPFlows()
	rows := make([]session.StreamRow, len(flows))
	for i := range flows {
		rows[i] = session.FlowRowOf(&flows[i], i)
	}
	c.rows.SetFlows(rows)
	return c.rows.List()
}

// publish makes a new snapshot from the tracker and wakes the waiters.
func (c *Catalog) publish(tr *session.Tracker, src capture.Source, packets uint64, edit func(*CatalogSnapshot)) {
	start := time.Now()
	list := c.list(tr)
	read, info := src.BytesRead(), src.Info()
	c.mu.Lock()
	s := c.snap
	s.List, s.Packets, s.Read, s.Info = list, packets, read, info
	if edit != nil {
		edit(&s)
	}
	c.snap = s
	close(c.notify)
	c.notify = make(chan struct{})
	c.mu.Unlock()
	c.lastPub = time.Now()
	c.pubCost = c.lastPub.Sub(start)
}

// Snapshot returns what the catalog knows now.
func (c *Catalog) Snapshot() CatalogSnapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.snap
}

// Changed returns a channel closed at the next publication: at most every
// ~50 ms while reading, and once at the end.
func (c *Catalog) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.notify
}

// Wait blocks until reading has ended (Done in the snapshot) or ctx ends.
func (c *Catalog) Wait(ctx context.Context) error {
	select {
	case <-c.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops reading and waits for the reader goroutine to end.
func (c *Catalog) Close() error {
	c.cancel()
	<-c.done
	return nil
}

// OpenStream returns the events and frames of one TCP stream (kind
// session.KindSegment) or UDP flow (session.KindDatagram). For a file it
// re-reads the file and keeps that stream's events and frames only, so
// memory is bounded by the stream's size. For stdin, which cannot be
// re-read, it returns the whole live timeline and frame store: the caller
// selects the stream (ui.ScreenOptions.Stream), and the stream grows while
// reading goes on. Event.Stream keeps its index in the whole capture.
func (c *Catalog) OpenStream(kind session.EventKind, index int) (*session.Timeline, capture.FrameStore, error) {
	snap := c.Snapshot()
	if err := checkIndex(snap, kind, index); err != nil {
		return nil, nil, err
	}
	if c.live {
		return c.openLive(kind, index)
	}
	src, err := capture.OpenFile(c.path)
	if err != nil {
		return nil, nil, fmt.Errorf("re-reading %s to open %s %d: %w", c.path, kind, index, err)
	}
	defer src.Close()
	tl, store := session.NewTimeline(), capture.NewMemoryStore()
	var drop []session.StreamSummary
	opts := Options{
		Timeline: tl,
		Store:    store,
		Keep:     func(ev *session.Event) bool { return ev.Kind == kind && ev.Stream == index },
		Filter:   c.newFilter(),
		Tracker:  session.TrackerOptions{Finish: c.finish},
		// The summaries of finished streams are not needed here.
		tick: func(tr *session.Tracker, _ uint64) { drop = tr.TakeFinished(drop[:0]); clear(drop) },
	}
	if snap.Done && snap.Err == nil {
		opts.Limit = streamPackets(snap, kind, index)
	}
	if _, err := Run(c.ctx, src, opts); err != nil {
		return nil, nil, fmt.Errorf("opening %s %d: %w", kind, index, err)
	}
	return tl, store, nil
}

// checkIndex reports an index the catalog has not seen (yet).
func checkIndex(snap CatalogSnapshot, kind session.EventKind, index int) error {
	n, what := snap.List.Streams(), "TCP streams"
	if kind == session.KindDatagram {
		n, what = snap.List.Flows(), "UDP flows"
	}
	if index < 0 || index >= n {
		return fmt.Errorf("no %s %d in %s: it has %d %s so far", kind, index, snap.Info.Name, n, what)
	}
	return nil
}

// streamPackets is how many packets the stream or flow has in a file that
// was read to the end.
func streamPackets(snap CatalogSnapshot, kind session.EventKind, index int) uint64 {
	if kind == session.KindDatagram {
		return snap.List.Flow(index).Packets
	}
	return snap.List.Stream(index).Packets
}

// Progress is bytes read, the input size (-1 when unknown) and whether
// reading has ended.
func (c *Catalog) Progress() (read, total int64, done bool) {
	s := c.Snapshot()
	return s.Read, s.Total, s.Done
}

// Packets is the number of frames read so far.
func (c *Catalog) Packets() uint64 { return c.Snapshot().Packets }

// List returns the TCP streams and UDP flows seen so far (shared: do not
// modify its rows).
func (c *Catalog) List() session.StreamList { return c.Snapshot().List }

// Warnings returns the damage found so far and, once reading has stopped
// early, why.
func (c *Catalog) Warnings() []string {
	s := c.Snapshot()
	if s.Err == nil || errors.Is(s.Err, context.Canceled) {
		return s.Warnings
	}
	return append(slices.Clip(s.Warnings), s.Err.Error())
}
