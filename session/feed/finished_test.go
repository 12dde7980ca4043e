package feed

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// finishedRun is what Options.Finished and FinishedFlows were given.
type finishedRun struct {
	streams []session.StreamSummary
	flows   []session.UDPFlow
	calls   int
}

func runFinished(t *testing.T, run func(context.Context, capture.Source, Options) (Result, error), path string, finish session.FinishOptions) finishedRun {
	t.Helper()
	src, err := capture.OpenFile(path)
	if err != nil {
		t.Skipf("no frame to finish: the file header is refused (%v)", err)
	}
	defer src.Close()
	var got finishedRun
	finish.Stream, finish.UDPStream = true, true
	_, err = run(context.Background(), src, Options{
		Tracker: session.TrackerOptions{Finish: finish},
		Finished: func(ss []session.StreamSummary) error {
			got.streams = append(got.streams, ss...)
			got.calls++
			return nil
		},
		FinishedFlows: func(fs []session.UDPFlow) error {
			got.flows = append(got.flows, fs...)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// Run (one goroutine, a call after each frame that finished streams) and
// RunParallel (a writer goroutine, a call per batch) hand Finished the
// same streams and FinishedFlows the same flows, in index order, on every
// capture of the corpus, with analyze's limits (timeouts, --max-conns).
func TestRunAndRunParallelPassTheSameFinishedStreamsAndFlowsOnTheCorpus(t *testing.T) {
	dir := corpusDir(t)
	finish := session.FinishOptions{Idle: session.DefaultIdle, SYNIdle: session.DefaultSYNIdle, MaxConns: 64, UDPIdle: session.DefaultUDPIdle}
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".pcap") || strings.HasSuffix(path, ".pcapng")) {
			return err
		}
		n++
		name, _ := filepath.Rel(dir, path)
		t.Run(name, func(t *testing.T) {
			serial := runFinished(t, Run, path, finish)
			parallel := runFinished(t, RunParallel, path, finish)
			if len(serial.streams) != len(parallel.streams) || len(serial.flows) != len(parallel.flows) {
				t.Fatalf("Run finished %d streams and %d flows, RunParallel %d and %d", len(serial.streams), len(serial.flows), len(parallel.streams), len(parallel.flows))
			}
			for i := range serial.streams {
				if serial.streams[i].Index != i {
					t.Fatalf("Run's stream %d has index %d: not in index order", i, serial.streams[i].Index)
				}
				if !reflect.DeepEqual(serial.streams[i], parallel.streams[i]) {
					t.Fatalf("stream %d:\nRun         %+v\nRunParallel %+v", i, serial.streams[i], parallel.streams[i])
				}
			}
			if !reflect.DeepEqual(serial.flows, parallel.flows) {
				t.Errorf("UDP flows differ:\nRun         %+v\nRunParallel %+v", serial.flows, parallel.flows)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("walked %d captures of the corpus, want its 60", n)
	}
}

// Run stops at the first error Finished returns, returns it and calls
// Finished no more (not even for the streams left at the end).
func TestRunStopsAtTheFirstErrorOfFinished(t *testing.T) {
	src := openCorpus(t, "zeek/ftp_bruteforce.pcap")
	stop := errors.New("writer failed")
	calls := 0
	_, err := Run(context.Background(), src, Options{
		Tracker: session.TrackerOptions{Finish: session.FinishOptions{Stream: true}},
		Finished: func(ss []session.StreamSummary) error {
			calls++
			return stop
		},
	})
	if !errors.Is(err, stop) {
		t.Fatalf("Run returned %v, want Finished's error", err)
	}
	if calls != 1 {
		t.Errorf("Finished was called %d times, want 1 (no call after its error)", calls)
	}
}
