package ui

import (
	"strings"

	"github.com/gdamore/tcell/v2"

	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// browserTrigger is one key press of the stream list and what it does.
type browserTrigger struct {
	key tcell.Key
	r   rune
	do  func(b *browser)
}

// browserBinding is one line of the stream list's key help, as binding is
// for the ladder: "browser.key.<id>" writes the keys, "browser.keydesc.<id>"
// says what they do, "browser.bar.<id>" is the hint-line form when bar > 0
// (1 always shown, then 2, 3, … as they fit). The hint line, the `?` page
// and the list's key handling are made from browserKeys.
type browserBinding struct {
	id   string
	keys []browserTrigger
	bar  int
}

func (b *browserBinding) nameKey() narrate.Key { return narrate.Key("browser.key." + b.id) }
func (b *browserBinding) descKey() narrate.Key { return narrate.Key("browser.keydesc." + b.id) }
func (b *browserBinding) barKey() narrate.Key  { return narrate.Key("browser.bar." + b.id) }

func bkey(k tcell.Key, do func(b *browser)) browserTrigger { return browserTrigger{key: k, do: do} }
func brune(r rune, do func(b *browser)) browserTrigger {
	return browserTrigger{key: tcell.KeyRune, r: r, do: do}
}

// moveBy moves the list's selection by d rows.
func moveBy(d int) func(b *browser) { return func(b *browser) { b.table.selectRow(b.table.sel + d) } }

func pageBy(d int) func(b *browser) {
	return func(b *browser) { b.table.selectRow(b.table.sel + d*b.table.bodyHeight()) }
}

func toFirst(b *browser) { b.table.selectRow(0) }
func toLast(b *browser)  { b.table.selectRow(len(b.table.view) - 1) }

// browserKeys are the bindings of the stream list, in help order. The
// table is read only.
var browserKeys = [...]browserBinding{
	{id: "move", keys: []browserTrigger{
		bkey(tcell.KeyUp, moveBy(-1)), bkey(tcell.KeyDown, moveBy(1)),
		brune('k', moveBy(-1)), brune('j', moveBy(1)),
	}},
	{id: "page", keys: []browserTrigger{bkey(tcell.KeyPgUp, pageBy(-1)), bkey(tcell.KeyPgDn, pageBy(1))}},
	{id: "ends", keys: []browserTrigger{
		bkey(tcell.KeyHome, toFirst), bkey(tcell.KeyEnd, toLast),
		brune('g', toFirst), brune('G', toLast),
	}},
	{id: "open", bar: 2, keys: []browserTrigger{bkey(tcell.KeyEnter, func(b *browser) {
		if k, ok := b.table.selected(); ok {
			b.open(k)
		}
	})}},
	{id: "back", keys: []browserTrigger{bkey(tcell.KeyEscape, func(b *browser) { b.input.SetText("") })}},
	{id: "filter", bar: 3, keys: []browserTrigger{brune('/', func(b *browser) { b.app.SetFocus(b.input) })}},
	{id: "sort", bar: 4, keys: []browserTrigger{brune('s', func(b *browser) { b.table.cycleSort() })}},
	{id: "reverse", bar: 5, keys: []browserTrigger{brune('S', func(b *browser) { b.table.reverseSort() })}},
	{id: "mouse"},
	{id: "help", bar: 1, keys: []browserTrigger{brune('?', func(b *browser) {
		b.pages.ShowPage(pageHelp)
		b.switched(pageHelp)
	})}},
	{id: "quit", bar: 1, keys: []browserTrigger{brune('q', (*browser).quit)}},
}

// browserAction returns the action of a key on the list, nil when none.
func browserAction(ev *tcell.EventKey) func(b *browser) {
	for i := range browserKeys {
		for _, t := range browserKeys[i].keys {
			if t.key == ev.Key() && (t.key != tcell.KeyRune || t.r == ev.Rune()) {
				return t.do
			}
		}
	}
	return nil
}

// browserHint is the hint line of the list for w cells.
func browserHint(lang narrate.Lang, w int) string {
	items := make([]barItem, 0, len(browserKeys))
	for i := range browserKeys {
		if b := &browserKeys[i]; b.bar > 0 {
			items = append(items, barItem{b.bar, narrate.Text(lang, b.barKey())})
		}
	}
	return fitBar(items, w)
}

// browserHelpLines are the lines of the list's `?` page, w cells wide.
func browserHelpLines(lang narrate.Lang, w int) []string {
	rows := make([][2]string, len(browserKeys))
	for i := range browserKeys {
		rows[i] = [2]string{narrate.Text(lang, browserKeys[i].nameKey()), narrate.Text(lang, browserKeys[i].descKey())}
	}
	return twoColumns(rows, w)
}

// twoColumns aligns key names and descriptions in w cells, wrapping the
// descriptions.
func twoColumns(rows [][2]string, w int) []string {
	nameW := 0
	for _, r := range rows {
		nameW = max(nameW, textWidth(r[0]))
	}
	const gap = 3
	descW := max(10, w-nameW-gap)
	var lines []string
	for _, r := range rows {
		name := r[0]
		for j, d := range wrap(r[1], descW) {
			if j > 0 {
				name = ""
			}
			lines = append(lines, name+strings.Repeat(" ", nameW-textWidth(name)+gap)+d)
		}
	}
	return lines
}

// BrowserKeysMarkdown is the stream list's key table as a Markdown table in
// lang (the README's; a test keeps them equal).
func BrowserKeysMarkdown(lang narrate.Lang) string {
	rows := make([][2]string, len(browserKeys))
	for i := range browserKeys {
		rows[i] = [2]string{narrate.Text(lang, browserKeys[i].nameKey()), narrate.Text(lang, browserKeys[i].descKey())}
	}
	return markdownTable(lang, rows)
}

// markdownTable writes rows of keys and what they do as a Markdown table.
func markdownTable(lang narrate.Lang, rows [][2]string) string {
	var b strings.Builder
	b.WriteString("| " + narrate.Text(lang, "ui.help.col.keys") + " | " + narrate.Text(lang, "ui.help.col.what") + " |\n| --- | --- |\n")
	for _, r := range rows {
		b.WriteString("| " + strings.ReplaceAll(r[0], "|", `\|`) + " | " + strings.ReplaceAll(r[1], "|", `\|`) + " |\n")
	}
	return b.String()
}
