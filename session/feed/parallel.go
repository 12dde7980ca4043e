package feed

import (
	"context"
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// Sizes of the two-goroutine pipeline of RunParallel: a batch holds this
// many segments (about 500 KB), and this many batches circulate between
// the reader and the tracker.
const (
	batchSegments = 4096
	batchCount    = 4
)

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
	finished := opts.Finished
	var sinkErr error
	var taken []session.StreamSummary
	take := func() {
		if taken = tr.TakeFinished(taken[:0]); len(taken) > 0 && sinkErr == nil {
			sinkErr = finished(taken)
		}
	}
	go func() {
		defer close(done)
		for b := range full {
			if sinkErr == nil {
				for i := range b.segs[:b.n] {
					tr.Track(&b.segs[i])
				}
				if finished != nil {
					take()
				}
			}
			b.n = 0
			empty <- b
		}
		if finished != nil && sinkErr == nil {
			tr.FinishAll()
			take()
		}
	}()
	err := r.readBatches(ctx, src, full, empty)
	close(full)
	<-done
	if err == nil {
		err = sinkErr
	}
	return r.result(), err
}

// readBatches is the reader half of RunParallel: it reads and decodes
// frames into batches from empty and sends them on full.
func (r *runner) readBatches(ctx context.Context, src capture.Source, full, empty chan *batch) error {
	b := <-empty
	defer func() {
		if b.n > 0 {
			full <- b
		}
	}()
	dec, every, filter := r.dec, r.opts.tickEvery, r.opts.Filter
	p := &r.pkt // a field: &p of a local would escape through filter
	for {
		if r.packets%every == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("reading %s stopped after %d packets: %w", src.Info().Name, r.packets, err)
			}
		}
		var err error
		if *p, err = src.Next(); err != nil {
			return r.end(src, err)
		}
		if filter != nil && !filter(p) {
			continue
		}
		r.packets++
		res := dec.Decode(p, &b.segs[b.n])
		if res.Warning.Kind != capture.WarnNone {
			r.note(res.Warning)
		}
		if !res.OK {
			r.skipped(p.LinkType)
			continue
		}
		if b.n++; b.n == len(b.segs) {
			full <- b
			b = <-empty
		}
	}
}
