package report

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session/feed"
)

// sequentialReport is the report of the one-goroutine pipeline (feed.Run,
// Tracker.Observe), the reference for Analyze's two-goroutine pipeline.
func sequentialReport(t *testing.T, open func() (capture.Source, error)) Report {
	t.Helper()
	src, err := open()
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	res, err := feed.Run(context.Background(), src, feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep := fromResult(src.Info(), res)
	if want := res.Tracker.Summaries(); want != nil {
		rep.Streams = want // the one-goroutine summaries
	}
	return rep
}

func checkSameReport(t *testing.T, name string, got, want Report) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	if len(got.Streams) != len(want.Streams) {
		t.Errorf("%s: parallel pipeline found %d streams, sequential %d", name, len(got.Streams), len(want.Streams))
		return
	}
	for i := range got.Streams {
		if got.Streams[i] != want.Streams[i] {
			t.Errorf("%s: stream %d: parallel %+v, sequential %+v", name, i, got.Streams[i], want.Streams[i])
			return
		}
	}
	t.Errorf("%s: parallel report differs from sequential:\n got  %+v\n want %+v", name, got, want)
}

func TestParallelPipelineGivesTheSequentialReportForEveryCorpusCapture(t *testing.T) {
	n := 0
	for _, path := range corpusFiles(t) {
		got, ok := analyzeFile(t, path)
		if !ok {
			continue
		}
		n++
		want := sequentialReport(t, func() (capture.Source, error) { return capture.OpenFile(path) })
		checkSameReport(t, path, got, want)
	}
	if n == 0 {
		t.Fatal("no capture of the corpus could be opened")
	}
}

func TestParallelPipelineGivesTheSequentialReportForSyntheticCapture(t *testing.T) {
	data := synthCapture(t, 2000)
	got := analyzeBytes(t, "synth.pcap", data)
	want := sequentialReport(t, func() (capture.Source, error) {
		return capture.OpenReader("synth.pcap", bytes.NewReader(data), int64(len(data)))
	})
	if got.Packets < 4*4096 {
		t.Fatalf("%d packets: too few to fill several batches", got.Packets)
	}
	checkSameReport(t, "synth.pcap", got, want)
}

func TestParallelPipelineKeepsDamageWarningAndPacketsBeforeIt(t *testing.T) {
	data := synthCapture(t, 300)
	cut := data[:len(data)-7] // the last record loses its tail
	got := analyzeBytes(t, "cut.pcap", cut)
	want := sequentialReport(t, func() (capture.Source, error) {
		return capture.OpenReader("cut.pcap", bytes.NewReader(cut), int64(len(cut)))
	})
	if len(got.Warnings) != 1 {
		t.Fatalf("warnings %q, want one for the cut record", got.Warnings)
	}
	checkSameReport(t, "cut.pcap", got, want)
}

func TestAnalyzeStopsWhenTheContextIsCancelled(t *testing.T) {
	data := synthCapture(t, 300)
	src, err := capture.OpenReader("synth.pcap", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, src); err == nil {
		t.Fatal("Analyze of a cancelled context returned no error")
	}
}

func TestSummariesOfALongStreamListAreTheTrackersInIndexOrder(t *testing.T) {
	data := synthCapture(t, parallelSummariesMin+500)
	src, err := capture.OpenReader("synth.pcap", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := feed.Run(context.Background(), src, feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, want := summaries(res.Tracker), res.Tracker.Summaries()
	if len(want) < parallelSummariesMin || len(got) != len(want) {
		t.Fatalf("%d summaries from two goroutines, %d from the tracker (want at least %d)", len(got), len(want), parallelSummariesMin)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("stream %d: two goroutines give %+v, the tracker %+v", i, got[i], want[i])
		}
	}
}
