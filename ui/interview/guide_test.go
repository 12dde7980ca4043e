package interview

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// loopSource plays the shipped recording (loopExchange) for every scenario: loop itself,
// and a stated stand-in for the others.
type loopSource struct {
	t      testing.TB
	played []string
	as     bool // say the exchange is the scenario asked for (as a library that has it)
}

func (s *loopSource) Has(name string) bool { return name == "loop" }

func (s *loopSource) Play(_ context.Context, name string) (explain.Exchange, error) {
	s.played = append(s.played, name)
	ex := loopExchange(s.t)
	if name != "loop" {
		ex.Note = "stand-in for " + name
	}
	ex.Scenario = "loop"
	if s.as {
		ex.Scenario, ex.Note = name, ""
	}
	return ex, nil
}

var sizes = [][2]int{{80, 24}, {120, 40}}

// newTestGuide returns the guide of topic on a simulation screen of w×h
// cells, paused before the first packet (no animation runs).
func newTestGuide(t *testing.T, topic string, lang narrate.Lang, w, h int) (*Guide, tcell.SimulationScreen, *loopSource) {
	t.Helper()
	sim := tcell.NewSimulationScreen("UTF-8")
	app := tview.NewApplication().SetScreen(sim)
	sim.SetSize(w, h)
	t.Cleanup(sim.Fini)
	tp, ok := explain.Find(topic)
	if !ok {
		t.Fatalf("no topic %s", topic)
	}
	src := &loopSource{t: t}
	g, err := NewGuide(context.Background(), app, GuideOptions{Lang: lang, Speed: 1, Source: src}, tp)
	if err != nil {
		t.Fatal(err)
	}
	g.Primitive().SetRect(0, 0, w, h)
	return g, sim, src
}

// renderScreen draws a guide or a quiz on sim and returns it as text.
func renderScreen(s screenRunner, sim tcell.SimulationScreen) string {
	sim.Clear()
	s.Primitive().Draw(sim)
	sim.Show()
	return laddertest.SimText(sim)
}

func key(k tcell.Key) *tcell.EventKey { return tcell.NewEventKey(k, 0, tcell.ModNone) }
func rkey(r rune) *tcell.EventKey     { return tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone) }
func sizeName(s [2]int) string        { return fmt.Sprintf("%dx%d", s[0], s[1]) }

func TestGuideGoldenPausedAtTheSYNACKOfTheHandshake(t *testing.T) {
	for _, lang := range langs {
		for _, size := range sizes {
			g, sim, _ := newTestGuide(t, "handshake", lang, size[0], size[1])
			g.HandleKey(key(tcell.KeyEnter)) // the SYN
			g.HandleKey(key(tcell.KeyEnter)) // the SYN,ACK
			got := renderScreen(g, sim)
			if want := "⏸ "; !strings.Contains(got, want) {
				t.Errorf("%s %s: the paused screen lacks %q", lang, sizeName(size), want)
			}
			laddertest.Golden(t, *update, "guide_handshake_"+sizeName(size)+"_"+lang.String()+".golden", got)
		}
	}
}

func TestGuideGoldenOfTheLayersMapping(t *testing.T) {
	for _, lang := range langs {
		for _, size := range sizes {
			g, sim, _ := newTestGuide(t, "layers", lang, size[0], size[1])
			for range 2 { // the message, + TCP, + IP: the IP header just added
				g.HandleKey(rkey(' '))
			}
			laddertest.Golden(t, *update, "guide_layers_"+sizeName(size)+"_"+lang.String()+".golden", renderScreen(g, sim))
		}
	}
}

func TestGuidePlaybackHoldsAtEachKeyPacketUntilSpace(t *testing.T) {
	g, _, _ := newTestGuide(t, "handshake", narrate.English, 120, 40)
	s := g.Ladder()
	p := s.Player()
	tp, _ := explain.Find("handshake")
	tl := g.cur.ex.Timeline
	marks := tp.Marks(tl.Slice(0, tl.Len()))
	if len(marks) != 4 {
		t.Fatalf("%d marks in the loop exchange, want the 4 of the handshake topic", len(marks))
	}
	// Tick the player as the animation does, each tick one interval on.
	now := fakeNow()
	for i, m := range marks {
		for n := 0; !p.Held() && n < 100; n++ {
			now = now.Add(p.Interval())
			p.Tick(now)
		}
		if got := s.ArrowEvent(p.Selected()); got != m.Event {
			t.Errorf("stop %d: held at event %d, want the key packet at event %d", i+1, got, m.Event)
		}
		s.Sync()
		g.HandleKey(rkey(' ')) // plays on
		if p.Held() || !p.Playing() {
			t.Fatalf("stop %d: space does not play on", i+1)
		}
	}
}

