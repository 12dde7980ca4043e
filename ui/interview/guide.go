package interview

import (
	"context"
	"fmt"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"

	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui"
	"github.com/handshake-viz/handshake-viz/ui/cells"
)

// GuideOptions configure the guided screen of `explain TOPIC`.
type GuideOptions struct {
	Lang   narrate.Lang
	Speed  float64        // the ladder's speed (1: one arrow per 0.8 s)
	Source explain.Source // plays the scenarios of the topics and follow-ups
}

// Guide is the guided screen: the question at the top, the topic's real
// exchange on the ladder screen of package ui, pausing at each key packet
// with the point to notice in the narration, the model answer at the end
// and the follow-up questions one key away (1-9), each opening the topic
// or scenario that shows it; Esc goes back.
//
// Everything runs on the tview UI goroutine except the ladder's own
// animation goroutine (ui.LadderScreen.Start).
type Guide struct {
	app   *tview.Application
	ctx   context.Context
	opts  GuideOptions
	view  *guideView
	cur   *page
	back  []*page
	quit  func()
	err   string // why the last jump failed, shown in the question pane
	help  bool   // the `?` screen of a page without a ladder
	start bool   // Start was called: new pages start their animation
	keys  keyTable[*Guide]
	// answerOnly: at the last draw the answer took the ladder's place.
	answerOnly bool
}

// answerMode says whether the model answer is shown.
type answerMode uint8

const (
	answerAuto answerMode = iota // at the end of the exchange
	answerOn
	answerOff
)

// page is one screen of the guide: a topic, or a scenario opened from a
// follow-up.
type page struct {
	name     string
	topic    explain.Topic // Name "": a scenario page
	question string
	notice   string // a scenario page: what to notice in it (the library's words)
	ex       explain.Exchange
	screen   *ui.LadderScreen // nil on the layers page
	layers   *layersView
	answer   answerMode
	marks    []explain.Mark
	marksN   int // timeline length the marks were found on
}

// guideKeys are the guide's own bindings; the ladder's follow them in the
// help bar and the `?` screen. A new table each call (a function: the
// actions refer back to the screens that use the table).
func guideKeys() keyTable[*Guide] {
	return keyTable[*Guide]{prefix: "explain", rows: []binding[*Guide]{
		{id: "next", bar: 2, keys: []trigger[*Guide]{onKey(tcell.KeyEnter, func(g *Guide, _ rune) { g.NextStop() })},
			useful: func(g *Guide) bool { return g.cur.screen != nil && !g.cur.screen.Player().AtEnd() }},
		{id: "step", bar: 2, useful: func(g *Guide) bool { return g.cur.layers != nil }, keys: []trigger[*Guide]{
			onRune(' ', func(g *Guide, _ rune) { g.cur.layers.move(1) }),
			onKey(tcell.KeyRight, func(g *Guide, _ rune) { g.cur.layers.move(1) }),
			onKey(tcell.KeyLeft, func(g *Guide, _ rune) { g.cur.layers.move(-1) }),
		}},
		{id: "answer", bar: 3, useful: func(g *Guide) bool { return g.cur.topic.Name != "" },
			keys: []trigger[*Guide]{onRune('a', func(g *Guide, _ rune) { g.ToggleAnswer() })}},
		{id: "follow", bar: 2, useful: func(g *Guide) bool { return len(g.cur.topic.FollowUps) > 0 },
			keys: runes('1', '9', func(g *Guide, r rune) { g.Follow(int(r - '1')) })},
		{id: "back", bar: 4, useful: func(g *Guide) bool { return len(g.back) > 0 },
			keys: []trigger[*Guide]{onKey(tcell.KeyEscape, func(g *Guide, _ rune) { g.Back() })}},
		{id: "help", bar: 1, useful: (*Guide).ownScreen,
			keys: []trigger[*Guide]{onRune('?', func(g *Guide, _ rune) { g.help = true })}},
		{id: "quit", bar: 1, useful: (*Guide).ownScreen, keys: []trigger[*Guide]{
			onRune('q', func(g *Guide, _ rune) { g.quitNow() }),
			onKey(tcell.KeyCtrlC, func(g *Guide, _ rune) { g.quitNow() }),
		}},
	}}
}

