package feed

import (
	"context"
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
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
	go func() {
		defer close(done)
		for b := range full {
			for i := range b.segs[:b.n] {
				tr.Track(&b.segs[i])
			}
			b.n = 0
			empty <- b
		}
	}()
	err := r.readBatches(ctx, src, full, empty)
	close(full)
	<-done
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
	dec, every := r.dec, r.opts.tickEvery
	for {
		if r.packets%every == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("reading %s stopped after %d packets: %w", src.Info().Name, r.packets, err)
			}
		}
		p, err := src.Next()
		if err != nil {
			return r.end(src, err)
		}
		r.packets++
		res := dec.Decode(&p, &b.segs[b.n])
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
