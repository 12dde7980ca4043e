package ui

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/cells"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// frameInterval is the animation frame period.
const frameInterval = 40 * time.Millisecond

// minRedraw is the shortest time between two redraws caused by new packets.
const minRedraw = 8 * time.Millisecond

// ScreenOptions configures a LadderScreen.
type ScreenOptions struct {
	Title    string            // banner title, composed by the caller
	Notice   string            // the scenario's "what to notice" line: the narration until a packet is selected
	Lang     narrate.Lang      // language of every text
	Speed    float64           // 1.0 = one arrow per 0.8 s; 2 = twice as fast
	Raw      bool              // start with raw sequence numbers
	Recorded bool              // show the "recorded exchange" label
	Drops    func() uint64     // kernel drops so far; nil = none
	Warnings func() []string   // damage found in the input so far (the banner shows the last); nil = none
	Stream   int               // -1 = every stream of the timeline on one ladder; else that stream only
	Kind     session.EventKind // with Stream >= 0: KindSegment (TCP stream) or KindDatagram (UDP flow)

	// A teacher's controls.
	PauseAt     PauseAt // stop at each phase's first packet or at each packet until space
	StartPaused bool    // show nothing until space

	// Export and Save, when set, are what the `x` and `w` keys call (see
	// screen_export.go); nil leaves the keys out.
	Export ExportFunc
	Save   SaveFunc
}

// PauseAt says where playback stops on its own until space is pressed.
type PauseAt uint8

// Where playback stops.
const (
	PauseNever    PauseAt = iota
	PauseAtPhase          // after the first packet of every phase (handshake, data, close…)
	PauseAtPacket         // after every packet
)

// String returns "never", "phase" or "packet" (the --pause-at values).
func (p PauseAt) String() string {
	switch p {
	case PauseAtPhase:
		return "phase"
	case PauseAtPacket:
		return "packet"
	}
	return "never"
}

// ParsePauseAt parses a --pause-at value: "phase", "packet" or "never" ("" too).
func ParsePauseAt(s string) (PauseAt, error) {
	switch s {
	case "", "never", "none":
		return PauseNever, nil
	case "phase":
		return PauseAtPhase, nil
	case "packet":
		return PauseAtPacket, nil
	}
	return PauseNever, fmt.Errorf("unknown pause point %q: use phase or packet", s)
}

// The smallest terminal the ladder screen draws on; below it, it asks for more.
const (
	minScreenW = 60
	minScreenH = 16
)

// LadderScreen is the full ladder screen of one timeline: banner, ladder,
// TCP states, headers by layer, bytes, narration and help bar. It is a
// reusable component: Primitive is what to put in a tview layout; keys go
// through its input handler (HandleKey); Esc is left to the embedder.
//
// Goroutines: Start runs one animation goroutine that feeds every update
// through app.QueueUpdateDraw; everything else runs on the UI goroutine.
type LadderScreen struct {
	app    *tview.Application
	tl     *session.Timeline
	store  capture.FrameStore
	opts   ScreenOptions
	lang   narrate.Lang
	theme  Theme
	now    func() time.Time
	onQuit func()

	layout    *ladder.Layout
	consumed  int    // timeline events laid out
	exportAsk bool   // `x` was pressed: the next key picks the format
	status    string // what the last export or save did, shown until the next key
	player    *Player
	raw       bool
	helpShown bool
	focus     bool // ladder only: the side panes hidden
	narrWide  bool // the narration pane shows the whole explanation
	narrCut   bool // the narration did not fit in its pane at the last draw
	absTime   bool // packet times on the capture clock (else since the first packet)
	sel       selection
	layerPref int // index of the selected header, -1 = transport
	// Scrolling of the headers and bytes panes; both start at the top when
	// the selection changes (the bytes at the selected header: hexAuto).
	headScroll, hexScroll paneScroll
	hexAuto               bool
	helpScroll            struct {
		paneScroll
		page int // lines of a page of the help at the last draw
	}

	view                        *screenView
	ladder                      *ladderView
	stateBox, headerBox, hexBox *tview.Box
	narrBox                     *tview.Box
	startOnce, stopOnce         sync.Once
	quitCh                      chan struct{}
	stopped, idle               atomic.Bool
	embed                       embedding // what an embedding screen adds (screen_embed.go)
}

// selection is what the side panes show: the selected packet.
type selection struct {
	arrow  int // -1: none
	ev     session.Event
	info   session.StreamInfo
	data   []byte
	layers []capture.Layer
	layer  int // selected header, index into layers
	note   string
}

