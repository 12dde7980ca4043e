package watch

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/session/procs"
)

// DefaultRefresh is how often the processes of the connections that are
// still open are looked up again when Options.Refresh is 0.
const DefaultRefresh = 2 * time.Second

// Options say what a Watch does besides keeping its model.
type Options struct {
	// Events, when set, is called with every event of the capture, in
	// order, with its stream or flow and what is known of its TCP stream
	// (zero for UDP). An error stops the Watch (Wait returns it).
	Events func(ev *session.Event, info session.StreamInfo, c session.LiveConn) error
	// Process, when set, is called when a stream's process becomes known
	// or changes after its first event.
	Process func(stream int, c session.LiveConn) error
	// Summary, when set, is called with each TCP stream's summary once
	// the capture's tracker has finished it (closed, idle, or at the end
	// of the capture), after every event of it was handed to Events, in
	// index order.
	Summary func(s session.StreamSummary, c session.LiveConn) error
	// Refresh is how often the processes of open connections are looked
	// up again; 0 is DefaultRefresh.
	Refresh time.Duration
	// NoProcesses turns the process lookup off.
	NoProcesses bool

	listRows int // the list's final rows kept (feed.EndlessOptions.Keep); tests lower it
}

// Watch follows a live capture. It is a ui.BrowserSource (cmd wires it).
type Watch struct {
	*feed.Catalog
	opts  Options
	tl    *session.Timeline
	table *procs.Table
	done  chan struct{}

	finished feed.SummaryQueue // summaries handed over by the catalog, not yet written

	mu     sync.Mutex
	conns  session.LiveConns
	notify chan struct{}
	err    error
}

// Start starts reading src (which the Watch closes when reading ends) and
// following what it shows. Cancel ctx or call Close to stop.
func Start(ctx context.Context, src capture.Source, opts Options) *Watch {
	if opts.Refresh <= 0 {
		opts.Refresh = DefaultRefresh
	}
	w := &Watch{
		opts:   opts,
		done:   make(chan struct{}),
		notify: make(chan struct{}),
	}
	// A capture may run for ever: the catalog finishes streams and keeps
	// the newest rows, and the Watch follows the streams it lists.
	w.Catalog = feed.StartEndlessWith(ctx, src, feed.EndlessOptions{Finished: w.queueFinished, Keep: opts.listRows})
	w.tl = w.Catalog.Timeline()
	if !opts.NoProcesses {
		w.table = procs.New()
	}
	go w.follow(ctx)
	return w
}

// Changed returns a channel closed at the next change of the list, the
// states or the processes.
func (w *Watch) Changed() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.notify
}

// Conns returns what is known now of the TCP streams followed, by index
// (a copy): the streams the list still holds, and those whose summary is
// not written yet.
func (w *Watch) Conns() session.LiveConns {
	w.mu.Lock()
	defer w.mu.Unlock()
	return session.LiveConns{First: w.conns.First, Conns: slices.Clone(w.conns.Conns)}
}

// queueFinished is the catalog's hand-over of finished streams (its
// reading goroutine): kept for the follower when summaries are wanted.
func (w *Watch) queueFinished(ss []session.StreamSummary, mark int) {
	if w.opts.Summary != nil {
		w.finished.Add(ss, mark)
	}
}

