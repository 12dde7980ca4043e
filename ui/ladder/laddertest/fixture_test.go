package laddertest

import (
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// The literal fixture carries hand-written states; they must be the
// Tracker's, or every golden screen drawn from it would pin a wrong
// picture.
func TestLiteralFixtureStatesAreTheTrackers(t *testing.T) {
	lit := Events(0, 1, Exchange())
	got := Tracked(t, lit)
	for i := range lit {
		if lit[i].Client != got[i].Client || lit[i].Server != got[i].Server || lit[i].Changed != got[i].Changed {
			t.Errorf("fixture arrow %d: %v/%v changed %v, the Tracker says %v/%v changed %v", i+1,
				lit[i].Client, lit[i].Server, lit[i].Changed, got[i].Client, got[i].Server, got[i].Changed)
		}
		if lit[i].Phase != got[i].Phase || lit[i].Note != got[i].Note {
			t.Errorf("fixture arrow %d: phase %v note %v, the Tracker says phase %v note %v", i+1,
				lit[i].Phase, lit[i].Note, got[i].Phase, got[i].Note)
		}
	}
	if last := lit[len(lit)-1]; last.Handshake != session.HandshakeComplete || last.Close != session.CloseFIN4 {
		t.Errorf("the last event says handshake %v close %v, want the Tracker's complete and four-way", last.Handshake, last.Close)
	}
}

// The frames of the store decode back to the segments of the events, so
// the detail pane of a golden screen shows the packet the arrow draws.
func TestFixtureFramesDecodeToTheEventsSegments(t *testing.T) {
	tl, store := Fixture(t)
	if tl.Len() != len(Exchange()) || !tl.Done() {
		t.Fatalf("timeline: %d events, done %v", tl.Len(), tl.Done())
	}
	dec := capture.NewDecoder()
	for i := 0; i < tl.Len(); i++ {
		ev := tl.At(i)
		raw, ok := store.Frame(ev.Seg.Frame)
		if !ok {
			t.Fatalf("frame %d not in the store", ev.Seg.Frame)
		}
		var seg capture.Segment
		if res := dec.Decode(&raw, &seg); !res.OK || res.Warning.Kind != capture.WarnNone {
			t.Fatalf("frame %d does not decode: %+v", ev.Seg.Frame, res)
		}
		if seg.Seq != ev.Seg.Seq || seg.Ack != ev.Seg.Ack || seg.Flags != ev.Seg.Flags || seg.PayloadLen != ev.Seg.PayloadLen {
			t.Errorf("frame %d decodes to seq %d ack %d %v len %d, the event has seq %d ack %d %v len %d", ev.Seg.Frame,
				seg.Seq, seg.Ack, seg.Flags, seg.PayloadLen, ev.Seg.Seq, ev.Seg.Ack, ev.Seg.Flags, ev.Seg.PayloadLen)
		}
	}
}