// GuideKeys returns the catalog keys of the guide's key table.
func GuideKeys() []narrate.Key { return guideKeys().Keys() }

// GuideKeysMarkdown is the guide's own keys as a Markdown table (the
// ladder's keys are ui.KeysMarkdown).
func GuideKeysMarkdown(lang narrate.Lang) string { return guideKeys().Markdown(lang) }

// NewGuide returns the guided screen of topic t over app (nil in tests
// that only draw), playing its scenario through opts.Source.
func NewGuide(ctx context.Context, app *tview.Application, opts GuideOptions, t explain.Topic) (*Guide, error) {
	g := &Guide{app: app, ctx: ctx, opts: opts, keys: guideKeys()}
	g.view = &guideView{Box: tview.NewBox(), g: g}
	p, err := g.topicPage(t)
	if err != nil {
		return nil, err
	}
	g.show(p)
	return g, nil
}

// Primitive is the guide as a tview primitive.
func (g *Guide) Primitive() tview.Primitive { return g.view }

// SetQuitFunc sets what q and Ctrl-C do (default: stop the application).
func (g *Guide) SetQuitFunc(f func()) { g.quit = f }

// Start starts the current page's animation (and of pages opened later).
func (g *Guide) Start() {
	g.start = true
	if g.cur.screen != nil {
		g.cur.screen.Start()
	}
}

// Stop stops every animation; call it before app.Stop.
func (g *Guide) Stop() {
	g.start = false
	if g.cur != nil && g.cur.screen != nil {
		g.cur.screen.Stop()
	}
}

// minLadderH is the least height the ladder screen is given beside the
// answer (below it, ui asks for a bigger terminal).
const minLadderH = 16

// ownScreen reports whether the guide draws the screen without a ladder
// (layers, or the answer alone on a short terminal): its own help bar,
// `?` and q then.
func (g *Guide) ownScreen() bool { return g.cur.layers != nil || g.answerOnly }

// Ladder returns the current page's ladder screen (nil on layers).
func (g *Guide) Ladder() *ui.LadderScreen { return g.cur.screen }

func (g *Guide) quitNow() {
	g.Stop()
	if g.quit != nil {
		g.quit()
		return
	}
	if g.app != nil {
		g.app.Stop()
	}
}

func (g *Guide) topicPage(t explain.Topic) (*page, error) {
	ex, err := g.opts.Source.Play(g.ctx, t.Scenario)
	if err != nil {
		return nil, fmt.Errorf("explain %s: %w", t.Name, err)
	}
	return &page{
		name: t.Name, topic: t, ex: ex,
		question: narrate.Text(g.opts.Lang, explain.TopicKey(t.Name, explain.PartQuestion)),
	}, nil
}

func (g *Guide) scenarioPage(f explain.FollowUp, from explain.Topic) (*page, error) {
	ex, err := g.opts.Source.Play(g.ctx, f.Target)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", f.Target, err)
	}
	p := &page{name: f.Target, ex: ex, question: narrate.Text(g.opts.Lang, explain.FollowKey(from.Name, f.ID))}
	if k := narrate.Key("scenario." + f.Target + ".notice"); narrate.Has(g.opts.Lang, k) && ex.Scenario == f.Target {
		p.notice = narrate.Text(g.opts.Lang, k) // what the scenario's own exchange shows
	}
	return p, nil
}

