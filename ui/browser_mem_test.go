package ui

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/capture/synth"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// BenchmarkBrowserListMemoryOf60000Streams measures what `open` holds for
// its list of the benchmark capture (60,000 connections, 1.14M packets):
// the catalog read to the end, the browser's model and table built and a
// frame drawn, then the Go heap they keep (list_B/row) and the resident
// memory of the whole test process (rss_MB, which includes the test
// binary and what other tests left):
//
//	go test ./ui -run XXX -bench BrowserListMemory -benchtime 1x
func BenchmarkBrowserListMemoryOf60000Streams(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.pcap")
	if _, err := synth.WriteFile(path, synth.Config{}); err != nil {
		b.Fatal(err)
	}
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		b.Fatal(err)
	}
	defer sim.Fini()
	sim.SetSize(120, 40)
	var perRow, rss float64
	b.ResetTimer()
	for range b.N {
		before := heapAlloc()
		cat, err := feed.OpenCatalog(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		if err := cat.Wait(context.Background()); err != nil {
			b.Fatal(err)
		}
		br := newBrowser(tview.NewApplication(), cat, BrowserOptions{Lang: narrate.English, Title: "bench"})
		list := cat.List()
		br.apply(buildRows(rowModel{}, list, narrate.English), browserStatus{done: true, streams: list.Streams()})
		br.pages.SetRect(0, 0, 120, 40)
		br.pages.Draw(sim)
		if n := len(br.table.view); n != synth.DefaultConnections {
			b.Fatalf("%d rows shown, want %d", n, synth.DefaultConnections)
		}
		perRow += float64(heapAlloc()-before) / float64(list.Len())
		rss += residentMB(b)
		runtime.KeepAlive(br)
		cat.Close()
	}
	b.ReportMetric(perRow/float64(b.N), "list_B/row")
	b.ReportMetric(rss/float64(b.N), "rss_MB")
}

// heapAlloc is the live Go heap after a collection.
func heapAlloc() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// residentMB is the process's resident memory (VmRSS), in MiB.
func residentMB(b *testing.B) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb / 1024
		}
	}
	b.Fatal("no VmRSS in /proc/self/status")
	return 0
}