// Wait blocks until every event of the capture was handed to
// Options.Events (the capture ended: a count, a Close, ctx) and returns
// why following stopped early, if it did.
func (w *Watch) Wait() error {
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close stops the capture and waits for the Watch to end.
func (w *Watch) Close() error {
	err := w.Catalog.Close()
	<-w.done
	return err
}

// follow is the Watch's goroutine.
func (w *Watch) follow(ctx context.Context) {
	defer close(w.done)
	if w.table != nil {
		defer w.table.Close()
	}
	f := follower{w: w, refresh: time.NewTicker(w.opts.Refresh)}
	defer f.refresh.Stop()
	err := f.run(ctx)
	if err != nil {
		w.Catalog.Close() // stop reading: nobody follows any more
	}
	// The catalog publishes its end after finishing the timeline: wait
	// for it, so that the last change a waiter sees shows the end. It
	// finishes the streams still open last: write their summaries.
	w.Catalog.Wait(context.Background())
	if err == nil {
		err = w.finished.WriteDue(-1, f.writeSummary)
	}
	w.mu.Lock()
	w.err = err
	w.mu.Unlock()
	w.publish(session.LiveConns{})
}

// follower is the state of the goroutine that follows the timeline.
type follower struct {
	w *Watch
	// The streams followed, from index first: the goroutine's own copy
	// of what it knows of each, and each one's ends.
	first   int
	conns   []session.LiveConn
	ends    []procs.Conn
	refresh *time.Ticker
}

// seen is the number of TCP streams seen: first + len(conns).
func (f *follower) seen() int { return f.first + len(f.conns) }

// conn returns stream i's, nil when it is no longer followed.
func (f *follower) conn(i int) *session.LiveConn {
	if i < f.first || i >= f.seen() {
		return nil
	}
	return &f.conns[i-f.first]
}

// live is what the follower knows, for publishing.
func (f *follower) live() session.LiveConns {
	return session.LiveConns{First: f.first, Conns: f.conns}
}

// followChunk is how many streams the follower lets go at a time.
const followChunk = 1024

// trim stops following the streams the catalog's list no longer holds and
// whose summary is written: a capture that runs for ever keeps as many
// as the list does.
func (f *follower) trim() {
	list := f.w.Catalog.List()
	upTo := list.First()
	if u := f.w.finished.Oldest(); u >= 0 {
		upTo = min(upTo, u)
	}
	upTo = min(upTo, f.seen())
	if upTo-f.first < followChunk {
		return
	}
	n := upTo - f.first
	f.conns = slices.Delete(f.conns, 0, n)
	f.ends = slices.Delete(f.ends, 0, n)
	f.first = upTo
}

// writeSummary hands s to Options.Summary with what is known of its
// stream.
func (f *follower) writeSummary(s session.StreamSummary) error {
	var c session.LiveConn
	if lc := f.conn(s.Index); lc != nil {
		c = *lc
	}
	return f.w.opts.Summary(s, c)
}

func (f *follower) run(ctx context.Context) error {
	ctxDone := ctx.Done()
	// A Reader: the live timeline's budget drops nothing not handed over
	// yet (a slow --json consumer holds memory, it loses no line).
	rd := f.w.tl.NewReader()
	defer rd.Close()
	for {
		tlChanged := f.w.tl.Changed()
		catChanged := f.w.Catalog.Changed()
		if err := f.handle(rd.Read()); err != nil {
			return err
		}
		if err := f.w.finished.WriteDue(rd.Next(), f.writeSummary); err != nil {
			return err
		}
		f.trim()
		if f.w.tl.Done() && rd.Next() >= f.w.tl.Len() {
			return nil
		}
		select {
		case <-tlChanged:
		case <-catChanged:
			f.w.publish(f.live())
		case <-f.refresh.C:
			if err := f.refreshProcesses(); err != nil {
				return err
			}
			f.w.publish(f.live())
		case <-ctxDone:
			// The catalog stops too and finishes the timeline: hand
			// over what it read until then.
			ctxDone = nil
		}
	}
}

// handle looks up the processes of the new streams of evs, hands the
// events over and publishes.
func (f *follower) handle(evs []session.Event) error {
	if len(evs) == 0 {
		return nil
	}
	first := f.seen()
	for i := range evs {
		ev := &evs[i]
		if ev.Kind != session.KindSegment {
			continue
		}
		for ev.Stream >= f.seen() {
			info := f.w.tl.StreamInfo(session.KindSegment, f.seen())
			f.conns = append(f.conns, session.LiveConn{})
			f.ends = append(f.ends, procs.Conn{A: info.Client, B: info.Server})
		}
	}
	if f.seen() > first {
		f.lookup(makeRange(first, f.seen()))
	}
	for i := range evs {
		ev := &evs[i]
		var c session.LiveConn
		if ev.Kind == session.KindSegment {
			if lc := f.conn(ev.Stream); lc != nil {
				lc.Client, lc.Server = ev.Client, ev.Server
				c = *lc
			}
		}
		if f.w.opts.Events != nil {
			if err := f.w.opts.Events(ev, f.w.tl.StreamInfo(ev.Kind, ev.Stream), c); err != nil {
				return err
			}
		}
	}
	f.w.publish(f.live())
	return nil
}

func makeRange(from, to int) []int {
	out := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// lookup finds the processes of the streams idx and reports changes of
// streams that had one already. It returns those that changed.
func (f *follower) lookup(idx []int) []int {
	if f.w.table == nil || len(idx) == 0 {
		return nil
	}
	q := make([]procs.Conn, len(idx))
	for i, s := range idx {
		q[i] = f.ends[s-f.first]
	}
	found := f.w.table.Lookup(q)
	var changed []int
	for i, s := range idx {
		p := found[i]
		if !p.Process.Known() {
			continue // gone: keep the last known owner
		}
		lc := f.conn(s)
		if lc.PID != p.Process.PID || lc.Process != p.Process.Name || lc.ServerSide == p.LocalA {
			lc.PID, lc.Process, lc.ServerSide = p.Process.PID, p.Process.Name, !p.LocalA
			changed = append(changed, s)
		}
	}
	return changed
}

// refreshProcesses looks up again the processes of the streams whose ends
// are not both closed, and reports those that changed.
func (f *follower) refreshProcesses() error {
	var open []int
	for i, c := range f.conns {
		if !closed(c.Client) || !closed(c.Server) {
			open = append(open, f.first+i)
		}
	}
	for _, s := range f.lookup(open) {
		if f.w.opts.Process != nil {
			if err := f.w.opts.Process(s, *f.conn(s)); err != nil {
				return err
			}
		}
	}
	return nil
}

// closed reports whether an end is done with the connection.
func closed(s session.State) bool {
	return s == session.Closed || s == session.TimeWait
}

// publish copies the goroutine's conns (none: keep the last) and wakes
// the waiters.
func (w *Watch) publish(conns session.LiveConns) {
	w.mu.Lock()
	if conns.Len() > 0 {
		w.conns = session.LiveConns{First: conns.First, Conns: slices.Clone(conns.Conns)}
	}
	close(w.notify)
	w.notify = make(chan struct{})
	w.mu.Unlock()
}
