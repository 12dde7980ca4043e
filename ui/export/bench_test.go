package export

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/synth"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/feed"
)

// longStream is one synthetic connection of about 10,000 packets
// (2,500 request/response exchanges).
func longStream(b *testing.B) Input {
	var file bytes.Buffer
	if _, err := synth.Write(&file, synth.Config{Connections: 1, Concurrent: 1, Exchanges: 2500, Seed: 1, Start: time.Unix(1_700_000_000, 0)}); err != nil {
		b.Fatal(err)
	}
	src, err := capture.OpenReader("synth", bytes.NewReader(file.Bytes()), int64(file.Len()))
	if err != nil {
		b.Fatal(err)
	}
	tl := session.NewTimeline()
	res, err := feed.Run(context.Background(), src, feed.Options{Timeline: tl})
	if err != nil {
		b.Fatal(err)
	}
	return Input{Events: tl.Slice(0, tl.Len()), Info: tl.StreamInfo, Summaries: res.Tracker.Summaries()}
}

// BenchmarkExport10kPackets measures each format on a 10,000-packet
// stream (go test -bench Export -run XXX ./ui/export).
func BenchmarkExport10kPackets(b *testing.B) {
	in := longStream(b)
	for f := Format(0); f < formats; f++ {
		b.Run(f.String(), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := Write(io.Discard, f, in, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(in.Events)), "packets")
		})
	}
}