// NewLadderScreen returns the screen of tl; store gives the bytes of the
// selected packet (nil: no bytes). app may be nil in tests that only draw.
func NewLadderScreen(app *tview.Application, tl *session.Timeline, store capture.FrameStore, opts ScreenOptions) *LadderScreen {
	s := &LadderScreen{
		app: app, tl: tl, store: store, opts: opts, lang: opts.Lang,
		theme: DefaultTheme(), now: time.Now,
		layout: ladder.NewLayout(opts.Kind, opts.Stream), player: NewPlayer(0, opts.Speed),
		raw: opts.Raw, layerPref: -1, sel: selection{arrow: -1},
		quitCh: make(chan struct{}),
	}
	switch opts.PauseAt {
	case PauseAtPacket:
		s.player.SetStops(func(int) bool { return true })
	case PauseAtPhase:
		s.player.SetStops(s.phaseStart)
	}
	if opts.StartPaused {
		s.player.Hold()
	}
	s.ladder = newLadderView(s.lang, &s.theme, s.layout, tl.At)
	s.ladder.onSelect = func(k int) { s.player.Select(k); s.sync() }
	s.stateBox = s.newPane("ui.panel.state")
	s.headerBox = s.newPane("ui.panel.headers")
	s.hexBox = s.newPane("ui.panel.hex")
	s.narrBox = s.newPane("ui.panel.narration")
	s.view = &screenView{Box: plainBox(), s: s}
	s.syncTimeline()
	s.sync()
	return s
}

func (s *LadderScreen) newPane(title narrate.Key) *tview.Box {
	b := plainBox().SetBorder(true).SetTitle(" " + narrate.Text(s.lang, title) + " ")
	b.SetTitleAlign(tview.AlignLeft)
	return b
}

// Primitive returns the screen as a tview primitive.
func (s *LadderScreen) Primitive() tview.Primitive { return s.view }

// Player returns the cursor (UI goroutine only).
func (s *LadderScreen) Player() *Player { return s.player }

// Start starts the animation goroutine. It wakes every frame while
// something moves and when the timeline grows, and updates the screen
// through app.QueueUpdateDraw.
func (s *LadderScreen) Start() {
	s.startOnce.Do(func() { go s.loop() })
}

// Stop stops the animation: no update runs after it returns. Call it
// before app.Stop. It does not wait for the goroutine (it may be called
// from an input handler, where waiting for a queued update would deadlock).
func (s *LadderScreen) Stop() {
	s.stopOnce.Do(func() {
		s.stopped.Store(true)
		close(s.quitCh)
	})
}

func (s *LadderScreen) loop() {
	ticker := time.NewTicker(frameInterval)
	defer ticker.Stop()
	dirty := true
	var lastDraw time.Time
	var soon <-chan time.Time // a pending redraw for packets that just arrived
	for {
		select {
		case <-s.quitCh:
			return
		case <-s.tl.Changed():
			// A new packet is drawn at once (capture-to-screen latency);
			// a burst is drawn at most every minRedraw.
			dirty = true
			if wait := minRedraw - time.Since(lastDraw); wait > 0 {
				if soon == nil {
					soon = time.After(wait)
				}
				continue
			}
		case <-soon:
			soon = nil
		case <-ticker.C:
		}
		if !dirty && s.idle.Load() {
			continue
		}
		dirty = false
		lastDraw = time.Now()
		if !queueDraw(s.app, s.quitCh, func() {
			if !s.stopped.Load() {
				s.refresh(s.now())
			}
		}) {
			return
		}
	}
}

// refresh lays out new events and advances the player to now (UI goroutine).
func (s *LadderScreen) refresh(now time.Time) {
	s.syncTimeline()
	s.player.Tick(now)
	if s.tl.Done() && s.player.Playing() && s.player.AtEnd() && !s.player.Animating() {
		s.player.Pause()
	}
	s.sync()
	s.idle.Store(s.player.Idle())
}

// syncTimeline lays out the events appended since the last call.
func (s *LadderScreen) syncTimeline() {
	n := s.tl.Len()
	if n <= s.consumed {
		return
	}
	// A live timeline may have dropped events (its budget): lay out the
	// held ones at their own indexes; names are looked up per stream, not
	// copied for the whole list at every frame.
	evs, at := s.tl.SliceIndexed(s.consumed, n)
	for i := range evs {
		ev := &evs[i]
		if !s.layout.Accepts(ev) {
			continue
		}
		s.layout.Add(at[i], ev, s.tl.StreamInfo(ev.StreamKind(), ev.Stream))
	}
	s.consumed = n
	s.player.SetLen(s.layout.Arrows())
}

