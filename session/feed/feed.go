package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// Options says what Run records besides the tracker's state.
type Options struct {
	// Timeline receives the events (then Finish is called); nil records
	// none (analyze).
	Timeline *session.Timeline
	// Store keeps the frames for the detail and hex panes; nil keeps none.
	Store *capture.MemoryStore
	// Keep selects the events (and their frames) to record; nil keeps all.
	// Frames that decode to no event are kept only when Keep is nil.
	Keep func(ev *session.Event) bool
	// Save is called with every frame read (demo --write); nil saves none.
	// An error from Save stops the run.
	Save func(p *capture.RawPacket) error
	// Tracker tells the run's Tracker what the wire cannot show (e.g. a
	// port known to have no listener).
	Tracker session.TrackerOptions
	// StoreBudget, when above 0 with a bounded Timeline, bounds the bytes
	// of Store: past it the timeline sheds streams (their frames go with
	// them, TimelineBudget.Dropped) until a quarter is free. Frames that
	// decode to no event are then not stored. NewLive sets it up.
	StoreBudget int64
	// Limit stops the run once this many events were kept; 0 is no limit.
	// OpenStream uses it to stop re-reading a file after the last packet
	// of a stream whose size is known.
	Limit uint64

	// Filter, when set, drops the frames it rejects before they are
	// counted, decoded or tracked (--filter).
	Filter func(p *capture.RawPacket) bool

	// Finished, when set, is called with the summaries of the TCP streams
	// the Tracker finished (Tracker.TakeFinished, in index order; set
	// Tracker.Finish.Stream, so that their records are freed), and once
	// more after the input's end with every stream left: by Run from the
	// reading goroutine after each frame that finished some (so a caller
	// with a Timeline knows every event of them is below its Len), by
	// RunParallel from a writing goroutine of its own, one call at a time,
	// after each batch. The slice is reused after the call. An error
	// stops the run and is returned.
	Finished func([]session.StreamSummary) error
	// FinishedFlows is Finished for the UDP flows
	// (Tracker.TakeFinishedFlows), called after Finished; it needs
	// Finished set.
	FinishedFlows func([]session.UDPFlow) error

	// Calls, when set, merges the socket calls recorded there into the
	// Timeline by time (the live demo of an exchange). The source is then
	// read ahead in a goroutine of its own, so calls are published while
	// no packet comes.
	Calls *Calls

	// tick, when set, is called every tickEvery frames (default
	// defaultTickEvery) from the reading goroutine; the Catalog publishes
	// its snapshots from it.
	tick      func(tr *session.Tracker, packets uint64)
	tickEvery uint64
}

// Result is what a run found.
type Result struct {
	Tracker  *session.Tracker // holds the per-stream summaries and counts
	Packets  uint64           // frames read, decoded or not
	Warnings []string         // damage found in the input (frame number and byte offset) and per-frame header warnings
	// Malformed counts the frames whose headers could not be read (a
	// malformed IP or TCP header: no segment), as Wireshark counts them.
	Malformed uint64
	// HeaderWarnings counts every frame with a header warning, the
	// malformed ones and those cut to the bytes on the wire; Warnings
	// lists the first maxFrameWarnings of them.
	HeaderWarnings uint64
}

// maxFrameWarnings is how many per-frame header warnings a Result lists;
// the rest are counted in one last line, so that a capture full of bad
// frames does not become a report of warnings.
const maxFrameWarnings = 100

// defaultTickEvery is how many frames pass between two checks of ctx (and
// calls of the tick hook): rare enough to cost nothing, often enough to
// stop within a millisecond.
const defaultTickEvery = 4096

// Run reads src until io.EOF, damage (a warning in the Result, not an
// error), ctx cancellation or a source error, decoding each frame, tracking
// it and recording what opts ask for. It calls opts.Timeline.Finish before
// returning, whatever the outcome. The Result is valid on error too: it
// holds what was read before.
func Run(ctx context.Context, src capture.Source, opts Options) (Result, error) {
	return newRunner(opts).run(ctx, src)
}

func newRunner(opts Options) *runner {
	if opts.tickEvery == 0 {
		opts.tickEvery = defaultTickEvery
	}
	return &runner{opts: opts, tr: session.NewTrackerWith(opts.Tracker), dec: capture.NewDecoder()}
}

