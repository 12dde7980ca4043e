package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// The -update flag (var update) is declared once for the package, in
// browser_test.go: golden files of every screen are rewritten together.

const (
	screenW = 120
	screenH = 36
)

// newTestScreen returns a ladder screen of tl on a simulation screen,
// paused, with nothing animating.
func newTestScreen(t testing.TB, tl *session.Timeline, opts ScreenOptions) (*LadderScreen, tcell.SimulationScreen) {
	t.Helper()
	_, store := laddertest.Fixture(t)
	return newTestScreenWith(t, tl, store, opts)
}

// newTestScreenWith is newTestScreen with the frames of store.
func newTestScreenWith(t testing.TB, tl *session.Timeline, store capture.FrameStore, opts ScreenOptions) (*LadderScreen, tcell.SimulationScreen) {
	t.Helper()
	sim := tcell.NewSimulationScreen("UTF-8")
	app := tview.NewApplication().SetScreen(sim) // SetScreen initialises the screen…
	sim.SetSize(screenW, screenH)                // …so the size comes after it
	t.Cleanup(sim.Fini)
	s := NewLadderScreen(app, tl, store, opts)
	s.Primitive().SetRect(0, 0, screenW, screenH)
	return s, sim
}

// render draws the screen and returns it as text, one line per row,
// trailing spaces trimmed.
func render(s *LadderScreen, sim tcell.SimulationScreen) string {
	sim.Clear()
	s.Primitive().Draw(sim)
	sim.Show()
	return laddertest.SimText(sim)
}

var demoOpts = ScreenOptions{Title: "handshake-viz demo", Speed: 1, Stream: -1, Lang: narrate.English}

func TestScreenGoldenAfterTheSYN(t *testing.T) {
	tl, store := recordedFixture(t)
	s, sim := newTestScreenWith(t, tl, store, demoOpts)
	s.player.Select(0)
	s.sync()
	golden(t, "screen_syn.golden", render(s, sim))
}

func TestScreenGoldenAtTheEnd(t *testing.T) {
	tl, store := recordedFixture(t)
	opts := demoOpts
	opts.Recorded = true
	opts.Drops = func() uint64 { return 3 }
	s, sim := newTestScreenWith(t, tl, store, opts)
	s.player.End()
	s.sync()
	golden(t, "screen_end.golden", render(s, sim))
}

func TestScreenGoldenRawNumbersAndHelp(t *testing.T) {
	tl, store := recordedFixture(t)
	s, sim := newTestScreenWith(t, tl, store, demoOpts)
	s.player.Select(3)
	s.HandleKey(tcell.NewEventKey(tcell.KeyRune, 'n', tcell.ModNone))
	s.HandleKey(tcell.NewEventKey(tcell.KeyRune, '?', tcell.ModNone))
	golden(t, "screen_raw_help.golden", render(s, sim))
}

func keyEv(k tcell.Key) *tcell.EventKey { return tcell.NewEventKey(k, 0, tcell.ModNone) }

func runeKey(r rune) *tcell.EventKey { return tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone) }

