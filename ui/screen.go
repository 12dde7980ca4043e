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
)

// frameInterval is the animation frame period.
const frameInterval = 40 * time.Millisecond

// ScreenOptions configures a LadderScreen.
type ScreenOptions struct {
	Title    string        // banner title, composed by the caller
	Lang     narrate.Lang  // language of every text
	Speed    float64       // 1.0 = one arrow per 0.8 s; 2 = twice as fast
	Raw      bool          // start with raw sequence numbers
	Recorded bool          // show the "recorded exchange" label
	Drops    func() uint64 // kernel drops so far; nil = none
	Stream   int           // -1 = every stream of the timeline on one ladder; else that stream only
}

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

	layout    *Layout
	consumed  int // timeline events laid out
	player    *Player
	raw       bool
	helpShown bool
	sel       selection
	layerPref int // index of the selected header, -1 = transport

	view                        *screenView
	ladder                      *ladderView
	stateBox, headerBox, hexBox *tview.Box
	narrBox                     *tview.Box
	startOnce, stopOnce         sync.Once
	quitCh                      chan struct{}
	stopped, idle               atomic.Bool
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
		layout: NewLayout(opts.Stream), player: NewPlayer(0, opts.Speed),
		raw: opts.Raw, layerPref: -1, sel: selection{arrow: -1},
		quitCh: make(chan struct{}),
	}
	s.ladder = newLadderView(s.lang, &s.theme, s.layout, tl.At)
	s.ladder.onSelect = func(k int) { s.player.Select(k); s.sync() }
	s.stateBox = s.newPane("ui.panel.state")
	s.headerBox = s.newPane("ui.panel.headers")
	s.hexBox = s.newPane("ui.panel.hex")
	s.narrBox = s.newPane("ui.panel.narration")
	s.view = &screenView{Box: tview.NewBox(), s: s}
	s.syncTimeline()
	s.sync()
	return s
}

func (s *LadderScreen) newPane(title narrate.Key) *tview.Box {
	b := tview.NewBox().SetBorder(true).SetTitle(" " + narrate.Text(s.lang, title) + " ")
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
	for {
		select {
		case <-s.quitCh:
			return
		case <-s.tl.Changed():
			dirty = true
			continue
		case <-ticker.C:
		}
		if !dirty && s.idle.Load() {
			continue
		}
		dirty = false
		s.app.QueueUpdateDraw(func() {
			if !s.stopped.Load() {
				s.refresh(s.now())
			}
		})
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
	evs := s.tl.Slice(s.consumed, n)
	streams, flows := s.tl.Streams(), s.tl.Flows()
	for i := range evs {
		ev := &evs[i]
		list := streams
		if ev.Kind == session.KindDatagram {
			list = flows
		}
		info := session.StreamInfo{Index: ev.Stream}
		if ev.Stream < len(list) {
			info = list[ev.Stream]
		}
		s.layout.Add(s.consumed+i, ev, info)
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
	if k < 0 {
		return
	}
	row := s.layout.Row(s.layout.ArrowRow(k))
	s.sel.ev = s.tl.At(row.Event)
	s.sel.info = s.layout.Info(row)
	s.sel.note = narrate.Explain(s.lang, &s.sel.ev, s.sel.info)
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
}

// RunLadder runs a tview application on the terminal showing one
// LadderScreen until q, Ctrl-C or ctx ends. The terminal is restored on
// return, also when the screen panics (the panic becomes the error).
func RunLadder(ctx context.Context, tl *session.Timeline, store capture.FrameStore, opts ScreenOptions) error {
	return runLadder(ctx, tview.NewApplication(), tl, store, opts)
}

// runLadder is RunLadder on a given application (tests pass one on a
// simulation screen).
func runLadder(ctx context.Context, app *tview.Application, tl *session.Timeline, store capture.FrameStore, opts ScreenOptions) (err error) {
	s := NewLadderScreen(app, tl, store, opts)
	app.SetRoot(s.Primitive(), true).EnableMouse(true)
	app.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		if ev.Key() == tcell.KeyCtrlC {
			s.quit()
			return nil
		}
		return ev
	})
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			s.Stop()
			app.Stop()
		case <-done:
		}
	}()
	defer func() {
		if r := recover(); r != nil {
			s.Stop()
			app.Stop()
			err = fmt.Errorf("the ladder screen crashed: %v (the terminal was restored; please report this)", r)
		}
	}()
	s.Start()
	if err := app.Run(); err != nil {
		s.Stop()
		return fmt.Errorf("running the terminal screen: %w (is this a terminal? try --no-tui)", err)
	}
	s.Stop()
	return nil
}

// screenView is the primitive of a LadderScreen: it lays out and draws the
// panes itself and routes keys and mouse clicks to the screen.
type screenView struct {
	*tview.Box
	s *LadderScreen
}

// narrationHeight is the height of the narration pane with its border:
// four lines of text, two on short terminals.
func narrationHeight(screenH int) int {
	if screenH >= 30 {
		return 6
	}
	return 4
}

