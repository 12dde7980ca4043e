package ui

import (
	"slices"
	"strings"

	"github.com/gdamore/tcell/v2"

	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// trigger is one key press and what it does.
type trigger struct {
	key tcell.Key
	r   rune // key == tcell.KeyRune: the rune
	do  func(s *LadderScreen)
}

// binding is one line of the key help: the keys that trigger it, each
// with its action, and its texts in the catalog: "ui.key.<id>" writes the
// keys, "ui.keydesc.<id>" says what they do, and, when bar > 0,
// "ui.bar.<id>" is its short form in the help bar. The help bar, the `?`
// screen, the README's key table and HandleKey are all made from
// ladderKeys, so they cannot drift apart.
type binding struct {
	id   string
	keys []trigger // none: a mouse gesture, documented only
	// bar is the help-bar priority: 1 is always shown, then 2, 3, … as
	// long as they fit; 0 is never in the bar (only in the `?` screen).
	bar int
	// useful, when set, says whether the binding does anything on the
	// screen as it is (the bar leaves it out otherwise).
	useful func(s *LadderScreen) bool
}

func (b *binding) nameKey() narrate.Key { return narrate.Key("ui.key." + b.id) }
func (b *binding) descKey() narrate.Key { return narrate.Key("ui.keydesc." + b.id) }
func (b *binding) barKey() narrate.Key  { return narrate.Key("ui.bar." + b.id) }

func onRune(r rune, do func(s *LadderScreen)) trigger {
	return trigger{key: tcell.KeyRune, r: r, do: do}
}

func onKey(k tcell.Key, do func(s *LadderScreen)) trigger { return trigger{key: k, do: do} }

// ladderKeys are the bindings of the ladder screen, in help order. The
// table is read only.
var ladderKeys = [...]binding{
	{id: "space", bar: 2, keys: []trigger{onRune(' ', (*LadderScreen).togglePlay)}},
	{id: "step", bar: 3, keys: []trigger{
		onKey(tcell.KeyLeft, func(s *LadderScreen) { s.player.Step(-1) }),
		onKey(tcell.KeyRight, func(s *LadderScreen) { s.player.Step(1) }),
	}},
	{id: "ends", bar: 9, keys: []trigger{
		onKey(tcell.KeyHome, func(s *LadderScreen) { s.player.Home() }),
		onKey(tcell.KeyEnd, func(s *LadderScreen) { s.player.End() }),
	}},
	// The ladder's own scrolling. Until the ladder view scrolls by itself,
	// scrollLadder moves the selection, which scrolls the ladder to it.
	{id: "scroll", bar: 0, keys: []trigger{
		onKey(tcell.KeyUp, func(s *LadderScreen) { s.ScrollLadder(-1) }),
		onKey(tcell.KeyDown, func(s *LadderScreen) { s.ScrollLadder(1) }),
		onKey(tcell.KeyPgUp, func(s *LadderScreen) { s.PageLadder(-1) }),
		onKey(tcell.KeyPgDn, func(s *LadderScreen) { s.PageLadder(1) }),
	}},
	{id: "replay", bar: 10, keys: []trigger{onRune('r', func(s *LadderScreen) { s.player.Replay() })}},
	{id: "numbers", bar: 6, keys: []trigger{onRune('n', func(s *LadderScreen) { s.raw, s.sel.arrow = !s.raw, -1 })}},
	{id: "time", bar: 0, keys: []trigger{onRune('t', (*LadderScreen).toggleTime)}},
	{id: "layer", bar: 5, useful: func(s *LadderScreen) bool { return !s.focus && len(s.sel.layers) > 1 }, keys: []trigger{
		onKey(tcell.KeyTab, func(s *LadderScreen) { s.moveLayer(1) }),
		onKey(tcell.KeyBacktab, func(s *LadderScreen) { s.moveLayer(-1) }),
	}},
	{id: "headscroll", bar: 11, useful: func(s *LadderScreen) bool { return !s.focus && s.headScroll.max > 0 }, keys: []trigger{
		onRune('[', func(s *LadderScreen) { s.headScroll.by(-1) }),
		onRune(']', func(s *LadderScreen) { s.headScroll.by(1) }),
	}},
	{id: "hexscroll", bar: 0, keys: []trigger{
		onRune('{', func(s *LadderScreen) { s.hexScroll.by(-1) }),
		onRune('}', func(s *LadderScreen) { s.hexScroll.by(1) }),
	}},
	{id: "speed", bar: 8, keys: []trigger{
		onRune('+', func(s *LadderScreen) { s.player.Faster() }),
		onRune('=', func(s *LadderScreen) { s.player.Faster() }),
		onRune('-', func(s *LadderScreen) { s.player.Slower() }),
	}},
	{id: "focus", bar: 4, keys: []trigger{onRune('f', func(s *LadderScreen) { s.focus = !s.focus })}},
	{id: "expand", bar: 7, useful: func(s *LadderScreen) bool { return s.narrWide || s.narrCut }, keys: []trigger{
		onRune('e', func(s *LadderScreen) { s.narrWide = !s.narrWide }),
	}},
	{id: "export", bar: 12, useful: func(s *LadderScreen) bool { return s.opts.Export != nil }, keys: []trigger{
		onRune('x', (*LadderScreen).askExport),
	}},
	{id: "save", bar: 13, useful: func(s *LadderScreen) bool { return s.opts.Save != nil }, keys: []trigger{
		onRune('w', (*LadderScreen).saveCapture),
	}},
	{id: "mouse", bar: 0},
	{id: "wheel", bar: 0},
	{id: "help", bar: 1, keys: []trigger{onRune('?', func(s *LadderScreen) { s.helpShown = true })}},
	{id: "quit", bar: 1, keys: []trigger{
		onRune('q', (*LadderScreen).quit),
		onKey(tcell.KeyCtrlC, (*LadderScreen).quit),
	}},
}

// lookupKey returns the action of a key press, nil when no binding has it.
func lookupKey(ev *tcell.EventKey) func(s *LadderScreen) {
	for i := range ladderKeys {
		for _, t := range ladderKeys[i].keys {
			if t.key == ev.Key() && (t.key != tcell.KeyRune || t.r == ev.Rune()) {
				return t.do
			}
		}
	}
	return nil
}

// HandleKey applies a key to the screen and reports whether it used it.
// Keys it does not use (Esc, for instance) are left to the embedding
// screen. Call it on the UI goroutine only (from an input handler); it
// never draws nor queues updates: tview redraws after the handler returns.
func (s *LadderScreen) HandleKey(ev *tcell.EventKey) bool {
	if s.helpShown {
		// ↑/↓ and PgUp/PgDn scroll a help taller than the terminal; any
		// other key closes it.
		switch ev.Key() {
		case tcell.KeyUp:
			s.helpScroll.by(-1)
		case tcell.KeyDown:
			s.helpScroll.by(1)
		case tcell.KeyPgUp:
			s.helpScroll.by(-s.helpScroll.page)
		case tcell.KeyPgDn:
			s.helpScroll.by(s.helpScroll.page)
		default:
			s.helpShown = false
			s.helpScroll.top = 0
		}
		return true
	}
	if s.exportAsk {
		s.answerExport(ev)
		return true
	}
	do := lookupKey(ev)
	if do == nil {
		return false
	}
	s.status = "" // a message lasts until the next key
	do(s)
	s.sync()
	s.idle.Store(false)
	return true
}

// helpBar is the help bar for a width of w cells: the bindings with a bar
// priority that are useful now (s nil: all of them), in table order,
// keeping the most important ones that fit ("? keys" and "q quit" always).
func helpBar(lang narrate.Lang, w int, s *LadderScreen) string {
	items := make([]barItem, 0, len(ladderKeys))
	if s != nil {
		items = append(items, s.embed.barItems()...)
	}
	for i := range ladderKeys {
		if b := &ladderKeys[i]; b.bar > 0 && (s == nil || b.useful == nil || b.useful(s)) {
			items = append(items, barItem{b.bar, narrate.Text(lang, b.barKey())})
		}
	}
	return fitBar(items, w)
}

// barItem is one binding of a help bar: its priority and text.
type barItem struct {
	prio int
	text string
}

// fitBar joins the items in their order, leaving out, from the lowest
// priority (highest number) up, those that do not fit in w cells;
// priority 1 items always stay.
func fitBar(items []barItem, w int) string {
	const sep = " · "
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return items[a].prio - items[b].prio })
	keep := make([]bool, len(items))
	used := -textWidth(sep)
	for _, i := range order {
		need := textWidth(sep) + textWidth(items[i].text)
		if items[i].prio > 1 && used+need > w {
			continue
		}
		keep[i] = true
		used += need
	}
	var parts []string
	for i, it := range items {
		if keep[i] {
			parts = append(parts, it.text)
		}
	}
	return strings.Join(parts, sep)
}

