package feed

import (
	"context"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
)

// liveTickEvery is the tick interval on stdin: packets may trickle in
// (tcpdump -U), so check often.
const liveTickEvery = 64

// pumpDepth is how many frames the pump reads ahead.
const pumpDepth = 256

// pumped is one result of Source.Next, its Data copied.
type pumped struct {
	p    capture.RawPacket
	err  error
	read int64 // BytesRead after it
	info capture.SourceInfo
}

// pump reads a slow source (stdin) ahead in its own goroutine so that the
// reader goroutine can publish what it has while the next packet is slow to
// come: when no packet is waiting, Next calls idle until it returns 0 or a
// packet arrives. It copies every frame (stdin only; files do not need it).
type pump struct {
	src  capture.Source
	ctx  context.Context
	ch   chan pumped
	quit chan struct{}
	idle func() time.Duration // publish if due; else how long until due
	wake <-chan struct{}      // nil, or signalled when idle may have work (a call was recorded)
	read int64                // BytesRead as of the last frame returned
	info capture.SourceInfo   // Info as of the last frame returned
}

func newPump(ctx context.Context, src capture.Source) *pump {
	p := &pump{src: src, ctx: ctx, ch: make(chan pumped, pumpDepth), quit: make(chan struct{}), info: src.Info()}
	go p.fill()
	return p
}

// fill is the pump's goroutine; it ends at the first error or at stop.
func (p *pump) fill() {
	for {
		raw, err := p.src.Next()
		if err == nil {
			raw.Data = append([]byte(nil), raw.Data...)
		}
		select {
		case p.ch <- pumped{raw, err, p.src.BytesRead(), p.src.Info()}:
		case <-p.quit:
			return
		}
		if err != nil {
			return
		}
	}
}

// stop ends the pump's goroutine once the source's Next returns (the caller
// closes the source).
func (p *pump) stop() { close(p.quit) }

// Next returns the next frame read ahead, publishing while it waits.
func (p *pump) Next() (capture.RawPacket, error) {
	select {
	case x := <-p.ch:
		return p.take(x)
	default:
	}
	wait := p.idle()
	for {
		var timer *time.Timer
		var fired <-chan time.Time
		if wait > 0 {
			timer = time.NewTimer(wait)
			fired = timer.C
		}
		select {
		case x := <-p.ch:
			if timer != nil {
				timer.Stop()
			}
			return p.take(x)
		case <-p.ctx.Done():
			return capture.RawPacket{}, p.ctx.Err()
		case <-fired:
			wait = p.idle()
		case <-p.wake:
			if timer != nil {
				timer.Stop()
			}
			wait = p.idle()
		}
	}
}

func (p *pump) take(x pumped) (capture.RawPacket, error) {
	p.read, p.info = x.read, x.info
	return x.p, x.err
}

// Info describes the source as of the last frame returned (the source
// itself is busy in the pump's goroutine).
func (p *pump) Info() capture.SourceInfo { return p.info }

// BytesRead is how many bytes were read up to the last frame returned.
func (p *pump) BytesRead() int64 { return p.read }

// Close closes the source; a Next blocked in the pump's goroutine returns.
func (p *pump) Close() error { return p.src.Close() }
