package feed

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

func openCorpus(t testing.TB, name string) capture.Source {
	t.Helper()
	src, err := capture.OpenFile(filepath.Join(corpusDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

func TestRunReadsEveryFrameOfCorpusFiles(t *testing.T) {
	for _, name := range []string{
		"PcapPlusPlus/three_http_streams.pcap",
		"zeek/ftp_bruteforce.pcap",
		"tcpdump/of10_pf5240.pcap",
		"tcpdump/dns_udp.pcap",
	} {
		t.Run(name, func(t *testing.T) {
			res, err := Run(context.Background(), openCorpus(t, name), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if want := manifestPackets(t, name); res.Packets != want {
				t.Errorf("Packets = %d, MANIFEST.tsv says %d", res.Packets, want)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings on an intact file: %q", res.Warnings)
			}
			if got, want := len(res.Tracker.Summaries()), tsharkStreams(t, name); got != want {
				t.Errorf("%d TCP streams, tshark finds %d", got, want)
			}
		})
	}
}

func TestRunTurnsDamageIntoAWarningWithTheFrameNumber(t *testing.T) {
	const name = "derived/http_get-cut-short.pcap"
	tl := session.NewTimeline()
	res, err := Run(context.Background(), openCorpus(t, name), Options{Timeline: tl})
	if err != nil {
		t.Fatalf("damage must not be an error: %v", err)
	}
	whole := manifestPackets(t, name)
	if res.Packets != whole {
		t.Errorf("Packets = %d, want the %d whole packets before the cut", res.Packets, whole)
	}
	if len(res.Warnings) != 1 {
		t.Fatalf("warnings = %q, want one", res.Warnings)
	}
	if frame := "frame " + strconv.FormatUint(whole+1, 10) + ":"; !strings.HasPrefix(res.Warnings[0], frame) {
		t.Errorf("warning %q does not start with %q", res.Warnings[0], frame)
	}
	if !tl.Done() {
		t.Error("the timeline was not finished")
	}
	if tl.Len() != int(whole) {
		t.Errorf("timeline has %d events, want one per TCP packet (%d)", tl.Len(), whole)
	}
}

func TestRunKeepRecordsOneStreamsEventsAndFrames(t *testing.T) {
	const name = "PcapPlusPlus/three_http_streams.pcap"
	all := session.NewTimeline()
	if _, err := Run(context.Background(), openCorpus(t, name), Options{Timeline: all}); err != nil {
		t.Fatal(err)
	}
	const stream = 1
	var want []uint64 // frames of stream 1, from the unfiltered run
	for i := range all.Len() {
		if ev := all.At(i); ev.Kind == session.KindSegment && ev.Stream == stream {
			want = append(want, ev.Seg.Frame)
		}
	}
	if len(want) == 0 || len(want) == all.Len() {
		t.Fatalf("stream %d has %d of %d events: pick a file with several streams", stream, len(want), all.Len())
	}

	tl, store := session.NewTimeline(), capture.NewMemoryStore()
	keep := func(ev *session.Event) bool { return ev.Kind == session.KindSegment && ev.Stream == stream }
	res, err := Run(context.Background(), openCorpus(t, name), Options{Timeline: tl, Store: store, Keep: keep})
	if err != nil {
		t.Fatal(err)
	}
	if res.Packets != manifestPackets(t, name) {
		t.Errorf("Packets = %d: Keep must not change how much is read", res.Packets)
	}
	if tl.Len() != len(want) {
		t.Fatalf("kept %d events, want the %d of stream %d", tl.Len(), len(want), stream)
	}
	for i, frame := range want {
		ev := tl.At(i)
		if ev.Stream != stream || ev.Seg.Frame != frame {
			t.Errorf("event %d: stream %d frame %d, want stream %d frame %d", i, ev.Stream, ev.Seg.Frame, stream, frame)
		}
		if p, ok := store.Frame(frame); !ok || len(p.Data) == 0 {
			t.Errorf("frame %d of the stream is not in the store", frame)
		}
	}
	if store.Len() != len(want) {
		t.Errorf("store holds %d frames, want only the stream's %d", store.Len(), len(want))
	}
}

func TestRunLimitStopsAfterThatManyKeptEvents(t *testing.T) {
	tl := session.NewTimeline()
	res, err := Run(context.Background(), openCorpus(t, "zeek/ftp_bruteforce.pcap"), Options{Timeline: tl, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if tl.Len() != 5 {
		t.Errorf("kept %d events, want 5", tl.Len())
	}
	if res.Packets >= manifestPackets(t, "zeek/ftp_bruteforce.pcap") {
		t.Errorf("read all %d packets despite the limit", res.Packets)
	}
}

func TestRunStopsWhenTheContextIsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, openCorpus(t, "zeek/ftp_bruteforce.pcap"), Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// failingSource fails after its packets with an error that is neither EOF
// nor damage.
type failingSource struct {
	capture.Source
	err error
}

func (f failingSource) Next() (capture.RawPacket, error) {
	p, err := f.Source.Next()
	if errors.Is(err, io.EOF) {
		return p, f.err
	}
	return p, err
}

func TestRunReturnsSourceErrorsWithWhatWasRead(t *testing.T) {
	boom := errors.New("disk on fire")
	src := failingSource{openCorpus(t, "PcapPlusPlus/three_http_streams.pcap"), boom}
	res, err := Run(context.Background(), src, Options{})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want it to wrap %v", err, boom)
	}
	if res.Packets != manifestPackets(t, "PcapPlusPlus/three_http_streams.pcap") || res.Tracker == nil {
		t.Errorf("Result after the error: %d packets, tracker %v", res.Packets, res.Tracker)
	}
}

func TestRunSaveSeesEveryFrameAndItsErrorStopsTheRun(t *testing.T) {
	const name = "tcpdump/of10_pf5240.pcap"
	var frames []uint64
	save := func(p *capture.RawPacket) error { frames = append(frames, p.Frame); return nil }
	if _, err := Run(context.Background(), openCorpus(t, name), Options{Save: save}); err != nil {
		t.Fatal(err)
	}
	if uint64(len(frames)) != manifestPackets(t, name) || frames[0] != 1 {
		t.Errorf("Save saw frames %v", frames)
	}
	full := errors.New("disk full")
	res, err := Run(context.Background(), openCorpus(t, name), Options{Save: func(*capture.RawPacket) error { return full }})
	if !errors.Is(err, full) || res.Packets != 1 {
		t.Errorf("err = %v after %d packets, want the Save error after the first", err, res.Packets)
	}
}