// show makes p the current page, building its screen.
func (g *Guide) show(p *page) {
	if g.cur != nil && g.cur.screen != nil {
		g.cur.screen.Stop()
	}
	g.cur, g.help = p, false
	if p.topic.Name == "layers" {
		p.layers = newLayersView(g.opts.Lang, p.ex)
		p.screen = nil
		return
	}
	title := narrate.Text(g.opts.Lang, "explain.ui.screen.title", p.name)
	s := ui.NewLadderScreen(g.app, p.ex.Timeline, p.ex.Store, ui.ScreenOptions{
		Title: title, Lang: g.opts.Lang, Speed: g.opts.Speed, Recorded: !p.ex.Live, Stream: -1,
	})
	p.screen = s
	s.SetQuitFunc(g.quitNow)
	s.SetExtraKeys(g.keys.extra(g.opts.Lang, g))
	s.SetNarrationWide(true)
	if p.topic.Name != "" {
		s.SetNote(func(k int) string { return p.noteAt(g.opts.Lang, k) })
		s.Player().SetStops(func(k int) bool { return p.markOf(k) >= 0 })
	}
	if g.start {
		s.Start()
	}
}

// currentMarks are the topic's stops found in the timeline so far.
func (p *page) currentMarks() []explain.Mark {
	n := p.ex.Timeline.Len()
	if n != p.marksN {
		p.marks = p.topic.Marks(p.ex.Timeline.Slice(0, n))
		p.marksN = n
	}
	return p.marks
}

// markOf returns the index of the mark drawn by arrow k, -1 if none.
func (p *page) markOf(k int) int {
	if p.screen == nil || p.topic.Name == "" {
		return -1
	}
	ev := p.screen.ArrowEvent(k)
	for i, m := range p.currentMarks() {
		if m.Event == ev {
			return i
		}
	}
	return -1
}

// noteAt is the point to notice at arrow k ("" when it is no key packet).
func (p *page) noteAt(lang narrate.Lang, k int) string {
	i := p.markOf(k)
	if i < 0 {
		return ""
	}
	evs := p.ex.Timeline.Slice(0, p.ex.Timeline.Len())
	return narrate.Text(lang, "explain.ui.stop", explain.StopText(lang, p.topic, p.marks[i], evs))
}

// nextStop is the arrow of the first key packet after the selected one,
// -1 when none is left.
func (p *page) nextStop() int {
	sel := p.screen.Player().Selected()
	for _, m := range p.currentMarks() {
		if k := p.screen.EventArrow(m.Event); k > sel {
			return k
		}
	}
	return -1
}

// NextStop shows the exchange up to its next key packet at once and
// pauses there; after the last, the whole exchange (and the answer).
func (g *Guide) NextStop() {
	s := g.cur.screen
	if s == nil {
		return
	}
	if k := g.cur.nextStop(); k >= 0 {
		s.Player().Select(k)
	} else {
		s.Player().End()
	}
	s.Sync()
}

// ToggleAnswer shows or hides the model answer.
func (g *Guide) ToggleAnswer() {
	if g.answerShown() {
		g.cur.answer = answerOff
	} else {
		g.cur.answer = answerOn
	}
}

// answerShown reports whether the answer pane is up: at the end of a
// finished exchange, unless hidden, or when asked for.
func (g *Guide) answerShown() bool {
	p := g.cur
	if p.topic.Name == "" {
		return false
	}
	switch p.answer {
	case answerOn:
		return true
	case answerOff:
		return false
	}
	if p.layers != nil {
		return p.layers.atEnd()
	}
	pl := p.screen.Player()
	return p.ex.Timeline.Done() && pl.AtEnd() && pl.Len() > 0
}

// Follow opens follow-up i of the current topic: its topic, or its
// scenario (a stand-in when the source has none yet).
func (g *Guide) Follow(i int) {
	t := g.cur.topic
	if i < 0 || i >= len(t.FollowUps) {
		return
	}
	f := t.FollowUps[i]
	var p *page
	var err error
	if ft, ok := explain.Find(f.Target); ok {
		p, err = g.topicPage(ft)
	} else {
		p, err = g.scenarioPage(f, t)
	}
	if err != nil {
		g.err = err.Error()
		return
	}
	g.err = ""
	g.back = append(g.back, g.cur)
	g.show(p)
}

