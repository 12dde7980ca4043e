package report

import (
	"context"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/feed"
)

// Version is the version of the JSON report format.
const Version = 1

// Report is the `analyze --json` object for one capture (DESIGN.md).
type Report struct {
	Version    int                     `json:"version"`
	File       string                  `json:"file"`
	Format     string                  `json:"format"`
	LinkTypes  []string                `json:"link_types"`
	Packets    uint64                  `json:"packets"`
	TCPPackets uint64                  `json:"tcp_packets"`
	UDPPackets uint64                  `json:"udp_packets"`
	Warnings   []string                `json:"warnings"`
	Streams    []session.StreamSummary `json:"streams"`
	UDPFlows   []session.UDPFlow       `json:"udp_flows"`
}

// Analyze reads src to its end (or to the damage) and reports on it. Damage
// becomes a warning; the error is only for a source that fails outright or
// a cancelled context. It reads and decodes in the calling goroutine and
// tracks in a second one (feed.RunParallel).
func Analyze(ctx context.Context, src capture.Source) (Report, error) {
	res, err := feed.RunParallel(ctx, src, feed.Options{})
	if err != nil {
		return Report{}, err
	}
	return fromResult(src.Info(), res), nil
}

// fromResult builds the report of a finished run.
func fromResult(info capture.SourceInfo, res feed.Result) Report {
	_, tcp, udp := res.Tracker.Counts()
	r := Report{
		Version:    Version,
		File:       info.Name,
		Format:     info.Format,
		LinkTypes:  nonNil(info.LinkTypes),
		Packets:    res.Packets,
		TCPPackets: tcp,
		UDPPackets: udp,
		Warnings:   nonNil(res.Warnings),
		Streams:    summaries(res.Tracker),
		UDPFlows:   res.Tracker.UDPFlows(),
	}
	if r.Streams == nil {
		r.Streams = []session.StreamSummary{}
	}
	if r.UDPFlows == nil {
		r.UDPFlows = []session.UDPFlow{}
	}
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// parallelSummariesMin is the number of streams from which summaries are
// built by two goroutines: analyze waits for them between tracking and
// writing (60,000 streams take about 5 ms in one goroutine).
const parallelSummariesMin = 4096

// summaries is Tracker.Summaries, with the second half of a long stream
// list built by a second goroutine (the tracker only reads its records).
func summaries(tr *session.Tracker) []session.StreamSummary {
	n := tr.Streams()
	if n < parallelSummariesMin {
		return tr.Summaries()
	}
	out := make([]session.StreamSummary, n)
	fill := func(from, to int) {
		for i := from; i < to; i++ {
			out[i] = tr.Summary(i)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fill(n/2, n)
	}()
	fill(0, n/2)
	<-done
	return out
}