func TestGuideShowsTheAnswerAtTheEndAndAKeyOpensEachFollowUp(t *testing.T) {
	g, sim, src := newTestGuide(t, "handshake", narrate.English, 120, 40)
	if g.answerShown() {
		t.Error("the answer shows before the exchange played")
	}
	for range 5 { // four key packets, then the end
		g.HandleKey(key(tcell.KeyEnter))
	}
	if !g.answerShown() || !strings.Contains(renderScreen(g, sim), "Model answer") {
		t.Fatal("no model answer at the end")
	}
	g.HandleKey(rkey('a'))
	if g.answerShown() {
		t.Error("a does not hide the answer")
	}
	g.HandleKey(rkey('5')) // the SYN queue: explain backlog
	if g.Title() != "backlog" {
		t.Errorf("5 opened %q, want the backlog topic", g.Title())
	}
	g.HandleKey(key(tcell.KeyEscape))
	if g.Title() != "handshake" {
		t.Errorf("Esc went to %q, want back to handshake", g.Title())
	}
	g.HandleKey(rkey('1')) // and if the third ACK is lost: a scenario
	got := renderScreen(g, sim)
	if g.Title() != "lost-ack" || !strings.Contains(got, "And if the third ACK is lost?") || !strings.Contains(got, "stand-in for lost-ack") {
		t.Errorf("1 opened %q; the screen says:\n%s", g.Title(), got)
	}
	if want := []string{"loop", "backlog", "lost-ack"}; strings.Join(src.played, ",") != strings.Join(want, ",") {
		t.Errorf("played %v, want %v", src.played, want)
	}
}

func TestGuideHelpBarAndHelpScreenComeFromTheKeyTable(t *testing.T) {
	g, sim, _ := newTestGuide(t, "handshake", narrate.English, 120, 40)
	got := renderScreen(g, sim)
	for _, want := range []string{"Enter next key packet", "1-9 follow-up"} {
		if !strings.Contains(got, want) {
			t.Errorf("help bar lacks %q", want)
		}
	}
	g.HandleKey(rkey('?'))
	got = renderScreen(g, sim)
	for _, id := range []string{"next", "answer", "follow", "back"} {
		if d := narrate.Text(narrate.English, narrate.Key("explain.keydesc."+id)); !strings.Contains(got, d[:20]) {
			t.Errorf("the ? screen lacks %q", d)
		}
	}
}

func TestGuideKeysExistInBothLanguages(t *testing.T) {
	for _, k := range append(GuideKeys(), QuizKeys()...) {
		for _, lang := range langs {
			if !narrate.Has(lang, k) {
				t.Errorf("%s has no %s text", k, lang)
			}
		}
	}
}

func fakeNow() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }

func TestGuideOnA24RowTerminalTheAnswerTakesTheLadderPlaceAtTheEnd(t *testing.T) {
	g, sim, _ := newTestGuide(t, "handshake", narrate.English, 80, 24)
	for range 5 {
		g.HandleKey(key(tcell.KeyEnter))
	}
	got := renderScreen(g, sim)
	if !strings.Contains(got, "6  What does a SYN to a closed port get?") || strings.Contains(got, "at least 60×16") {
		t.Errorf("the answer and every follow-up do not fit, or the ladder asks for room:\n%s", got)
	}
	laddertest.Golden(t, *update, "guide_handshake_end_80x24_en.golden", got)
	quits := 0
	g.SetQuitFunc(func() { quits++ })
	g.HandleKey(rkey('q'))
	if quits != 1 {
		t.Error("q does not quit from the answer screen")
	}
	g.HandleKey(rkey('a'))
	if got := renderScreen(g, sim); strings.Contains(got, "Model answer") || !strings.Contains(got, "Ladder") {
		t.Errorf("a does not bring the ladder back:\n%s", got)
	}
}

func TestGuideScenarioPageSaysWhatToNoticeInTheLibrarysWords(t *testing.T) {
	g, sim, src := newTestGuide(t, "handshake", narrate.English, 120, 40)
	src.as = true
	g.HandleKey(rkey('1')) // lost-ack
	want := narrate.Text(narrate.English, "scenario.lost-ack.notice")
	if got := renderScreen(g, sim); !strings.Contains(got, want[:40]) {
		t.Errorf("the lost-ack page lacks %q:\n%s", want[:40], got)
	}
}