// Back returns to the page the last follow-up was opened from.
func (g *Guide) Back() {
	if len(g.back) == 0 {
		return
	}
	p := g.back[len(g.back)-1]
	g.back = g.back[:len(g.back)-1]
	g.err = ""
	g.show(p)
}

// HandleKey applies a key: the guide's own first, then the ladder's.
func (g *Guide) HandleKey(ev *tcell.EventKey) bool {
	if s := g.cur.screen; s != nil && s.HelpShown() {
		return s.HandleKey(ev)
	}
	if g.help {
		g.help = false
		return true
	}
	if g.keys.handle(g, ev) {
		return true
	}
	if g.cur.screen != nil {
		return g.cur.screen.HandleKey(ev)
	}
	return false
}

// Title is the current page's name.
func (g *Guide) Title() string { return g.cur.name }

// guideView draws the guide: question pane, answer pane when shown, and
// the page's body (the ladder screen or the layers view).
type guideView struct {
	*tview.Box
	g *Guide
}

// Draw lays the panes out and draws them.
func (v *guideView) Draw(screen tcell.Screen) {
	v.Box.DrawForSubclass(screen, v)
	g := v.g
	lang := g.opts.Lang
	x, y, w, h := v.GetInnerRect()
	if w <= 0 || h <= 0 {
		return
	}
	p := g.cur
	// The question: two lines on small terminals, three from 30 rows; the
	// exchange it plays under it.
	qmax := 2
	if h >= 30 {
		qmax = 3
	}
	q := wrapped(p.question, w-4, styleNormal)
	if len(q) > qmax {
		q = q[:qmax]
		q[qmax-1].text = cells.Fit(q[qmax-1].text+" …", w-4)
	}
	if p.notice != "" {
		q = append(q, styledLine{cells.Fit(p.notice, w-4), styleMark}) // it says "Notice …" itself
	}
	q = append(q, styledLine{cells.Fit(exchangeLine(lang, p.ex), w-4), styleDim})
	if g.err != "" {
		q = append(q, styledLine{cells.Fit(g.err, w-4), styleWrong})
	}
	qTitle := labelled(lang, "explain.ui.question", p.name)
	if p.topic.Name != "" {
		qTitle = labelled(lang, "explain.ui.question", p.name+" · "+narrate.Text(lang, explain.TopicKey(p.topic.Name, explain.PartTitle)))
	}
	qh := len(q) + 2
	pane(screen, x, y, w, qh, qTitle, q)
	y, h = y+qh, h-qh
	g.answerOnly = false
	if g.answerShown() {
		a := g.answerLines(w - 4)
		ah := min(len(a)+2, h/2)
		if p.screen != nil && h-ah < minLadderH {
			// Too short for both: the answer, whole, instead of the
			// ladder (a hides it and brings the ladder back).
			g.answerOnly = true
			pane(screen, x, y, w, h-1, narrate.Text(lang, "explain.ui.answer"), a)
			cells.PrintAt(screen, x, y+h-1, w, g.keys.bar(lang, g, w), styleBar)
			if g.help {
				drawHelp(screen, lang, x, y, w, h, g.keys.help(lang, w-6))
			}
			return
		}
		pane(screen, x, y, w, ah, narrate.Text(lang, "explain.ui.answer"), a)
		y, h = y+ah, h-ah
	}
	if p.layers != nil {
		p.layers.draw(screen, x, y, w, h-1)
		cells.PrintAt(screen, x, y+h-1, w, g.keys.bar(lang, g, w), styleBar)
		if g.help {
			drawHelp(screen, lang, x, y, w, h, g.keys.help(lang, w-6))
		}
		return
	}
	prim := p.screen.Primitive()
	prim.SetRect(x, y, w, h)
	prim.Draw(screen)
}