// Draw lays the panes out in the view's rectangle and draws them.
func (v *screenView) Draw(screen tcell.Screen) {
	v.Box.DrawForSubclass(screen, v)
	s := v.s
	x, y, w, h := v.GetInnerRect()
	if w <= 0 || h <= 0 {
		return
	}
	s.drawBanner(screen, x, y, w)
	printAt(screen, x, y+h-1, w, narrate.Text(s.lang, "ui.help.bar"), s.theme.HelpBar)
	narrH := narrationHeight(h)
	bodyY, bodyH := y+1, h-2-narrH
	if bodyH < 3 {
		return
	}
	ladderW := w * 11 / 20
	sideW := w - ladderW
	stateH := 4
	hexH := min(max(5, (bodyH-stateH)/2), s.hexLines(sideW-2)+2)
	headH := bodyH - stateH - hexH
	s.ladder.SetRect(x, bodyY, ladderW, bodyH)
	s.ladder.Draw(screen)
	s.stateBox.SetRect(x+ladderW, bodyY, sideW, stateH)
	s.stateBox.Draw(screen)
	s.drawState(screen)
	s.headerBox.SetRect(x+ladderW, bodyY+stateH, sideW, headH)
	s.headerBox.Draw(screen)
	s.drawHeaders(screen)
	s.hexBox.SetRect(x+ladderW, bodyY+stateH+headH, sideW, hexH)
	s.hexBox.Draw(screen)
	s.drawHex(screen)
	s.narrBox.SetRect(x, bodyY+bodyH, w, narrH)
	s.narrBox.Draw(screen)
	s.drawNarration(screen)
	if s.helpShown {
		s.drawHelp(screen, x, y, w, h)
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
		consumed, _ := v.s.ladder.MouseHandler()(action, event, setFocus)
		if consumed {
			v.s.idle.Store(false)
		}
		return consumed, nil
	})
}

// drawBanner writes: title · packet N/M · play state · recorded · drops.
func (s *LadderScreen) drawBanner(screen tcell.Screen, x, y, w int) {
	fill(screen, x, y, w, " ", s.theme.Banner)
	p := s.player
	parts := []string{s.opts.Title, narrate.Text(s.lang, "ui.banner.position", p.Position(), p.Len())}
	switch {
	case p.Playing():
		parts = append(parts, narrate.Text(s.lang, "ui.banner.playing", p.Speed()))
	case p.AtEnd() && !s.tl.Done():
		parts = append(parts, narrate.Text(s.lang, "ui.banner.live"))
	default:
		parts = append(parts, narrate.Text(s.lang, "ui.banner.paused"))
	}
	if s.opts.Recorded {
		parts = append(parts, narrate.Text(s.lang, "ui.banner.recorded"))
	}
	right := x + w
	if s.opts.Drops != nil {
		if d := s.opts.Drops(); d > 0 {
			warn := " " + narrate.Text(s.lang, "ui.banner.drops", d) + " "
			right = max(x, right-textWidth(warn))
			printAt(screen, right, y, x+w-right, warn, s.theme.Warn.Reverse(true))
		}
	}
	cx := x + 1
	for i, part := range parts {
		if part == "" {
			continue
		}
		if i > 0 {
			cx += printAt(screen, cx, y, right-1-cx, " · ", s.theme.Banner)
		}
		cx += printAt(screen, cx, y, right-1-cx, part, s.theme.Banner)
	}
}

// drawState writes the TCP state of both ends after the selected packet,
// the end that changed highlighted.
func (s *LadderScreen) drawState(screen tcell.Screen) {
	x, y, w, h := s.stateBox.GetInnerRect()
	if s.sel.arrow < 0 || h < 1 {
		return
	}
	ev := &s.sel.ev
	if ev.Kind == session.KindDatagram {
		printAt(screen, x+1, y, w-1, narrate.Text(s.lang, "ui.state.udp"), s.theme.Dim)
		return
	}
	ends := [2]struct {
		who   narrate.Key
		addr  string
		state session.State
		side  session.Side
	}{
		{"ui.Client", s.sel.info.Client.String(), ev.Client, session.ClientSide},
		{"ui.Server", s.sel.info.Server.String(), ev.Server, session.ServerSide},
	}
	nameW := max(textWidth(narrate.Text(s.lang, "ui.Client")), textWidth(narrate.Text(s.lang, "ui.Server"))) + 2
	for i, e := range ends[:min(2, h)] {
		cx := x + 1
		printAt(screen, cx, y+i, nameW, narrate.Text(s.lang, e.who), s.theme.Normal)
		cx += nameW
		st := s.theme.Normal.Bold(true)
		changed := s.sel.ev.Changed&e.side != 0
		if changed {
			st = s.theme.Changed
		}
		cx += printAt(screen, cx, y+i, x+w-cx, e.state.String(), st)
		if changed {
			cx += printAt(screen, cx+1, y+i, x+w-cx-1, narrate.Text(s.lang, "ui.state.changed"), s.theme.Changed) + 1
		}
		if s.sel.info.Client.IsValid() {
			aw := textWidth(e.addr)
			if x+w-1-aw > cx+1 {
				printAt(screen, x+w-1-aw, y+i, aw, e.addr, s.theme.Dim)
			}
		}
	}
}

