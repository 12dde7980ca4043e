package feed

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture/synth"
)

// BenchmarkCatalogOnTheSyntheticCapture measures what `open` promises on
// the benchmark capture (60,000 connections, 1.14M packets): how soon the
// first streams are listed and how soon the whole list is. It reports
// first_ms and done_ms; run it with
//
//	go test ./session/feed -run XXX -bench CatalogOnTheSynthetic -benchtime 3x
func BenchmarkCatalogOnTheSyntheticCapture(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.pcap")
	if _, err := synth.WriteFile(path, synth.Config{}); err != nil {
		b.Fatal(err)
	}
	var first, done time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		c, err := OpenCatalog(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		seen := false
		for {
			changed := c.Changed()
			snap := c.Snapshot()
			if !seen && snap.List.Streams() > 0 {
				seen = true
				first += time.Since(start)
			}
			if snap.Done {
				if snap.Err != nil || snap.List.Streams() != synth.DefaultConnections {
					b.Fatalf("done with %d streams, err %v", snap.List.Streams(), snap.Err)
				}
				done += time.Since(start)
				break
			}
			<-changed
		}
		c.Close()
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "first_ms")
	b.ReportMetric(float64(done.Milliseconds())/float64(b.N), "done_ms")
}
