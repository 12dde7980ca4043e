package session

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/synth"
)

// synthSegments decodes a synthetic capture (interleaved connections,
// all lingering in the tracker: the capture lasts less than two minutes).
func synthSegments(tb testing.TB, connections int) []capture.Segment {
	return synthSegmentsOf(tb, synth.Config{Connections: connections, Seed: 3})
}

// synthSegmentsOf decodes the synthetic capture of cfg.
func synthSegmentsOf(tb testing.TB, cfg synth.Config) []capture.Segment {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := synth.Write(&buf, cfg); err != nil {
		tb.Fatal(err)
	}
	src, err := capture.OpenReader("synth.pcap", &buf, int64(buf.Len()))
	if err != nil {
		tb.Fatal(err)
	}
	dec := capture.NewDecoder()
	var segs []capture.Segment
	for {
		p, err := src.Next()
		if errors.Is(err, io.EOF) {
			return segs
		}
		if err != nil {
			tb.Fatal(err)
		}
		var s capture.Segment
		if dec.Decode(&p, &s).OK {
			segs = append(segs, s)
		}
	}
}

// BenchmarkTrackerTrackSynthetic is the tracker's share of analyze: 20,000
// interleaved connections through Track (no events).
func BenchmarkTrackerTrackSynthetic(b *testing.B) {
	segs := synthSegments(b, 20_000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		tr := NewTracker()
		for i := range segs {
			tr.Track(&segs[i])
		}
	}
	b.ReportMetric(float64(b.N*len(segs))/b.Elapsed().Seconds(), "packets/s")
}

// BenchmarkTrackerAnalyzeShortConnections is the tracking goroutine of
// `analyze --json` on the tcptrace comparison's capture (11-packet
// connections, all lingering until --max-conns cuts them): Track, then
// TakeFinished every 4096 segments, with analyze's default limits. It is
// the pipeline's bottleneck; ns/op is per connection.
func BenchmarkTrackerAnalyzeShortConnections(b *testing.B) {
	const conns = 100_000
	segs := synthSegmentsOf(b, synth.Config{Connections: conns, Exchanges: 1, RequestLen: 10, ResponseLen: 10, Seed: 3})
	opts := FinishOptions{Stream: true, Idle: DefaultIdle, SYNIdle: DefaultSYNIdle, MaxConns: DefaultMaxConns}
	var taken []StreamSummary
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		tr := NewTrackerWith(TrackerOptions{Finish: opts})
		n := 0
		for i := range segs {
			tr.Track(&segs[i])
			if i%4096 == 4095 {
				taken = tr.TakeFinished(taken[:0])
				n += len(taken)
			}
		}
		tr.FinishAll()
		n += len(tr.TakeFinished(taken[:0]))
		if n != conns {
			b.Fatalf("%d streams finished, want %d", n, conns)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*conns), "ns/conn")
}

func TestClosedQueueIsFIFOAcrossChunks(t *testing.T) {
	var q closedQueue
	next, want := 0, 0
	for round := range 5 {
		for range closedChunk + 300*round {
			q.push(closedEntry{atNS: int64(next)})
			next++
		}
		for range closedChunk/2 + 400*round {
			e := q.front()
			if e == nil {
				t.Fatalf("queue empty after %d pops, %d pushed", want, next)
			}
			if e.atNS != int64(want) {
				t.Fatalf("pop %d gave entry %d", want, e.atNS)
			}
			q.pop()
			want++
		}
	}
	for e := q.front(); e != nil; e = q.front() {
		if e.atNS != int64(want) {
			t.Fatalf("pop %d gave entry %d", want, e.atNS)
		}
		q.pop()
		want++
	}
	if want != next {
		t.Fatalf("popped %d entries, pushed %d", want, next)
	}
}

// BenchmarkTrackerAnalyzeTsharkCapture is the tracking goroutine of
// `analyze --json` on the tshark comparison's capture A (synthcap's
// defaults, 60,000 connections of 19 packets): Track, then the finished
// streams taken every 4096 segments, with analyze's default limits. ns/pkt
// is what the pipeline's bottleneck spends per packet.
func BenchmarkTrackerAnalyzeTsharkCapture(b *testing.B) {
	const conns = 60_000
	segs := synthSegmentsOf(b, synth.Config{Connections: conns, Seed: 1})
	opts := FinishOptions{Stream: true, Idle: DefaultIdle, SYNIdle: DefaultSYNIdle, MaxConns: DefaultMaxConns}
	var fs FinishedStreams
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		tr := NewTrackerWith(TrackerOptions{Finish: opts})
		n := 0
		for i := range segs {
			tr.Track(&segs[i])
			if i%4096 == 4095 {
				tr.TakeFinishedStreams(&fs)
				n += fs.Len()
			}
		}
		tr.FinishAll()
		tr.TakeFinishedStreams(&fs)
		if n += fs.Len(); n != conns {
			b.Fatalf("%d streams finished, want %d", n, conns)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(segs)), "ns/pkt")
}