// helpLines are the lines of the `?` screen: each binding's keys and what
// they do, in two aligned columns at most w cells wide (descriptions wrap).
func helpLines(lang narrate.Lang, w int) []string {
	return twoColumns(ladderHelpRows(lang), w)
}

// ladderHelpRows are the keys and descriptions of ladderKeys.
func ladderHelpRows(lang narrate.Lang) [][2]string {
	rows := make([][2]string, len(ladderKeys))
	for i := range ladderKeys {
		rows[i] = [2]string{narrate.Text(lang, ladderKeys[i].nameKey()), narrate.Text(lang, ladderKeys[i].descKey())}
	}
	return rows
}

// KeysMarkdown is the key table of the ladder screen as a Markdown table in
// lang, made from the same bindings as the help bar and the `?` screen
// (the README's table is this one; a test keeps them equal).
func KeysMarkdown(lang narrate.Lang) string {
	rows := make([][2]string, len(ladderKeys))
	for i := range ladderKeys {
		rows[i] = [2]string{narrate.Text(lang, ladderKeys[i].nameKey()), narrate.Text(lang, ladderKeys[i].descKey())}
	}
	return markdownTable(lang, rows)
}

// togglePlay pauses or resumes; it also ends a hold (--start-paused).
func (s *LadderScreen) togglePlay() { s.player.Toggle() }

