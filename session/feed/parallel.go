package feed

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// Sizes of the two-goroutine pipeline of RunParallel: a batch holds this
// many segments (1 MiB), and this many batches circulate between the
// reader and the tracker.
//
// The reader decodes into a staging batch of its own and copies it whole
// into a batch of the ring. A copy of 1 MiB or more is where Go's memmove
// on amd64 switches to non-temporal stores, which write to memory without
// first fetching each cache line. Decoding straight into the ring did
// fetch them: every line of a reused batch was last read by the tracker
// on the other CPU, so each store waited for that CPU's cache to give the
// line up. On the 2-vCPU development VM that stall was the reader's
// largest cost (a sixth of analyze's CPU samples on one store, perf), and
// the copy took capture A's median from 0.202 to 0.173 s, 21 alternated
// runs against 8,192-segment batches without the copy (README,
// Performance).
const (
	batchSegments = 8192
	batchCount    = 4
)

// nonTemporalCopy is the size from which memmove uses non-temporal stores
// on amd64 (runtime/memmove_amd64.s); a batch must be at least as large.
const nonTemporalCopy = 1 << 20

// batch is a reusable buffer of decoded segments handed from the reader to
// the tracker.
type batch struct {
	segs []capture.Segment
	n    int
}

// RunParallel is Run for analyze (no Timeline, Store, Keep, Save, Limit):
// the calling goroutine reads and decodes frames into batches of segments
// and a second goroutine tracks them, so that the two halves share the
// work of two CPUs. The Tracker sees the same segments in the same order as
// under Run and ends in the same state; it records no events (it calls
// Tracker.Track). With any recording option set it simply calls Run.
// Batches are reused through a pair of channels: nothing is allocated per
// packet or per batch.
func RunParallel(ctx context.Context, src capture.Source, opts Options) (Result, error) {
	if opts.Timeline != nil || opts.Store != nil || opts.Keep != nil || opts.Save != nil || opts.Limit != 0 || opts.tick != nil {
		return Run(ctx, src, opts)
	}
	r := newRunner(opts)
	full := make(chan *batch, batchCount)
	empty := make(chan *batch, batchCount)
	for range batchCount {
		empty <- &batch{segs: make([]capture.Segment, batchSegments)}
	}
	done := make(chan struct{})
	// The tracking goroutine touches nothing of r but the Tracker, which
	// it holds in a local: the reader writes r's other fields all the time,
	// and sharing their cache line would stall both CPUs.
	tr := r.tr
	w := startWriter(opts.Finished, opts.FinishedFlows)
	go func() {
		defer close(done)
		for b := range full {
			if !w.failed.Load() {
				for i := range b.segs[:b.n] {
					tr.Track(&b.segs[i])
				}
				w.take(tr)
			}
			b.n = 0
			empty <- b
		}
		if w.finished != nil && !w.failed.Load() {
			// The streams still held, a slice at a time: the writer
			// formats each while the next is finished.
			for tr.FinishSome(finishSlice) && !w.failed.Load() {
				w.take(tr)
			}
			w.take(tr)
		}
		w.close()
	}()
	err := r.readBatches(ctx, src, full, empty)
	close(full)
	<-done
	if err == nil {
		err = w.err
	}
	return r.result(), err
}

// readBatches is the reader half of RunParallel: it reads and decodes
// frames into batches from empty and sends them on full.
func (r *runner) readBatches(ctx context.Context, src capture.Source, full, empty chan *batch) error {
	b := <-empty
	stage := make([]capture.Segment, batchSegments) // see batchSegments
	defer func() {
		if b.n > 0 {
			copy(b.segs[:b.n], stage)
			full <- b
		}
	}()
	dec, every, filter := r.dec, r.opts.tickEvery, r.opts.Filter
	p := &r.pkt // a field: &p of a local would escape through filter
	pr, _ := src.(capture.PacketReader)
	for {
		if r.packets%every == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("reading %s stopped after %d packets: %w", src.Info().Name, r.packets, err)
			}
		}
		var err error
		if pr != nil {
			err = pr.ReadPacket(p)
		} else {
			*p, err = src.Next()
		}
		if err != nil {
			return r.end(src, err)
		}
		if filter != nil && !filter(p) {
			continue
		}
		r.packets++
		res := dec.Decode(p, &stage[b.n])
		if res.Warning.Kind != capture.WarnNone {
			r.note(res.Warning)
		}
		if !res.OK {
			r.skipped(p.LinkType)
			continue
		}
		if b.n++; b.n == len(b.segs) {
			copy(b.segs, stage)
			full <- b
			b = <-empty
		}
	}
}

// finishSlice is how many streams RunParallel finishes at a time once the
// input has ended.
const finishSlice = 1024

// summaryBuffers is the number of summary slices circulating between the
// tracking goroutine and the writing one.
const summaryBuffers = 4

// writer is the third stage of RunParallel: a goroutine that makes the
// summaries of finished streams and hands them to Options.Finished (which
// formats them: JSON, a table row), so that the tracking goroutine, the
// pipeline's bottleneck, only tracks. On two CPUs the writer shares the
// reader's.
type writer struct {
	finished      func([]session.StreamSummary) error
	finishedFlows func([]session.UDPFlow) error // nil: UDP flows are not taken
	full          chan *finishedBatch
	empty         chan *finishedBatch
	done          chan struct{}
	failed        atomic.Bool // err is set: stop tracking
	err           error       // read once done is closed
}

// finishedBatch is what the tracking goroutine hands the writer at once:
// the streams and the UDP flows finished in one batch of segments.
type finishedBatch struct {
	streams session.FinishedStreams
	flows   []session.UDPFlow
}

// startWriter starts the writing goroutine of finished and finishedFlows
// (finished nil: none).
func startWriter(finished func([]session.StreamSummary) error, finishedFlows func([]session.UDPFlow) error) *writer {
	w := &writer{finished: finished, finishedFlows: finishedFlows, done: make(chan struct{})}
	if finished == nil {
		close(w.done)
		return w
	}
	w.full = make(chan *finishedBatch, summaryBuffers)
	w.empty = make(chan *finishedBatch, summaryBuffers)
	for range summaryBuffers {
		w.empty <- new(finishedBatch)
	}
	go func() {
		defer close(w.done)
		var ss []session.StreamSummary
		for fb := range w.full {
			if w.err == nil && fb.streams.Len() > 0 {
				ss = fb.streams.AppendSummaries(ss[:0])
				w.err = w.finished(ss)
				clear(ss) // the summaries' strings
			}
			if w.err == nil && len(fb.flows) > 0 {
				w.err = w.finishedFlows(fb.flows)
			}
			if w.err != nil {
				w.failed.Store(true)
			}
			w.empty <- fb
		}
	}()
	return w
}

// take passes the streams tr finished since the last call to the writer.
func (w *writer) take(tr *session.Tracker) {
	if w.finished == nil {
		return
	}
	fb := <-w.empty
	tr.TakeFinishedStreams(&fb.streams)
	if w.finishedFlows != nil {
		fb.flows = tr.TakeFinishedFlows(fb.flows[:0])
	}
	if fb.streams.Len() == 0 && len(fb.flows) == 0 {
		w.empty <- fb
		return
	}
	w.full <- fb
}

// close waits for the writer to write everything it was given.
func (w *writer) close() {
	if w.full != nil {
		close(w.full)
	}
	<-w.done
}