func (r *runner) run(ctx context.Context, src capture.Source) (Result, error) {
	if r.opts.Timeline != nil {
		defer r.opts.Timeline.Finish()
	}
	if r.opts.Calls != nil && r.opts.Timeline != nil {
		r.merge = newCallMerge(r.opts.Calls)
		p := newPump(ctx, src)
		p.wake = r.opts.Calls.wake
		p.idle = r.idleCalls
		defer p.stop()
		src = p
	}
	err := r.loop(ctx, src)
	if r.merge != nil {
		r.opts.Timeline.Append(r.tr, r.merge.take(r.tr, math.MaxInt64)...)
	}
	if r.opts.Finished != nil && !r.finishFailed {
		r.tr.FinishAll()
		if ferr := r.takeFinished(); err == nil {
			err = ferr
		}
	}
	return r.result(), err
}

// takeFinished passes the streams and flows the Tracker finished since the
// last call to Options.Finished and FinishedFlows.
func (r *runner) takeFinished() error {
	r.finished = r.tr.TakeFinished(r.finished[:0])
	if len(r.finished) > 0 {
		err := r.opts.Finished(r.finished)
		clear(r.finished) // the summaries' strings
		if err != nil {
			r.finishFailed = true
			return err
		}
	}
	if r.opts.FinishedFlows != nil {
		r.flows = r.tr.TakeFinishedFlows(r.flows[:0])
		if len(r.flows) > 0 {
			if err := r.opts.FinishedFlows(r.flows); err != nil {
				r.finishFailed = true
				return err
			}
		}
	}
	return nil
}

// result is the run's Result so far.
func (r *runner) result() Result {
	w := r.warnings
	if n := r.headerWarnings - min(r.headerWarnings, maxFrameWarnings); n > 0 {
		w = append(slices.Clip(w), fmt.Sprintf("%d more frames with header warnings (%d malformed in all) not listed", n, r.malformed))
	}
	for _, lt := range slices.Sorted(maps.Keys(r.undecoded)) {
		n, frames := r.undecoded[lt], "frames"
		if n == 1 {
			frames = "frame"
		}
		w = append(slices.Clip(w), fmt.Sprintf("link type %d (%s) is not decoded: %d %s skipped (handshake-viz reads Ethernet, Linux SLL/SLL2, Null/Loop and raw IP)",
			uint16(lt), capture.LinkTypeName(lt), n, frames))
	}
	return Result{Tracker: r.tr, Packets: r.packets, Warnings: w, Malformed: r.malformed, HeaderWarnings: r.headerWarnings}
}

// skipped counts a frame that yielded no segment: one of a link type
// nothing decodes is named in the Result's warnings.
func (r *runner) skipped(lt layers.LinkType) {
	if capture.LinkTypeDecoded(lt) {
		return
	}
	if r.undecoded == nil {
		r.undecoded = map[layers.LinkType]uint64{}
	}
	r.undecoded[lt]++
}

// note records a frame's decode warning.
func (r *runner) note(w capture.DecodeWarning) {
	r.headerWarnings++
	if w.Malformed() {
		r.malformed++
	}
	if r.headerWarnings <= maxFrameWarnings {
		r.warnings = append(r.warnings, w.String())
	}
}

// runner is the state of one Run.
type runner struct {
	opts     Options
	tr       *session.Tracker
	dec      *capture.Decoder
	pkt      capture.RawPacket // the frame being handled (a field: no allocation per frame)
	seg      capture.Segment
	kept     []session.Event // reused buffer of the events kept from one frame
	nKept    uint64
	packets  uint64
	warnings []string
	// headerWarnings and malformed count the frames with a decode warning
	// and those among them that yield no segment.
	headerWarnings, malformed uint64
	undecoded                 map[layers.LinkType]uint64 // frames of link types Decode does not read
	merge                     *callMerge                 // Options.Calls: the merge of socket calls
	finished                  []session.StreamSummary    // Options.Finished's reused buffer
	flows                     []session.UDPFlow          // Options.FinishedFlows' reused buffer
	finishFailed              bool                       // Finished returned an error: no more calls
	// shedAt is the store's size at which the next shed is asked for
	// (StoreBudget): the budget, or more when the last shed could not
	// free enough (everything held was protected).
	shedAt int64
}

