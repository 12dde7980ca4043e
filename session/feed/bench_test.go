package feed

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// memSource replays frames held in memory n times over, renumbering them,
// so that the pipeline is measured without file I/O.
type memSource struct {
	frames []capture.RawPacket
	total  int // frames to hand out
	next   int
}

func loadFrames(tb testing.TB, name string) []capture.RawPacket {
	tb.Helper()
	src := openCorpus(tb, name)
	var out []capture.RawPacket
	for {
		p, err := src.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			tb.Fatal(err)
		}
		p.Data = append([]byte(nil), p.Data...)
		out = append(out, p)
	}
}

func (m *memSource) Next() (capture.RawPacket, error) {
	if m.next >= m.total {
		return capture.RawPacket{}, io.EOF
	}
	p := m.frames[m.next%len(m.frames)]
	m.next++
	p.Frame = uint64(m.next)
	return p, nil
}

func (m *memSource) Info() capture.SourceInfo {
	return capture.SourceInfo{Name: "memory", Format: "pcap", Size: -1}
}
func (m *memSource) BytesRead() int64 { return 0 }
func (m *memSource) Close() error     { return nil }

const benchFile = "zeek/ftp_bruteforce.pcap"

func TestRunWithoutTimelineAllocatesNothingPerPacket(t *testing.T) {
	frames := loadFrames(t, benchFile)
	allocs := func(reps int) float64 {
		return testing.AllocsPerRun(3, func() {
			src := &memSource{frames: frames, total: reps * len(frames)}
			if _, err := Run(context.Background(), src, Options{}); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, big := allocs(2), allocs(40)
	extra := 38 * len(frames)
	// The tracker may grow its stream list (amortised, a few allocations
	// per doubling); anything per packet would show as >= 1 per packet.
	if perPacket := (big - small) / float64(extra); perPacket > 0.02 {
		t.Errorf("%.0f allocations for 2 passes, %.0f for 40: %.3f per extra packet", small, big, perPacket)
	}
}

// BenchmarkRun measures the analyze pipeline (decode + track, no timeline)
// over a corpus file repeated in memory; packets/s is the figure to watch.
func BenchmarkRun(b *testing.B) {
	frames := loadFrames(b, benchFile)
	const reps = 200
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		src := &memSource{frames: frames, total: reps * len(frames)}
		if _, err := Run(context.Background(), src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*reps*len(frames))/b.Elapsed().Seconds(), "packets/s")
}

// BenchmarkRunTimeline is the replay pipeline: every event recorded in a
// timeline and every frame in a store.
func BenchmarkRunTimeline(b *testing.B) {
	frames := loadFrames(b, benchFile)
	const reps = 20
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		src := &memSource{frames: frames, total: reps * len(frames)}
		opts := Options{Timeline: session.NewTimeline(), Store: capture.NewMemoryStore()}
		if _, err := Run(context.Background(), src, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*reps*len(frames))/b.Elapsed().Seconds(), "packets/s")
}
