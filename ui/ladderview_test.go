package ui

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/gopacket/gopacket/layers"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// bigTimeline is one stream: the handshake, then n segments (data and
// ACKs alternating).
func bigTimeline(n int) *session.Timeline {
	tl, _ := bigFixture(nil, n)
	return tl
}

// bigFixture is bigTimeline plus a store of its frames when tb is not nil.
func bigFixture(tb testing.TB, n int) (*session.Timeline, *capture.MemoryStore) {
	ps := exchange()[:3]
	for i := 0; i < n/2; i++ {
		seq := uint32(1 + 100*i)
		ps = append(ps,
			pkt{from: session.FromClient, flags: capture.PSH | capture.ACK, seq: seq, ack: 1, payload: strings.Repeat("x", 100), phase: session.PhaseData},
			pkt{from: session.FromServer, flags: capture.ACK, seq: 1, ack: seq + 100, phase: session.PhaseData})
	}
	evs := events(0, 1, ps)
	store := capture.NewMemoryStore()
	if tb != nil {
		for i := range evs {
			data := frameOf(tb, &evs[i], ps[i].payload)
			store.Add(&capture.RawPacket{Data: data, LinkType: layers.LinkTypeEthernet, Frame: evs[i].Seg.Frame})
		}
	}
	tl := session.NewTimeline()
	tl.Append(lookup{}, evs...)
	tl.Finish()
	return tl, store
}

func newView(tl *session.Timeline) (*ladderView, *ladder.Layout) {
	l := ladder.NewLayout(session.KindSegment, -1)
	evs := tl.Slice(0, tl.Len())
	for i := range evs {
		l.Add(i, &evs[i], streamInfo(evs[i].Stream))
	}
	theme := DefaultTheme()
	v := newLadderView(narrate.English, &theme, l, tl.At)
	v.SetRect(0, 0, 70, 34)
	return v, l
}

func screenLine(sim tcell.SimulationScreen, y int) string {
	w, _ := sim.Size()
	var b strings.Builder
	for x := 0; x < w; x++ {
		str, _, _ := sim.Get(x, y)
		if str == "" {
			str = " "
		}
		b.WriteString(str)
	}
	return b.String()
}

func TestLadderViewGrowsTheNewestArrowWithProgress(t *testing.T) {
	tl, _ := fixture(t)
	v, l := newView(tl)
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	defer sim.Fini()
	sim.SetSize(70, 34)
	lengthAt := func(p float64) int {
		v.shown, v.progress = 1, p
		sim.Clear()
		v.Draw(sim)
		r := l.Row(l.ArrowRow(0))
		return strings.Count(screenLine(sim, v.bodyY+r.Line+1-v.top), "─")
	}
	half, whole := lengthAt(0.5), lengthAt(1)
	if whole < 20 {
		t.Fatalf("whole arrow is %d cells long", whole)
	}
	if half < whole/2-1 || half > whole/2+1 {
		t.Errorf("arrow at progress 0.5 is %d cells, want about %d (half of %d)", half, whole/2, whole)
	}
}

func TestLadderViewShowsNoArrowBeyondThePosition(t *testing.T) {
	tl, _ := fixture(t)
	v, _ := newView(tl)
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	defer sim.Fini()
	sim.SetSize(70, 34)
	v.shown, v.progress = 3, 1
	v.Draw(sim)
	var all strings.Builder
	for y := 0; y < 34; y++ {
		all.WriteString(screenLine(sim, y))
	}
	if !strings.Contains(all.String(), "ACK Seq=1 Ack=1") || strings.Contains(all.String(), "Len=5") {
		t.Errorf("with 3 packets shown the ladder should end at the handshake's ACK:\n%s", all.String())
	}
}

// BenchmarkLadderViewDraw draws the ladder of a 100,000-segment stream
// scrolled to its middle: the cost must not depend on the length.
func BenchmarkLadderViewDraw(b *testing.B) {
	tl := bigTimeline(100_000)
	v, l := newView(tl)
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		b.Fatal(err)
	}
	defer sim.Fini()
	sim.SetSize(70, 34)
	v.shown, v.progress = l.Arrows()/2, 1
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v.Draw(sim)
	}
}

// BenchmarkLadderScreenFrame draws a whole 120x36 screen frame (ladder and
// panes) over a 100,000-segment stream, with the selection moving
// (so the headers of a new packet are decoded every frame).
func BenchmarkLadderScreenFrame(b *testing.B) {
	tl, store := bigFixture(b, 100_000)
	s, sim := newTestScreen(b, tl, demoOpts)
	s.store = store
	c := newClock()
	s.player.Seek(s.player.Len() / 2)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.player.Step(1 - 2*(i%2))
		s.refresh(c.after(frameInterval))
		s.Primitive().Draw(sim)
	}
}
