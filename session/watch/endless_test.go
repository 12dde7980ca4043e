package watch

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/synth"
	"github.com/handshake-viz/handshake-viz/session"
)

// A capture that runs on and on: the Watch hands every stream's summary
// over once, in index order, after every event of it, and follows only
// the streams the list still holds (or whose summary is not out yet), so
// what it keeps per stream stays within the list's rows however many
// streams came.
func TestWatchOfAnEndlessCaptureWritesEachSummaryAfterItsEventsAndFollowsOnlyTheListedStreams(t *testing.T) {
	// Bursts of connections 3 minutes apart: the tracker lets each burst
	// go (its 2-minute linger over) when the next begins, as a capture
	// that runs for hours would.
	const bursts, per, keep = 8, 1000, 1024
	const conns = bursts * per
	var pcap bytes.Buffer
	for b := range bursts {
		var one bytes.Buffer
		cfg := synth.Config{Connections: per, Concurrent: 8, Seed: int64(b + 1), Start: synth.DefaultStart.Add(time.Duration(b) * 3 * time.Minute)}
		if _, err := synth.Write(&one, cfg); err != nil {
			t.Fatal(err)
		}
		if b > 0 {
			one.Next(24) // the pcap file header: the records follow the first burst's
		}
		pcap.Write(one.Bytes())
	}
	src, err := capture.OpenReader("-", &pcap, -1)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	events := map[int]uint64{} // TCP events handed over, by stream
	var order []int            // the summaries' streams, in the order written
	var bad []string
	maxFollowed := 0
	var started atomic.Pointer[Watch] // the Watch, for the callbacks
	w := Start(context.Background(), src, Options{
		NoProcesses: true,
		listRows:    keep,
		Events: func(ev *session.Event, info session.StreamInfo, c session.LiveConn) error {
			mu.Lock()
			defer mu.Unlock()
			if ev.Kind == session.KindSegment {
				events[ev.Stream]++
				if c.Client != ev.Client || c.Server != ev.Server {
					bad = append(bad, "an event's LiveConn is not its stream's states")
				}
			}
			return nil
		},
		Summary: func(s session.StreamSummary, c session.LiveConn) error {
			mu.Lock()
			defer mu.Unlock()
			if events[s.Index] != s.Packets {
				bad = append(bad, "a summary came before its stream's last event")
			}
			if c.Client != session.TimeWait || c.Server != session.Closed {
				bad = append(bad, "a summary's LiveConn is not its stream's last states")
			}
			order = append(order, s.Index)
			delete(events, s.Index)
			if w := started.Load(); w != nil {
				maxFollowed = max(maxFollowed, len(w.Conns().Conns))
			}
			return nil
		},
	})
	started.Store(w)
	if err := w.Wait(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if len(bad) > 0 {
		t.Fatalf("%d faults, the first: %s", len(bad), bad[0])
	}
	if len(order) != conns {
		t.Fatalf("%d summaries, want %d", len(order), conns)
	}
	for i, s := range order {
		if s != i {
			t.Fatalf("summary %d is of stream %d, want index order", i, s)
		}
	}
	if len(events) != 0 {
		t.Errorf("%d streams had events but no summary", len(events))
	}
	cs := w.Conns()
	if cs.Len() != conns || cs.First == 0 {
		t.Errorf("followed streams %d…%d of %d, want the oldest let go", cs.First, cs.Len()-1, conns)
	}
	// The list keeps keep to keep+1024 final rows and the streams of the
	// burst under way; the follower lets go a chunk of 1024 at a time
	// behind it.
	t.Logf("%d summaries; at most %d streams followed at once, %d at the end", len(order), maxFollowed, len(cs.Conns))
	if limit := keep + 1024 + followChunk + per; maxFollowed > limit || len(cs.Conns) > limit {
		t.Errorf("followed at most %d streams, %d at the end; want at most %d", maxFollowed, len(cs.Conns), limit)
	}
}
