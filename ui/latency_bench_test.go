package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// BenchmarkCaptureToScreenLatency measures the demo's capture-to-screen
// latency on the screen's side: a running ladder screen follows a live
// timeline; packets arrive 60 ms apart (slower than a frame, as a demo's
// do); each is timed from Timeline.Append until a frame that shows it has
// been drawn. It reports the median and the maximum. (The capture side,
// kernel to Next, is measured in capture: 30-90 µs.)
//
//	go test ./ui -run XXX -bench CaptureToScreen -benchtime 20x
func BenchmarkCaptureToScreenLatency(b *testing.B) {
	var evs []session.Event
	for k := 0; len(evs) < b.N+1; k++ {
		evs = append(evs, laddertest.Events(k, uint64(len(evs)+1), laddertest.Exchange())...)
	}
	tl := session.NewTimeline()
	tl.Append(laddertest.Lookup{}, evs[0])
	sim := tcell.NewSimulationScreen("UTF-8")
	app := tview.NewApplication().SetScreen(sim)
	sim.SetSize(screenW, screenH)
	drawn := make(chan string, 1024)
	app.SetAfterDrawFunc(func(tcell.Screen) {
		select {
		case drawn <- screenLine(sim, 0):
		default:
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	opts := ScreenOptions{Title: "latency", Speed: 1000, Stream: -1}
	go func() { errc <- runLadder(ctx, app, tl, capture.NewMemoryStore(), opts) }()
	waitBanner := func(n int) {
		want := fmt.Sprintf("of %d ", n)
		for banner := range drawn {
			if strings.Contains(banner, want) {
				return
			}
		}
	}
	waitBanner(1)
	var lat []time.Duration
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		b.StopTimer()
		<-time.After(60 * time.Millisecond) // the next packet comes later
		for len(drawn) > 0 {
			<-drawn
		}
		b.StartTimer()
		start := time.Now()
		tl.Append(laddertest.Lookup{}, evs[i])
		waitBanner(i + 1)
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	cancel()
	<-errc
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "median_ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max_ms")
}