// toggleTime switches packet times between "since the first packet"
// and the capture's clock: the state pane's border shows the selected
// packet's (a ladder time column reads the same choice).
func (s *LadderScreen) toggleTime() { s.absTime = s.ToggleTime() == ladder.TimeOfDay }

// scrollLadder moves through the ladder by d arrows. The ladder draws the
// rows up to the selected arrow, so moving the selection scrolls it; a
// ladder view that scrolls on its own takes these keys over.
func (s *LadderScreen) scrollLadder(d int) {
	if s.player.Len() == 0 {
		return
	}
	s.player.Select(min(max(s.player.Selected()+d, 0), s.player.Len()-1))
}

// ladderPage is the number of arrows a page of the ladder holds (an
// arrow takes two lines or more).
func (s *LadderScreen) ladderPage() int {
	_, _, _, h := s.ladder.GetInnerRect()
	return max(1, (h-1)/2)
}

// quit runs the quit function: by default it stops the animation and the
// application.
func (s *LadderScreen) quit() {
	if s.onQuit != nil {
		s.onQuit()
		return
	}
	s.Stop()
	if s.app != nil {
		s.app.Stop()
	}
}

// SetQuitFunc replaces what q and Ctrl-C do (by default: Stop, then stop
// the application). The function runs on the UI goroutine.
func (s *LadderScreen) SetQuitFunc(f func()) { s.onQuit = f }

// drawHelp draws the `?` screen listing every binding, centred in the area.
func (s *LadderScreen) drawHelp(screen tcell.Screen, x, y, w, h int) {
	lines := twoColumns(append(s.embed.helpRows(), ladderHelpRows(s.lang)...), w-5)
	textW := 0
	for _, l := range lines {
		textW = max(textW, textWidth(l))
	}
	// The state rule, under the keys, as wide as they are.
	lines = append(lines, "")
	lines = append(lines, wrap(narrate.Text(s.lang, "ui.help.states"), max(20, min(textW, w-5)))...)
	lines = append(lines, "", narrate.Text(s.lang, "ui.help.close"))
	if len(lines)+2 > h {
		lines[len(lines)-1] = narrate.Text(s.lang, "ui.help.close.scroll")
	}
	for _, l := range lines {
		textW = max(textW, textWidth(l))
	}
	bw := min(w, textW+4)
	if w-bw < 4 {
		bw = w // no sliver of the panes beside the box
	}
	bh := min(h, len(lines)+2)
	bx, by := x+(w-bw)/2, y+(h-bh)/2
	box := plainBox().SetBorder(true).SetTitle(" " + narrate.Text(s.lang, "ui.help.title") + " ")
	box.SetRect(bx, by, bw, bh)
	box.Draw(screen)
	pl := make([]paneLine, len(lines))
	for i, l := range lines {
		st := s.theme.Normal
		if i == len(lines)-1 {
			st = s.theme.Dim
		}
		pl[i] = paneLine{pieces: []linePiece{{1, l, st}}}
	}
	_, _, _, ih := box.GetInnerRect()
	s.helpScroll.page = max(1, ih-1)
	s.drawLines(screen, box, pl, &s.helpScroll.paneScroll, "ui.key.scroll")
}
