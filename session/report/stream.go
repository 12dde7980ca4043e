package report

import (
	"context"
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/feed"
)

// Options of one streamed analysis (Run).
type Options struct {
	// Finish sets the idle timeouts and the limit on held streams;
	// Run sets Finish.Stream and Finish.UDPStream itself.
	Finish session.FinishOptions
	// Filter, when set, keeps only the frames it accepts (analyze
	// --filter); frames it drops are not counted.
	Filter func(p *capture.RawPacket) bool
}

// DefaultOptions are analyze's defaults: Zeek's inactivity timeout, a
// shorter one for SYN-only attempts, Zeek's UDP inactivity timeout, at
// most DefaultMaxConns streams (and as many UDP flows) held.
func DefaultOptions() Options {
	return Options{Finish: session.FinishOptions{
		Idle:     session.DefaultIdle,
		SYNIdle:  session.DefaultSYNIdle,
		MaxConns: session.DefaultMaxConns,
		UDPIdle:  session.DefaultUDPIdle,
	}}
}

// Totals is everything a report says besides its streams, known once the
// capture is read.
type Totals struct {
	File            string
	Format          string
	LinkTypes       []string
	Packets         uint64
	TCPPackets      uint64
	UDPPackets      uint64
	Streams         uint64 // TCP streams written
	Retransmissions uint64 // over all TCP streams
	Warnings        []string
	Flows           uint64 // UDP flows written
	Finished        session.FinishCounts
	Limits          session.FinishOptions
}

// Writer writes one capture's report as it is found: Begin once, Streams
// and Flows any number of times (TCP summaries, UDP flows, each in index
// order; the slice is reused after the call), End once. A Writer holds no
// more than a buffer (and, for UDP flows it writes at the end, a spool:
// udpspool.go).
type Writer interface {
	Begin(file, format string) error
	Streams(ss []session.StreamSummary) error
	Flows(fs []session.UDPFlow) error
	End(t *Totals) error
}

// Run reads src to its end (or to the damage) and writes its report to w
// as it goes: each stream as soon as it and every stream before it are
// finished, so memory follows the connections held, not the capture's
// length. The error is for a source that fails outright, a cancelled
// context or a failing writer.
func Run(ctx context.Context, src capture.Source, opts Options, w Writer) (Totals, error) {
	info := src.Info()
	if err := w.Begin(info.Name, info.Format); err != nil {
		return Totals{}, err
	}
	t := Totals{Limits: opts.Finish}
	fo := opts.Finish
	fo.Stream, fo.UDPStream = true, true
	res, err := feed.RunParallel(ctx, src, feed.Options{
		Tracker: session.TrackerOptions{Finish: fo},
		Filter:  opts.Filter,
		Finished: func(ss []session.StreamSummary) error {
			for i := range ss {
				t.Retransmissions += ss[i].Retransmissions
			}
			t.Streams += uint64(len(ss))
			return w.Streams(ss)
		},
		FinishedFlows: func(fs []session.UDPFlow) error {
			t.Flows += uint64(len(fs))
			return w.Flows(fs)
		},
	})
	if err != nil {
		return t, err
	}
	info = src.Info()
	_, tcp, udp := res.Tracker.Counts()
	t.File, t.Format, t.LinkTypes = info.Name, info.Format, nonNil(info.LinkTypes)
	t.Packets, t.TCPPackets, t.UDPPackets = res.Packets, tcp, udp
	t.Finished = res.Tracker.FinishCounts()
	t.Warnings = append(nonNil(res.Warnings), finishWarnings(opts.Finish, t.Finished)...)
	return t, w.End(&t)
}

// finishWarnings says which open connections were finished early, and why.
func finishWarnings(o session.FinishOptions, c session.FinishCounts) []string {
	var ws []string
	const later = "a later packet of one starts a new stream"
	if c.Idle > 0 {
		ws = append(ws, fmt.Sprintf("%s finished after %v without a packet (--idle); %s", conns(c.Idle), o.Idle, later))
	}
	if c.SYNIdle > 0 {
		ws = append(ws, fmt.Sprintf("%s of only SYNs finished after %v without a packet (--syn-idle); %s", conns(c.SYNIdle), o.SYNIdle, later))
	}
	if c.MaxConns > 0 {
		ws = append(ws, fmt.Sprintf("%s still open finished early, the oldest first, to hold at most %d (--max-conns); %s", conns(c.MaxConns), o.MaxConns, later))
	}
	return append(ws, udpFinishWarnings(o, c)...)
}

func conns(n uint64) string {
	if n == 1 {
		return "1 connection"
	}
	return fmt.Sprintf("%d connections", n)
}