// boundStore sheds streams from the timeline (and so frames from the
// store) when the store outgrew Options.StoreBudget.
func (r *runner) boundStore() {
	st, tl := r.opts.Store, r.opts.Timeline
	if r.shedAt == 0 {
		r.shedAt = r.opts.StoreBudget
	}
	if tl == nil || !tl.Bounded() || st.Bytes() <= r.shedAt {
		return
	}
	held := tl.Held()
	tl.Shed(held - held/4)
	// Ask again once it grew by a quarter of the budget, not at every
	// frame, when what is held could not go (pinned, not yet followed).
	r.shedAt = max(r.opts.StoreBudget, st.Bytes()+r.opts.StoreBudget/4)
	if st.Bytes() <= r.opts.StoreBudget*3/4 {
		r.shedAt = r.opts.StoreBudget
	}
}

// idleCalls publishes the calls that are due while no packet comes and
// says when to look again.
func (r *runner) idleCalls() time.Duration {
	due := time.Now().Add(-callHold).UnixNano()
	r.opts.Timeline.Append(r.tr, r.merge.take(r.tr, due)...)
	return r.merge.due()
}

func (r *runner) loop(ctx context.Context, src capture.Source) error {
	for {
		if r.packets%r.opts.tickEvery == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("reading %s stopped after %d packets: %w", src.Info().Name, r.packets, err)
			}
			if r.opts.tick != nil {
				r.opts.tick(r.tr, r.packets)
			}
		}
		var err error
		if r.pkt, err = src.Next(); err != nil {
			return r.end(src, err)
		}
		if r.opts.Filter != nil && !r.opts.Filter(&r.pkt) {
			continue
		}
		r.packets++
		if err := r.frame(&r.pkt); err != nil {
			return err
		}
		if r.opts.Finished != nil {
			if err := r.takeFinished(); err != nil {
				return err
			}
		}
		if r.opts.Limit > 0 && r.nKept >= r.opts.Limit {
			return nil
		}
	}
}

// end turns the error that ended the input into the run's outcome.
func (r *runner) end(src capture.Source, err error) error {
	if errors.Is(err, io.EOF) {
		return nil
	}
	var damage *capture.DamageError
	if errors.As(err, &damage) {
		r.warnings = append(r.warnings, damage.Error())
		return nil
	}
	return fmt.Errorf("reading %s after %d packets: %w (is the file complete and readable?)", src.Info().Name, r.packets, err)
}

// frame handles one frame: save, decode, track, record.
func (r *runner) frame(p *capture.RawPacket) error {
	if r.opts.Save != nil {
		if err := r.opts.Save(p); err != nil {
			return fmt.Errorf("saving frame %d: %w", p.Frame, err)
		}
	}
	res := r.dec.Decode(p, &r.seg)
	if res.Warning.Kind != capture.WarnNone {
		r.note(res.Warning)
	}
	if !res.OK {
		r.skipped(p.LinkType)
		if r.opts.Store != nil && r.opts.Keep == nil && r.opts.StoreBudget <= 0 {
			r.opts.Store.Add(p)
		}
		return nil
	}
	evs := r.tr.Observe(&r.seg)
	if r.opts.Timeline == nil && r.opts.Store == nil && r.opts.Limit == 0 {
		return nil
	}
	if r.opts.Keep != nil {
		r.kept = r.kept[:0]
		for i := range evs {
			if r.opts.Keep(&evs[i]) {
				r.kept = append(r.kept, evs[i])
			}
		}
		evs = r.kept
		if len(evs) == 0 {
			return nil
		}
	}
	r.nKept += uint64(len(evs))
	if r.opts.Store != nil {
		r.opts.Store.Add(p)
		if r.opts.StoreBudget > 0 {
			r.boundStore()
		}
	}
	if r.opts.Timeline != nil {
		if m := r.merge; m != nil {
			for i := range evs {
				m.register(r.tr, &evs[i])
			}
			r.opts.Timeline.Append(r.tr, m.take(r.tr, r.seg.TimeNS)...)
			for i := range evs {
				m.saw(&evs[i])
			}
		}
		r.opts.Timeline.Append(r.tr, evs...)
	}
	return nil
}
