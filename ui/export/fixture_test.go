package export

import (
	"flag"
	"testing"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// streamInput reads a corpus capture and returns the Input of one TCP
// stream, as the export command builds it.
func streamInput(t testing.TB, name string, stream int) Input {
	t.Helper()
	tl, _, res := laddertest.Play(t, laddertest.CorpusFile(t, name), feed.Options{
		Keep: func(ev *session.Event) bool { return ev.Kind != session.KindDatagram && ev.Stream == stream },
	})
	sums := res.Tracker.Summaries()
	if stream >= len(sums) {
		t.Fatalf("%s has %d TCP streams, not stream %d", name, len(sums), stream)
	}
	return Input{Events: tl.Slice(0, tl.Len()), Info: tl.StreamInfo, Summaries: sums[stream : stream+1]}
}