var groupKeys = [...]narrate.Key{
	capture.GroupLink:        "ui.group.link",
	capture.GroupNetwork:     "ui.group.network",
	capture.GroupTransport:   "ui.group.transport",
	capture.GroupApplication: "ui.group.app",
}

// drawHeaders lists the layers of the selected packet, the selected one
// highlighted and its fields listed under it.
func (s *LadderScreen) drawHeaders(screen tcell.Screen) {
	x, y, w, h := s.headerBox.GetInnerRect()
	if len(s.sel.layers) == 0 {
		if s.sel.arrow >= 0 && h > 0 {
			printAt(screen, x+1, y, w-1, narrate.Text(s.lang, "ui.bytes.none"), s.theme.Dim)
		}
		return
	}
	// Every header gets a line; the selected one's fields fill what is left.
	room := max(0, h-len(s.sel.layers))
	cy := y
	for i, l := range s.sel.layers {
		if cy >= y+h {
			break
		}
		gk := narrate.Key("ui.group.app")
		if int(l.Group) < len(groupKeys) {
			gk = groupKeys[l.Group]
		}
		head := narrate.Text(s.lang, "ui.layer.title", narrate.Text(s.lang, gk), l.Group.OSI(), l.Name)
		if i != s.sel.layer {
			printAt(screen, x+1, cy, w-1, "▸ "+head, s.theme.Normal)
			cy++
			continue
		}
		fill(screen, x, cy, w, " ", s.theme.Highlight)
		printAt(screen, x+1, cy, w-1, "▾ "+head, s.theme.Highlight)
		cy++
		nameW := 0
		for _, f := range l.Fields {
			nameW = max(nameW, textWidth(f.Name))
		}
		for j, f := range l.Fields {
			if j >= room {
				break
			}
			cx := x + 5
			printAt(screen, cx, cy, x+w-cx, f.Name, s.theme.Dim)
			cx += nameW + 2
			printAt(screen, cx, cy, max(0, x+w-cx), f.Value, s.theme.Normal)
			cy++
		}
	}
}

// hexBytesPerLine returns 16, 8 or 4: what fits in w cells as
// "0000  xx xx …  ascii".
func hexBytesPerLine(w int) int {
	for _, n := range []int{16, 8} {
		if 6+4*n+1 <= w {
			return n
		}
	}
	return 4
}

// hexLines is the number of lines the selected packet's dump takes in a
// pane w cells wide.
func (s *LadderScreen) hexLines(w int) int {
	bpl := hexBytesPerLine(w - 1)
	return max(1, (len(s.sel.data)+bpl-1)/bpl)
}

// drawHex dumps the selected packet's bytes with the selected header's
// bytes highlighted.
func (s *LadderScreen) drawHex(screen tcell.Screen) {
	x, y, w, h := s.hexBox.GetInnerRect()
	data := s.sel.data
	if len(data) == 0 || h < 1 {
		s.hexBox.SetTitle(" " + narrate.Text(s.lang, "ui.panel.hex") + " ")
		return
	}
	start, end := 0, 0
	if s.sel.layer < len(s.sel.layers) {
		l := s.sel.layers[s.sel.layer]
		start, end = l.Start, l.End
		s.hexBox.SetTitle(" " + narrate.Text(s.lang, "ui.panel.hex") + " · " +
			narrate.Text(s.lang, "ui.bytes.range", start, end-1, len(data)) + " ")
	}
	bpl := hexBytesPerLine(w - 1)
	lines := (len(data) + bpl - 1) / bpl
	top := 0
	if first := start / bpl; lines > h && first >= h {
		top = min(first, lines-h)
	}
	for i := 0; i < h && top+i < lines; i++ {
		off := (top + i) * bpl
		cy := y + i
		printAt(screen, x+1, cy, 6, fmt.Sprintf("%04x", off), s.theme.Dim)
		for j := 0; j < bpl && off+j < len(data); j++ {
			b := data[off+j]
			st := s.theme.Normal
			if off+j >= start && off+j < end {
				st = s.theme.Highlight
			}
			printAt(screen, x+7+3*j, cy, 2, fmt.Sprintf("%02x", b), st)
			if j+1 < bpl && off+j+1 < end && off+j+1 >= start && st == s.theme.Highlight {
				screen.Put(x+9+3*j, cy, " ", st)
			}
			c := "."
			if b >= 0x20 && b < 0x7f {
				c = string(rune(b))
			}
			screen.Put(x+8+3*bpl+j, cy, c, st)
		}
	}
}

// drawNarration writes the plain-words explanation of the selected packet.
func (s *LadderScreen) drawNarration(screen tcell.Screen) {
	x, y, w, h := s.narrBox.GetInnerRect()
	if s.sel.arrow < 0 {
		return
	}
	lines := wrap(s.sel.note, w-2)
	if len(lines) > h && h > 0 {
		lines = lines[:h]
		lines[h-1] += "…"
	}
	for i, l := range lines {
		printAt(screen, x+1, y+i, w-2, l, s.theme.Normal)
	}
}