func TestScreenKeysMoveTheCursorAndToggleModes(t *testing.T) {
	tl, _ := laddertest.Fixture(t)
	s, _ := newTestScreen(t, tl, demoOpts)
	p := s.player
	steps := []struct {
		name    string
		ev      *tcell.EventKey
		pos     int
		playing bool
	}{
		{"space pauses", runeKey(' '), 0, false},
		{"→ steps forward", keyEv(tcell.KeyRight), 1, false},
		{"→ again", keyEv(tcell.KeyRight), 2, false},
		{"← steps back", keyEv(tcell.KeyLeft), 1, false},
		{"End shows all", keyEv(tcell.KeyEnd), 11, false},
		{"Home shows the first", keyEv(tcell.KeyHome), 1, false},
		{"space resumes", runeKey(' '), 1, true},
		{"r replays", runeKey('r'), 0, true},
	}
	for _, st := range steps {
		if !s.HandleKey(st.ev) {
			t.Errorf("%s: key not handled", st.name)
		}
		if p.Position() != st.pos || p.Playing() != st.playing {
			t.Errorf("%s: position %d playing %v, want %d %v", st.name, p.Position(), p.Playing(), st.pos, st.playing)
		}
	}
	s.HandleKey(runeKey('n'))
	if !s.raw || !s.ladder.raw {
		t.Error("n does not switch to raw numbers")
	}
	s.HandleKey(runeKey('n'))
	if s.raw {
		t.Error("second n does not switch back to relative numbers")
	}
	s.HandleKey(runeKey('?'))
	if !s.helpShown {
		t.Error("? does not show the help")
	}
	s.HandleKey(keyEv(tcell.KeyRight))
	if s.helpShown || p.Position() != 0 {
		t.Errorf("a key on the help: shown %v position %d, want the help closed and the key swallowed", s.helpShown, p.Position())
	}
	if s.HandleKey(keyEv(tcell.KeyEscape)) {
		t.Error("Esc is handled; it belongs to the embedding screen")
	}
	quits := 0
	s.SetQuitFunc(func() { quits++ })
	s.HandleKey(runeKey('q'))
	s.HandleKey(keyEv(tcell.KeyCtrlC))
	if quits != 2 {
		t.Errorf("q and Ctrl-C quit %d times, want 2", quits)
	}
}

func TestScreenTabMovesTheSelectedHeaderAndKeepsIt(t *testing.T) {
	tl, _ := laddertest.Fixture(t)
	s, _ := newTestScreen(t, tl, demoOpts)
	s.player.Select(3)
	s.sync()
	if len(s.sel.layers) < 3 {
		t.Fatalf("capture.Detail gave %d layers for an Ethernet/IPv4/TCP frame, want Ethernet, IPv4, TCP and the payload", len(s.sel.layers))
	}
	if g := s.sel.layers[s.sel.layer].Group.String(); g != "transport" {
		t.Errorf("initial header group = %s, want transport", g)
	}
	s.HandleKey(keyEv(tcell.KeyBacktab))
	if g := s.sel.layers[s.sel.layer].Group.String(); g != "network" {
		t.Errorf("after Shift-Tab group = %s, want network", g)
	}
	s.HandleKey(keyEv(tcell.KeyRight))
	if g := s.sel.layers[s.sel.layer].Group.String(); g != "network" {
		t.Errorf("after stepping the header group = %s, want network kept", g)
	}
}

func TestScreenClickOnAnArrowSelectsItAndPauses(t *testing.T) {
	tl, _ := laddertest.Fixture(t)
	s, sim := newTestScreen(t, tl, demoOpts)
	s.player.Seek(11) // playing, everything shown
	s.sync()
	render(s, sim)
	// The arrow line of packet 4 is the line under its label.
	r := s.layout.Row(s.layout.ArrowRow(3))
	y := s.ladder.bodyY + r.Line + 1 - s.ladder.top
	lx, _, lw, _ := s.ladder.GetInnerRect()
	click := tcell.NewEventMouse(lx+lw/2, y, tcell.Button1, tcell.ModNone)
	s.Primitive().MouseHandler()(tview.MouseLeftClick, click, func(tview.Primitive) {})
	if s.player.Selected() != 3 || s.player.Playing() {
		t.Errorf("after the click: selected %d playing %v, want 3 false", s.player.Selected(), s.player.Playing())
	}
}

func TestScreenFollowsAGrowingTimeline(t *testing.T) {
	full, _ := laddertest.Fixture(t)
	tl := session.NewTimeline()
	tl.Append(laddertest.Lookup{}, full.Slice(0, 3)...)
	s, _ := newTestScreen(t, tl, demoOpts)
	c := newClock()
	s.player.End()
	s.refresh(c.t)
	if s.player.Len() != 3 || s.player.Selected() != 2 {
		t.Fatalf("len %d selected %d, want 3 2", s.player.Len(), s.player.Selected())
	}
	tl.Append(laddertest.Lookup{}, full.Slice(3, 5)...)
	s.refresh(c.after(frameInterval))
	if s.player.Len() != 5 || s.player.Selected() != 4 {
		t.Errorf("after growth: len %d selected %d, want 5 4 (paused at the end follows)", s.player.Len(), s.player.Selected())
	}
	if s.sel.ev.N != 5 {
		t.Errorf("selected event N = %d, want 5", s.sel.ev.N)
	}
}

