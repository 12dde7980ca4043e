package report

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
)

// BenchmarkAnalyzeEndToEnd is `analyze --json` without the disk: an
// in-memory synthetic capture of 10,000 connections read, decoded, tracked
// and written as JSON; packets/s is the figure to watch.
func BenchmarkAnalyzeEndToEnd(b *testing.B) {
	data := synthCapture(b, 10_000)
	var packets uint64
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		src, err := capture.OpenReader("bench.pcap", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		rep, err := Analyze(context.Background(), src)
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteJSON(io.Discard, rep); err != nil {
			b.Fatal(err)
		}
		packets += rep.Packets
	}
	b.ReportMetric(float64(packets)/b.Elapsed().Seconds(), "packets/s")
}

// BenchmarkStreamedJSON is `analyze --json` as the command runs it (Run,
// the streaming writer, the default limits) on the same capture.
func BenchmarkStreamedJSON(b *testing.B) {
	data := synthCapture(b, 10_000)
	var packets uint64
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		src, err := capture.OpenReader("bench.pcap", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		t, err := Run(context.Background(), src, DefaultOptions(), NewJSONWriter(io.Discard))
		if err != nil {
			b.Fatal(err)
		}
		packets += t.Packets
	}
	b.ReportMetric(float64(packets)/b.Elapsed().Seconds(), "packets/s")
}
