package interview

import (
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/uniseg"

	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui"
)

// trigger is one key press and what it does on screen x (a *Guide or a
// *Quiz).
type trigger[X any] struct {
	key tcell.Key
	r   rune // key == tcell.KeyRune: the rune
	do  func(x X, r rune)
}

// binding is one line of a screen's keys: its triggers and its texts in
// the catalog under prefix ("explain" or "quiz"): "<prefix>.key.<id>"
// writes the keys, "<prefix>.keydesc.<id>" says what they do,
// "<prefix>.bar.<id>" is its short form in the help bar (bar > 0: its
// priority there, 1 always shown). The help bar, the `?` screen, the
// README's table and the key handling all come from one table.
type binding[X any] struct {
	id     string
	keys   []trigger[X]
	bar    int
	useful func(x X) bool // nil: always
}

func onRune[X any](r rune, do func(x X, r rune)) trigger[X] {
	return trigger[X]{key: tcell.KeyRune, r: r, do: do}
}

func onKey[X any](k tcell.Key, do func(x X, r rune)) trigger[X] {
	return trigger[X]{key: k, do: do}
}

// runes binds each of the runes from..to to do.
func runes[X any](from, to rune, do func(x X, r rune)) []trigger[X] {
	var out []trigger[X]
	for r := from; r <= to; r++ {
		out = append(out, onRune(r, do))
	}
	return out
}

// keyTable is a screen's bindings and the catalog prefix of their texts.
type keyTable[X any] struct {
	prefix string
	rows   []binding[X]
}

func (t keyTable[X]) text(lang narrate.Lang, part, id string) string {
	return narrate.Text(lang, narrate.Key(t.prefix+"."+part+"."+id))
}

// Keys returns every catalog key of the table.
func (t keyTable[X]) Keys() []narrate.Key {
	var out []narrate.Key
	for _, b := range t.rows {
		out = append(out, narrate.Key(t.prefix+".key."+b.id), narrate.Key(t.prefix+".keydesc."+b.id))
		if b.bar > 0 {
			out = append(out, narrate.Key(t.prefix+".bar."+b.id))
		}
	}
	return out
}

// handle runs the action of ev on x and reports whether a binding had it
// (and was useful now).
func (t keyTable[X]) handle(x X, ev *tcell.EventKey) bool {
	for _, b := range t.rows {
		if b.useful != nil && !b.useful(x) {
			continue
		}
		for _, tr := range b.keys {
			if tr.key == ev.Key() && (tr.key != tcell.KeyRune || tr.r == ev.Rune()) {
				tr.do(x, ev.Rune())
				return true
			}
		}
	}
	return false
}

// extra returns the table as keys added to an embedded ladder screen.
func (t keyTable[X]) extra(lang narrate.Lang, x X) []ui.ExtraKey {
	out := make([]ui.ExtraKey, 0, len(t.rows))
	for _, b := range t.rows {
		k := ui.ExtraKey{Keys: t.text(lang, "key", b.id), Desc: t.text(lang, "keydesc", b.id), Prio: b.bar}
		if b.bar > 0 {
			k.Bar = t.text(lang, "bar", b.id)
		}
		if b.useful != nil {
			useful := b.useful
			k.Useful = func() bool { return useful(x) }
		}
		out = append(out, k)
	}
	return out
}

// bar is the help bar of a screen drawn without a ladder: the useful
// bindings with a bar priority, in table order, dropping from the lowest
// priority those that do not fit in w cells.
func (t keyTable[X]) bar(lang narrate.Lang, x X, w int) string {
	type item struct {
		prio int
		text string
	}
	var items []item
	for _, b := range t.rows {
		if b.bar > 0 && (b.useful == nil || b.useful(x)) {
			items = append(items, item{b.bar, t.text(lang, "bar", b.id)})
		}
	}
	const sep = " · "
	for {
		parts := make([]string, len(items))
		worst, at := 0, -1
		for i, it := range items {
			parts[i] = it.text
			if it.prio > 1 && it.prio >= worst {
				worst, at = it.prio, i
			}
		}
		s := strings.Join(parts, sep)
		if uniseg.StringWidth(s) <= w || at < 0 {
			return s
		}
		items = append(items[:at], items[at+1:]...)
	}
}

// help returns the `?` lines: keys and what they do, aligned.
func (t keyTable[X]) help(lang narrate.Lang, w int) []string {
	keyW := 0
	for _, b := range t.rows {
		keyW = max(keyW, uniseg.StringWidth(t.text(lang, "key", b.id)))
	}
	var out []string
	for _, b := range t.rows {
		k := t.text(lang, "key", b.id)
		pad := strings.Repeat(" ", keyW-uniseg.StringWidth(k)+2)
		for i, l := range wrapText(t.text(lang, "keydesc", b.id), w-keyW-2) {
			if i == 0 {
				out = append(out, k+pad+l)
			} else {
				out = append(out, strings.Repeat(" ", keyW+2)+l)
			}
		}
	}
	return out
}

// Markdown is the table as Markdown rows (the README's key table).
func (t keyTable[X]) Markdown(lang narrate.Lang) string {
	var b strings.Builder
	b.WriteString("| " + narrate.Text(lang, "explain.keys.col.key") + " | " + narrate.Text(lang, "explain.keys.col.does") + " |\n|---|---|\n")
	for _, r := range t.rows {
		b.WriteString("| " + strings.ReplaceAll(t.text(lang, "key", r.id), "|", "\\|") + " | " + t.text(lang, "keydesc", r.id) + " |\n")
	}
	return b.String()
}