func TestScreenPausesAtTheEndOfAFinishedTimeline(t *testing.T) {
	tl, _ := laddertest.Fixture(t)
	s, _ := newTestScreen(t, tl, demoOpts)
	c := newClock()
	for i := 0; i < 40 && !s.player.Idle(); i++ {
		s.refresh(c.after(DefaultInterval))
	}
	if s.player.Playing() || !s.player.AtEnd() {
		t.Errorf("after playing everything: playing %v at end %v, want paused at the end", s.player.Playing(), s.player.AtEnd())
	}
}

// runOnSim runs runLadder on a simulation screen in a goroutine; the
// returned channel gets its result. ready is closed after the first frame
// that shows a packet.
func runOnSim(t *testing.T, ctx context.Context, opts ScreenOptions) (tcell.SimulationScreen, <-chan error, <-chan struct{}) {
	t.Helper()
	tl, store := laddertest.Fixture(t)
	sim := tcell.NewSimulationScreen("UTF-8")
	app := tview.NewApplication().SetScreen(sim)
	sim.SetSize(screenW, screenH)
	ready := make(chan struct{})
	var once sync.Once
	app.SetAfterDrawFunc(func(screen tcell.Screen) {
		// tview calls this before its own Show: show first, or the
		// simulation's contents are the previous frame's.
		screen.Show()
		for y := 0; y < screenH; y++ {
			if strings.Contains(screenLine(sim, y), "SYN Seq=0") {
				once.Do(func() { close(ready) })
			}
		}
	})
	errc := make(chan error, 1)
	go func() { errc <- runLadder(ctx, app, tl, store, opts) }()
	return sim, errc, ready
}

// wait returns the result of runLadder, failing after a generous deadline.
func wait(t *testing.T, errc <-chan error) error {
	t.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the screen did not stop")
		return nil
	}
}

func TestRunLadderAnimatesAndQuitsOnQ(t *testing.T) {
	sim, errc, ready := runOnSim(t, context.Background(), demoOpts)
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("no arrow was drawn by the animation goroutine")
	}
	sim.InjectKey(tcell.KeyRune, 'q', tcell.ModNone)
	if err := wait(t, errc); err != nil {
		t.Errorf("q: runLadder = %v, want nil", err)
	}
}

