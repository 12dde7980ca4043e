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
	// Refresh is how often the processes of open connections are looked
	// up again; 0 is DefaultRefresh.
	Refresh time.Duration
	// NoProcesses turns the process lookup off.
	NoProcesses bool
}

// Watch follows a live capture. It is a ui.BrowserSource (cmd wires it).
type Watch struct {
	*feed.Catalog
	opts  Options
	tl    *session.Timeline
	table *procs.Table
	done  chan struct{}

	mu     sync.Mutex
	conns  []session.LiveConn
	notify chan struct{}
	err    error
}

// Start starts reading src (which the Watch closes when reading ends) and
// following what it shows. Cancel ctx or call Close to stop.
func Start(ctx context.Context, src capture.Source, opts Options) *Watch {
	if opts.Refresh <= 0 {
		opts.Refresh = DefaultRefresh
	}
	cat := feed.StartLive(ctx, src)
	w := &Watch{
		Catalog: cat,
		opts:    opts,
		tl:      cat.Timeline(),
		done:    make(chan struct{}),
		notify:  make(chan struct{}),
	}
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

// Conns returns what is known now of each TCP stream, by index (a copy).
func (w *Watch) Conns() []session.LiveConn {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.conns)
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
	// for it, so that the last change a waiter sees shows the end.
	w.Catalog.Wait(context.Background())
	w.mu.Lock()
	w.err = err
	w.mu.Unlock()
	w.publish(nil)
}

// follower is the state of the goroutine that follows the timeline.
type follower struct {
	w       *Watch
	conns   []session.LiveConn // the goroutine's own copy
	ends    []procs.Conn       // each stream's ends
	refresh *time.Ticker
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
		if f.w.tl.Done() && rd.Next() >= f.w.tl.Len() {
			return nil
		}
		select {
		case <-tlChanged:
		case <-catChanged:
			f.w.publish(f.conns)
		case <-f.refresh.C:
			if err := f.refreshProcesses(); err != nil {
				return err
			}
			f.w.publish(f.conns)
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
	first := len(f.conns)
	for i := range evs {
		ev := &evs[i]
		if ev.Kind != session.KindSegment {
			continue
		}
		for ev.Stream >= len(f.conns) {
			info := f.w.tl.StreamInfo(session.KindSegment, len(f.conns))
			f.conns = append(f.conns, session.LiveConn{})
			f.ends = append(f.ends, procs.Conn{A: info.Client, B: info.Server})
		}
	}
	if len(f.conns) > first {
		f.lookup(makeRange(first, len(f.conns)))
	}
	for i := range evs {
		ev := &evs[i]
		var c session.LiveConn
		if ev.Kind == session.KindSegment {
			lc := &f.conns[ev.Stream]
			lc.Client, lc.Server = ev.Client, ev.Server
			c = *lc
		}
		if f.w.opts.Events != nil {
			if err := f.w.opts.Events(ev, f.w.tl.StreamInfo(ev.Kind, ev.Stream), c); err != nil {
				return err
			}
		}
	}
	f.w.publish(f.conns)
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
		q[i] = f.ends[s]
	}
	found := f.w.table.Lookup(q)
	var changed []int
	for i, s := range idx {
		p := found[i]
		if !p.Process.Known() {
			continue // gone: keep the last known owner
		}
		lc := &f.conns[s]
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
			open = append(open, i)
		}
	}
	for _, s := range f.lookup(open) {
		if f.w.opts.Process != nil {
			if err := f.w.opts.Process(s, f.conns[s]); err != nil {
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

// publish copies the goroutine's conns (nil: keep the last) and wakes the
// waiters.
func (w *Watch) publish(conns []session.LiveConn) {
	w.mu.Lock()
	if conns != nil {
		w.conns = slices.Clone(conns)
	}
	close(w.notify)
	w.notify = make(chan struct{})
	w.mu.Unlock()
}
