package ui

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// bigTimeline is one stream: the handshake, then n segments (data and
// ACKs alternating).
func bigTimeline(n int) *session.Timeline {
	tl, _ := bigFixture(nil, n)
	return tl
}

// bigFixture is bigTimeline plus a store of its frames when tb is not nil.
func bigFixture(tb testing.TB, n int) (*session.Timeline, *capture.MemoryStore) {
	ps := laddertest.Exchange()[:3]
	for i := 0; i < n/2; i++ {
		seq := uint32(1 + 100*i)
		ps = append(ps,
			laddertest.Pkt{From: session.FromClient, Flags: capture.PSH | capture.ACK, Seq: seq, Ack: 1, Payload: strings.Repeat("x", 100), Phase: session.PhaseData},
			laddertest.Pkt{From: session.FromServer, Flags: capture.ACK, Seq: 1, Ack: seq + 100, Phase: session.PhaseData})
	}
	evs := laddertest.Events(0, 1, ps)
	store := capture.NewMemoryStore()
	if tb != nil {
		store = laddertest.Store(tb, evs, ps)
	}
	tl := session.NewTimeline()
	tl.Append(laddertest.Lookup{}, evs...)
	tl.Finish()
	return tl, store
}

func newView(tl *session.Timeline) (*ladderView, *ladder.Layout) {
	l := ladder.NewLayout(session.KindSegment, -1)
	evs := tl.Slice(0, tl.Len())
	for i := range evs {
		l.Add(i, &evs[i], laddertest.StreamInfo(evs[i].Stream))
	}
	theme := ColorTheme()
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

// arrowY is the screen row of the arrow line of arrow k at the last Draw.
func arrowY(v *ladderView, l *ladder.Layout, k int) int {
	r := l.Row(l.ArrowRow(k))
	return v.bodyY + r.Line + r.Height() - 1 - v.top
}

// styledCells counts the cells of row y drawn in st.
func styledCells(sim tcell.SimulationScreen, y int, st tcell.Style) int {
	w, _ := sim.Size()
	n := 0
	for x := 0; x < w; x++ {
		if _, cst, _ := sim.Get(x, y); cst == st {
			n++
		}
	}
	return n
}

func TestLadderViewGrowsTheNewestArrowWithProgress(t *testing.T) {
	tl, _ := laddertest.Fixture(t)
	v, l := newView(tl)
	sim := laddertest.NewSim(t, 70, 34)
	lengthAt := func(p float64) int {
		v.shown, v.progress = 1, p
		sim.Clear()
		v.Draw(sim)
		return styledCells(sim, arrowY(v, l, 0), v.theme.Selected)
	}
	half, whole := lengthAt(0.5), lengthAt(1)
	if whole < 20 {
		t.Fatalf("whole arrow is %d cells long", whole)
	}
	if half < whole/2-1 || half > whole/2+1 {
		t.Errorf("arrow at progress 0.5 is %d cells, want about %d (half of %d)", half, whole/2, whole)
	}
	// The part not grown yet is there, dimmed: the arrow's whole length is
	// drawn. (The two lifelines are grey, the dimmed colour, too.)
	if dim := styledCells(sim, arrowY(v, l, 0), v.theme.Dim) - 2; dim != 0 {
		t.Errorf("a whole selected arrow has %d dimmed cells", dim)
	}
	lengthAt(0.5)
	if dim := styledCells(sim, arrowY(v, l, 0), v.theme.Dim) - 2; dim < whole/2-1 {
		t.Errorf("at progress 0.5 the rest of the arrow is %d dimmed cells, want about %d", dim, whole/2)
	}
}

func TestLadderViewKeepsLaterArrowsDimmed(t *testing.T) {
	tl, _ := laddertest.Fixture(t)
	v, l := newView(tl)
	sim := laddertest.NewSim(t, 70, 34)
	v.shown, v.progress = 3, 1
	v.Draw(sim)
	sim.Show()
	all := laddertest.SimText(sim)
	if !strings.Contains(all, "PSH, ACK Seq=1 Ack=1 Len=5") || !strings.Contains(all, "ACK Seq=7 Ack=29") {
		t.Fatalf("with 3 packets played the later arrows must still be drawn:\n%s", all)
	}
	for k := 0; k < l.Arrows(); k++ {
		y := arrowY(v, l, k)
		sel, dim := styledCells(sim, y, v.theme.Selected), styledCells(sim, y, v.theme.Dim)
		switch {
		case k == 2 && sel < 20:
			t.Errorf("arrow %d (selected) has %d selected cells", k+1, sel)
		case k > 2 && dim < 20:
			t.Errorf("arrow %d (not yet played) has %d dimmed cells, want the whole arrow dimmed", k+1, dim)
		case k < 2 && (dim > 2 || sel > 0):
			t.Errorf("arrow %d (played) is drawn dimmed (%d) or selected (%d)", k+1, dim, sel)
		}
	}
}

func TestLadderViewScrollsAndFollowsTheSelectionAgainWhenItMoves(t *testing.T) {
	tl := bigTimeline(200)
	v, l := newView(tl)
	sim := laddertest.NewSim(t, 70, 34)
	v.shown, v.progress = 1, 1
	v.Draw(sim)
	if v.top != 0 {
		t.Fatalf("top = %d at the first arrow, want 0", v.top)
	}
	v.Page(1)
	v.Draw(sim)
	if v.top != v.bodyH-1 {
		t.Errorf("a page down moved the top to %d, want %d", v.top, v.bodyH-1)
	}
	v.Scroll(-2)
	v.Draw(sim)
	if v.top != v.bodyH-3 {
		t.Errorf("two lines up: top %d, want %d", v.top, v.bodyH-3)
	}
	v.Scroll(-1000)
	v.Draw(sim)
	if v.top != 0 {
		t.Errorf("scrolling past the top: top %d, want 0", v.top)
	}
	v.Scroll(1 << 20)
	v.Draw(sim)
	if want := l.Lines() - v.bodyH; v.top != want {
		t.Errorf("scrolling past the end: top %d, want %d", v.top, want)
	}
	v.shown = 50 // the selection moves: the ladder shows it again
	v.Draw(sim)
	if y := arrowY(v, l, 49); y < v.bodyY || y >= v.bodyY+v.bodyH {
		t.Errorf("selected arrow 50 at row %d, outside the ladder body %d..%d", y, v.bodyY, v.bodyY+v.bodyH-1)
	}
}

func TestLadderViewWheelScrollsAndClickSelectsADimmedArrow(t *testing.T) {
	tl := bigTimeline(200)
	v, l := newView(tl)
	sim := laddertest.NewSim(t, 70, 34)
	selected := -1
	v.onSelect = func(k int) { selected = k }
	v.shown, v.progress = 1, 1
	v.Draw(sim)
	h := v.MouseHandler()
	h(tview.MouseScrollDown, tcell.NewEventMouse(10, 10, tcell.WheelDown, 0), func(tview.Primitive) {})
	v.Draw(sim)
	if v.top != wheelLines {
		t.Fatalf("one wheel step: top %d, want %d", v.top, wheelLines)
	}
	y := arrowY(v, l, 5)
	h(tview.MouseLeftClick, tcell.NewEventMouse(30, y, tcell.Button1, 0), func(tview.Primitive) {})
	if selected != 5 {
		t.Errorf("click on the dimmed arrow 6 selected %d", selected)
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