func TestRunLadderStopsOnCtrlCAndOnContext(t *testing.T) {
	sim, errc, _ := runOnSim(t, context.Background(), demoOpts)
	sim.InjectKey(tcell.KeyCtrlC, 0, tcell.ModNone)
	if err := wait(t, errc); err != nil {
		t.Errorf("Ctrl-C: runLadder = %v, want nil", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, errc, _ = runOnSim(t, ctx, demoOpts)
	cancel()
	if err := wait(t, errc); err != nil {
		t.Errorf("cancelled context: runLadder = %v, want nil", err)
	}
}

func TestRunLadderTurnsAPanicIntoAnError(t *testing.T) {
	opts := demoOpts
	opts.Drops = func() uint64 { panic("drop counter broke") }
	_, errc, _ := runOnSim(t, context.Background(), opts)
	err := wait(t, errc)
	if err == nil || !strings.Contains(err.Error(), "drop counter broke") {
		t.Errorf("runLadder = %v, want the panic as an error", err)
	}
}

func TestScreenDrawsAtAnySizeAndInChinese(t *testing.T) {
	tl, _ := laddertest.Fixture(t)
	opts := demoOpts
	opts.Lang = narrate.Chinese
	s, sim := newTestScreen(t, tl, opts)
	s.player.Select(7)
	s.sync()
	for _, size := range [][2]int{{0, 0}, {1, 1}, {10, 5}, {40, 12}, {80, 24}, {200, 60}} {
		sim.SetSize(size[0], size[1])
		s.Primitive().SetRect(0, 0, size[0], size[1])
		out := render(s, sim)
		if size[0] >= 80 && !strings.Contains(out, "四次挥手") {
			t.Errorf("%dx%d: the Chinese close header is missing:\n%s", size[0], size[1], out)
		}
	}
}

// A ladder from a saved capture: zeek's get-gzip trace ends in a
// simultaneous close (the FINs cross, the client's FIN is retransmitted).
func TestScreenGoldenOfASimultaneousCloseFromAFile(t *testing.T) {
	tl, store := fileFixture(t, corpusFile(t, "zeek/http_get-gzip.pcap"), 14)
	opts := demoOpts
	opts.Title = "handshake-viz · zeek/http_get-gzip.pcap"
	opts.Stream = 0
	s, sim := newTestScreenWith(t, tl, store, opts)
	s.player.End()
	s.sync()
	golden(t, "screen_file_simultaneous_close.golden", render(s, sim))
}

func TestHeaderFieldsOfTheExchangeAreNamedInChinese(t *testing.T) {
	_, store := recordedFixture(t)
	for n := uint64(1); n <= 17; n++ {
		p, ok := store.Frame(n)
		if !ok {
			t.Fatalf("frame %d missing", n)
		}
		for _, l := range capture.Detail(p.Data, p.LinkType) {
			for _, f := range l.Fields {
				if strings.HasPrefix(f.Name, "Option") {
					continue // TCP option names (NOP, MSS, …) are the RFC's own
				}
				if got := fieldName(narrate.Chinese, f.Name); got == f.Name {
					t.Errorf("%s field %q has no Chinese name", l.Name, f.Name)
				}
				if got := fieldName(narrate.English, f.Name); got != f.Name {
					t.Errorf("English field %q shown as %q", f.Name, got)
				}
			}
		}
	}
}

func TestScreenBannerShowsTheLastInputWarning(t *testing.T) {
	tl, store := recordedFixture(t)
	opts := demoOpts
	opts.Warnings = func() []string {
		return []string{"frame 3: first", "frame 10: truncated record at byte 5974: unexpected EOF"}
	}
	s, sim := newTestScreenWith(t, tl, store, opts)
	s.sync()
	banner := strings.SplitN(render(s, sim), "\n", 2)[0]
	if !strings.HasSuffix(banner, "⚠ frame 10: truncated record at byte 5974: unexpected EOF") || strings.Contains(banner, "frame 3") {
		t.Errorf("banner = %q, want the last warning at its right end", banner)
	}
}

// On short terminals the side panes shrink or give way; they never draw
// over each other.
func TestSidePanesNeverOverlapOnShortTerminals(t *testing.T) {
	tl, store := recordedFixture(t)
	for h := 10; h <= 40; h++ {
		s, sim := newTestScreenWith(t, tl, store, demoOpts)
		sim.SetSize(90, h)
		s.Primitive().SetRect(0, 0, 90, h)
		s.player.End()
		s.sync()
		lines := strings.Split(render(s, sim), "\n")
		state, headers, bytesRow := -1, -1, -1
		for i, l := range lines {
			switch {
			case strings.Contains(l, "┌ TCP state"):
				state = i
			case strings.Contains(l, "┌ Headers"):
				headers = i
			case strings.Contains(l, "┌ Bytes"):
				bytesRow = i
			}
		}
		if state < 0 {
			continue // too short for the body at all
		}
		next := state + 4 // the state box is 4 rows
		for _, top := range []int{headers, bytesRow} {
			if top < 0 {
				continue
			}
			if top < next {
				t.Errorf("height %d: a pane starts at row %d, inside the one above (ends before row %d):\n%s", h, top, next, strings.Join(lines, "\n"))
				break
			}
			next = top + 3
		}
	}
}

// The README shows the golden screen after the SYN; keep it the real one.
func TestReadmeShowsTheCurrentScreenAfterTheSYN(t *testing.T) {
	laddertest.ReadmeShows(t, "screen_syn.golden")
}