// answerLines are the model answer and the follow-ups, numbered by their
// keys.
func (g *Guide) answerLines(w int) []styledLine {
	lang := g.opts.Lang
	t := g.cur.topic
	var out []styledLine
	if t.Name == "tcp-vs-udp" {
		evs := g.cur.ex.Timeline.Slice(0, g.cur.ex.Timeline.Len())
		for i, l := range compareLines(lang, evs, g.cur.ex.Store) {
			st := styleNormal
			if i == 0 {
				st = styleTitle
			}
			out = append(out, wrapped(l, w, st)...)
		}
		out = append(out, styledLine{"", styleNormal})
	}
	out = append(out, wrapped(narrate.Text(lang, explain.TopicKey(t.Name, explain.PartAnswer)), w, styleNormal)...)
	if len(t.FollowUps) > 0 {
		out = append(out, styledLine{labelled(lang, "explain.ui.followups", ""), styleTitle})
		for i, f := range t.FollowUps {
			text := fmt.Sprintf("%d  %s", i+1, narrate.Text(lang, explain.FollowKey(t.Name, f.ID)))
			if full := text + " → " + followTarget(lang, f); uniseg.StringWidth(full) <= w-3 {
				text = full // where the key goes, when it fits on the line
			}
			for j, l := range wrapText(text, w-3) {
				if j > 0 {
					l = "   " + l
				}
				out = append(out, styledLine{l, styleNormal})
			}
		}
	}
	return out
}

// drawHelp draws a centred box listing keys (any key closes it).
func drawHelp(screen tcell.Screen, lang narrate.Lang, x, y, w, h int, lines []string) {
	lines = append(lines, "", narrate.Text(lang, "ui.help.close"))
	bw := 0
	for _, l := range lines {
		bw = max(bw, len([]rune(l)))
	}
	bw = min(w, bw+6)
	bh := min(h, len(lines)+2)
	var sl []styledLine
	for _, l := range lines {
		sl = append(sl, styledLine{l, styleNormal})
	}
	bx, by := x+(w-bw)/2, y+(h-bh)/2
	for i := by; i < by+bh; i++ {
		for j := bx; j < bx+bw; j++ {
			screen.SetContent(j, i, ' ', nil, styleNormal)
		}
	}
	pane(screen, bx, by, bw, bh, narrate.Text(lang, "ui.help.title"), sl)
}

// InputHandler hands keys to HandleKey.
func (v *guideView) InputHandler() func(event *tcell.EventKey, setFocus func(p tview.Primitive)) {
	return v.WrapInputHandler(func(event *tcell.EventKey, _ func(p tview.Primitive)) {
		v.g.HandleKey(event)
	})
}

// MouseHandler gives the mouse to the ladder screen.
func (v *guideView) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return v.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		if s := v.g.cur.screen; s != nil {
			return s.Primitive().MouseHandler()(action, event, setFocus)
		}
		return false, nil
	})
}

// RunGuide runs the guided screen of topic t on the terminal until q,
// Ctrl-C or ctx ends; the terminal is restored on return, also on a panic.
func RunGuide(ctx context.Context, opts GuideOptions, t explain.Topic) error {
	return runApp(ctx, tview.NewApplication(), func(app *tview.Application) (screenRunner, error) {
		return NewGuide(ctx, app, opts, t)
	})
}

// screenRunner is what runApp runs: a guide or a quiz.
type screenRunner interface {
	Primitive() tview.Primitive
	Start()
	Stop()
	SetQuitFunc(func())
}

// runApp runs the screen made by mk on app until it quits or ctx ends.
func runApp(ctx context.Context, app *tview.Application, mk func(app *tview.Application) (screenRunner, error)) error {
	s, err := mk(app)
	if err != nil {
		return err
	}
	s.SetQuitFunc(func() { s.Stop(); app.Stop() })
	app.SetRoot(s.Primitive(), true).EnableMouse(true)
	return ui.RunApp(ctx, app, s, "the interview screen")
}