// sync copies the player state into the ladder and loads the selected
// packet's details when the selection changed.
func (s *LadderScreen) sync() {
	s.ladder.shown = s.player.Position()
	s.ladder.progress = s.player.Progress()
	s.ladder.raw = s.raw
	k := s.player.Selected()
	if k == s.sel.arrow {
		return
	}
	s.sel = selection{arrow: k}
	s.headScroll.top, s.hexAuto = 0, true
	if k < 0 {
		return
	}
	row := s.layout.Row(s.layout.ArrowRow(k))
	s.sel.ev = s.tl.At(row.Event)
	s.sel.info = s.layout.Info(row)
	s.sel.note = s.embed.noteFor(k, withCalls(s.lang, s.layout, s.tl.At, k, narrate.Explain(s.lang, &s.sel.ev, s.sel.info, narrate.NumbersFor(s.raw))))
	if s.store != nil {
		if pkt, ok := s.store.Frame(s.sel.ev.Seg.Frame); ok {
			s.sel.data = append([]byte(nil), pkt.Data...)
			s.sel.layers = capture.Detail(s.sel.data, pkt.LinkType)
		}
	}
	s.sel.layer = s.pickLayer()
}

// pickLayer keeps the header the person chose, or the transport header.
func (s *LadderScreen) pickLayer() int {
	if len(s.sel.layers) == 0 {
		return 0
	}
	if s.layerPref >= 0 {
		return min(s.layerPref, len(s.sel.layers)-1)
	}
	for i, l := range s.sel.layers {
		if l.Group == capture.GroupTransport {
			return i
		}
	}
	return 0
}

// moveLayer selects the previous (-1) or next (+1) header, wrapping.
func (s *LadderScreen) moveLayer(d int) {
	n := len(s.sel.layers)
	if n == 0 {
		return
	}
	s.sel.layer = ((s.sel.layer+d)%n + n) % n
	s.layerPref = s.sel.layer
	s.headScroll.top, s.hexAuto = 0, true
}

// phaseStart reports whether arrow k is the first of a phase of the
// layout (its row follows a phase header).
func (s *LadderScreen) phaseStart(k int) bool {
	if k < 0 || k >= s.layout.Arrows() {
		return false
	}
	ri := s.layout.ArrowRow(k)
	return ri > 0 && s.layout.Row(ri-1).Kind == ladder.RowPhase
}

// RunLadder runs a tview application on the terminal showing one
// LadderScreen until q, Ctrl-C or ctx ends. The terminal is restored on
// return, also when the screen panics (the panic becomes the error).
func RunLadder(ctx context.Context, tl *session.Timeline, store capture.FrameStore, opts ScreenOptions) error {
	return runLadder(ctx, tview.NewApplication(), tl, store, opts)
}

// runLadder is RunLadder on a given application (tests pass one on a
// simulation screen).
func runLadder(ctx context.Context, app *tview.Application, tl *session.Timeline, store capture.FrameStore, opts ScreenOptions) error {
	s := NewLadderScreen(app, tl, store, opts)
	app.SetRoot(s.Primitive(), true).EnableMouse(true)
	app.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		if ev.Key() == tcell.KeyCtrlC {
			s.quit()
			return nil
		}
		return ev
	})
	return RunApp(ctx, app, s, "the ladder screen")
}

// screenView is the primitive of a LadderScreen: it lays out and draws the
// panes itself and routes keys and mouse clicks to the screen.
type screenView struct {
	*tview.Box
	s *LadderScreen
}

// narrationHeight is the height of the narration pane with its border:
// four lines of text, three or two on short terminals; expanded, what the
// text needs, up to half the screen.
func (s *LadderScreen) narrationHeight(screenW, screenH int) int {
	h := 4
	switch {
	case screenH >= 30:
		h = 6
	case screenH >= 22:
		h = 5 // three lines: most sentences fit in 80 columns
	}
	if s.narrWide {
		h = max(h, min(len(s.narrationLines(screenW-2))+2, screenH/2))
	}
	return h
}

