package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/synth"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/ui"
)

var (
	soakConnections = flag.Int("soak.connections", 200_000, "BenchmarkSoakOpenStdin: connections of the synthetic stream (19 packets each)")
	soakHeap        = flag.String("soak.heap", "", "BenchmarkSoakOpenStdin: write a heap profile to this file when the stream ends, before the catalog is closed")
)

// BenchmarkSoakOpenStdin is the soak of `open -` on an endless stream: a
// synthetic capture (synthcap's, -soak.connections connections) is piped
// through the same endless catalog as `open -` reads stdin with, while a
// ladder screen on a tcell simulation screen shows the newest stream
// (reopened at every tenth of the volume, as a person pressing Esc and
// Enter would). At every tenth it prints the resident memory, the events
// and frame bytes held, the streams dropped, and the UI's frame times:
// the draw time of each frame and how long an input event waited for the
// UI goroutine (a probe queued every 20 ms). Run it with
//
//	go test ./cmd/handshake-viz -run XXX -bench SoakOpenStdin -benchtime 1x -soak.connections 2000000
func BenchmarkSoakOpenStdin(b *testing.B) {
	for i := 0; i < b.N; i++ {
		soakOpen(b, *soakConnections)
	}
}

// frameTimes collects the UI's timings of one interval.
type frameTimes struct {
	mu     sync.Mutex
	draws  []time.Duration
	probes []time.Duration
}

func (f *frameTimes) take() (draws, probes []time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	draws, probes = f.draws, f.probes
	f.draws, f.probes = nil, nil
	return draws, probes
}

func soakOpen(b *testing.B, conns int) {
	r, w := io.Pipe()
	go func() { _, err := synth.Write(w, synth.Config{Connections: conns}); w.CloseWithError(err) }()
	src, err := capture.OpenReader("-", r, -1)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cat := feed.StartEndless(ctx, src)
	defer cat.Close()

	sim := tcell.NewSimulationScreen("UTF-8")
	app := tview.NewApplication().SetScreen(sim)
	sim.SetSize(120, 36)
	var ft frameTimes
	var drawStart time.Time
	app.SetBeforeDrawFunc(func(tcell.Screen) bool { drawStart = time.Now(); return false })
	app.SetAfterDrawFunc(func(tcell.Screen) {
		d := time.Since(drawStart)
		ft.mu.Lock()
		ft.draws = append(ft.draws, d)
		ft.mu.Unlock()
	})
	var scr *ui.LadderScreen
	open := func(index int) {
		tl, store, err := cat.OpenStream(session.KindSegment, index)
		if err != nil {
			return // dropped already: the list would say so
		}
		app.QueueUpdateDraw(func() {
			if scr != nil {
				scr.Stop()
			}
			scr = ui.NewLadderScreen(app, tl, store, ui.ScreenOptions{Title: "soak", Speed: 1000, Stream: index, Kind: session.KindSegment})
			app.SetRoot(scr.Primitive(), true)
			scr.Start()
		})
	}
	app.SetRoot(tview.NewBox(), true)
	appDone := make(chan error, 1)
	go func() { appDone <- app.Run() }()
	stopProbes := make(chan struct{})
	probesDone := make(chan struct{})
	go func() {
		defer close(probesDone)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopProbes:
				return
			case <-tick.C:
			}
			at := time.Now()
			app.QueueUpdate(func() {
				d := time.Since(at)
				ft.mu.Lock()
				ft.probes = append(ft.probes, d)
				ft.mu.Unlock()
			})
		}
	}()

	total := uint64(conns) * 19
	fmt.Printf("soak open -: %d connections (%d packets) piped through the live catalog; budget %d events, %d MiB of frames\n",
		conns, total, session.DefaultLiveEvents, feed.DefaultLiveFrameBytes>>20)
	fmt.Printf("%9s %9s %8s %8s %9s %9s %10s %10s %10s %10s\n", "packets", "streams", "RSS_MiB", "peak_MiB", "held_ev", "frame_MiB", "dropped", "draw_p50", "draw_max", "input_max")
	start := time.Now()
	var peak, first int64
	var worstDraw, worstProbe time.Duration
	next := uint64(1)
	for {
		changed := cat.Changed()
		snap := cat.Snapshot()
		if snap.Done || snap.Packets >= next*total/10 {
			tl := cat.Timeline()
			dropped, _ := tl.DroppedStreams()
			draws, probes := ft.take()
			slices.Sort(draws)
			slices.Sort(probes)
			rss, hwm := procRSS(b)
			peak = max(peak, hwm)
			if first == 0 {
				first = rss
			}
			p50, dmax, pmax := pct(draws, 50), pct(draws, 100), pct(probes, 100)
			worstDraw, worstProbe = max(worstDraw, dmax), max(worstProbe, pmax)
			fmt.Printf("%9d %9d %8.1f %8.1f %9d %9.1f %10d %10s %10s %10s\n", snap.Packets, snap.List.Streams(),
				float64(rss)/1024, float64(hwm)/1024, tl.Held(), float64(cat.FrameBytes())/(1<<20), dropped,
				p50.Round(time.Microsecond), dmax.Round(time.Microsecond), pmax.Round(time.Microsecond))
			if snap.Done {
				if snap.Err != nil {
					b.Fatal(snap.Err)
				}
				writeHeap(b, *soakHeap)
				break
			}
			next++
			if n := snap.List.Streams(); n > 0 {
				open(n - 1)
			}
		}
		<-changed
	}
	fmt.Printf("done in %s; RSS at the first tenth %.1f MiB, peak %.1f MiB; worst draw %s, worst input wait %s\n",
		time.Since(start).Round(time.Millisecond), float64(first)/1024, float64(peak)/1024, worstDraw, worstProbe)
	close(stopProbes)
	<-probesDone
	app.QueueUpdate(func() {
		if scr != nil {
			scr.Stop()
		}
	})
	app.Stop()
	<-appDone
	b.ReportMetric(float64(peak)/1024, "peak_rss_MiB")
	b.ReportMetric(float64(worstDraw.Microseconds())/1000, "max_draw_ms")
	b.ReportMetric(float64(worstProbe.Microseconds())/1000, "max_input_ms")
}

// writeHeap writes a heap profile of what is live now to path ("": none).
func writeHeap(b *testing.B, path string) {
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// pct is the p-th percentile of sorted d (0 when empty).
func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, len(d)*p/100)]
}

// procRSS is this process's resident and peak resident memory in KiB.
func procRSS(tb testing.TB) (rss, hwm int64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		tb.Skipf("no /proc/self/status (%v): the soak reads its memory there", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			hwm = n
		}
	}
	return rss, hwm
}