// Draw lays the panes out in the view's rectangle and draws them.
func (v *screenView) Draw(screen tcell.Screen) {
	v.Box.DrawForSubclass(screen, v)
	s := v.s
	x, y, w, h := v.GetInnerRect()
	if w <= 0 || h <= 0 {
		return
	}
	if w < minScreenW || h < minScreenH {
		s.drawTooSmall(screen, x, y, w, h)
		return
	}
	s.drawBanner(screen, x, y, w)
	narrH := s.narrationHeight(w, h)
	bodyY, bodyH := y+1, h-2-narrH
	ladderW := w * 11 / 20
	if s.focus {
		ladderW = w
	}
	sideW := w - ladderW
	s.ladder.SetRect(x, bodyY, ladderW, bodyH)
	s.ladder.Draw(screen)
	if !s.focus {
		// The side column stacks states, headers and bytes; on short
		// terminals the headers give way first, then the bytes, never
		// overlapping. Both scroll.
		stateH := min(4, bodyH)
		rest := bodyH - stateH
		hexH := min(max(5, rest/2), s.hexLines(sideW-2)+2, rest)
		headH := rest - hexH
		if headH < 3 {
			hexH, headH = rest, 0
		}
		s.stateBox.SetRect(x+ladderW, bodyY, sideW, stateH)
		s.drawState(screen)
		s.headerBox.SetRect(x+ladderW, bodyY+stateH, sideW, headH)
		s.headerBox.Draw(screen)
		s.drawHeaders(screen)
		s.hexBox.SetRect(x+ladderW, bodyY+stateH+headH, sideW, hexH)
		s.drawHex(screen)
	} else {
		for _, b := range []*tview.Box{s.stateBox, s.headerBox, s.hexBox} {
			b.SetRect(0, 0, 0, 0) // no mouse lands on a hidden pane
		}
	}
	s.narrBox.SetRect(x, bodyY+bodyH, w, narrH)
	s.drawNarration(screen)
	// The bar comes last: it shows the keys that are useful on what was
	// just drawn (a pane that scrolls, a narration that was cut).
	cells.PrintAt(screen, x, y+h-1, w, helpBar(s.lang, w, s), s.theme.HelpBar)
	if s.helpShown {
		s.drawHelp(screen, x, y, w, h)
	}
}

// drawTooSmall asks for a bigger terminal (q still quits).
func (s *LadderScreen) drawTooSmall(screen tcell.Screen, x, y, w, h int) {
	lines := wrap(narrate.Text(s.lang, "ui.too_small", minScreenW, minScreenH, w, h), w)
	top := y + max(0, (h-len(lines))/2)
	for i, l := range lines {
		if top+i >= y+h {
			break
		}
		centered(screen, x, top+i, w, l, "", s.theme.Warn, s.theme.Warn)
	}
}

// InputHandler hands keys to HandleKey.
func (v *screenView) InputHandler() func(event *tcell.EventKey, setFocus func(p tview.Primitive)) {
	return v.WrapInputHandler(func(event *tcell.EventKey, _ func(p tview.Primitive)) {
		v.s.HandleKey(event)
	})
}

// MouseHandler selects the arrow under a click in the ladder.
func (v *screenView) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return v.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		if !v.InRect(event.Position()) {
			return false, nil
		}
		if action == tview.MouseLeftClick {
			setFocus(v)
		}
		if v.s.helpShown {
			return true, nil
		}
		if v.s.scrollPane(action, event) {
			v.s.idle.Store(false)
			return true, nil
		}
		consumed, _ := v.s.ladder.MouseHandler()(action, event, setFocus)
		if !consumed && v.s.ladder.InRect(event.Position()) {
			// The wheel over the ladder moves through it, as ↑/↓ do, unless
			// the ladder view scrolls by itself.
			switch action {
			case tview.MouseScrollUp:
				v.s.scrollLadder(-1)
				consumed = true
			case tview.MouseScrollDown:
				v.s.scrollLadder(1)
				consumed = true
			}
			v.s.sync()
		}
		if consumed {
			v.s.idle.Store(false)
		}
		return consumed, nil
	})
}

// wheelLines is how far one turn of the mouse wheel scrolls a pane.
const wheelLines = 3

// scrollPane scrolls the headers or bytes pane under the mouse wheel and
// reports whether it did.
func (s *LadderScreen) scrollPane(action tview.MouseAction, event *tcell.EventMouse) bool {
	d := 0
	switch action {
	case tview.MouseScrollUp:
		d = -wheelLines
	case tview.MouseScrollDown:
		d = wheelLines
	default:
		return false
	}
	mx, my := event.Position()
	switch {
	case s.focus:
		return false
	case s.headerBox.InRect(mx, my):
		s.headScroll.by(d)
	case s.hexBox.InRect(mx, my):
		s.hexScroll.by(d)
	default:
		return false
	}
	return true
}
