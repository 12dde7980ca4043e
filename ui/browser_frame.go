package ui

import (
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/cells"
)

// drawTop draws the title with the progress bar, and the summary line.
func (b *browser) drawTop(screen tcell.Screen, x, y, w, h int) (int, int, int, int) {
	lang, st := b.opts.Lang, b.status
	n := cells.PrintAt(screen, x, y, w, b.opts.Title, tcell.StyleDefault.Bold(true))
	if !st.done {
		var text string
		switch {
		case b.opts.Live != nil:
			text = narrate.Text(lang, "browser.capturing")
		case st.total > 0:
			text = narrate.Text(lang, "browser.reading", humanBytes(uint64(st.read)), humanBytes(uint64(st.total)))
		default:
			text = narrate.Text(lang, "browser.read_live", humanBytes(uint64(st.read)))
		}
		bx := x + n + 2
		bw := min(40, w-n-4-cells.Width(text))
		if bw >= 10 && st.total > 0 {
			drawBar(screen, bx, y, bw, float64(st.read)/float64(st.total))
			bx += bw + 1
		}
		cells.PrintAt(screen, bx, y, x+w-bx, text, tcell.StyleDefault)
	}
	if h < 2 {
		return x, y, w, h
	}
	parts := []string{narrate.Text(lang, "browser.summary", st.streams, st.flows, st.packets)}
	if st.older > 0 {
		parts = append(parts, narrate.Text(lang, "browser.older", st.older, st.held))
	}
	if len(st.warnings) > 0 {
		parts = append(parts, narrate.Text(lang, "browser.warnings", len(st.warnings)))
	}
	if st.drops > 0 {
		parts = append(parts, narrate.Text(lang, "browser.kernel_drops", st.drops))
	}
	if t := b.table; len(t.view) != t.model.len() {
		parts = append(parts, narrate.Text(lang, "browser.shown", len(t.view), t.model.len()))
	}
	dir := "▲"
	if b.table.reverse {
		dir = "▼"
	}
	parts = append(parts, narrate.Text(lang, "browser.sort", narrate.Text(lang, columnKeys[b.table.sortBy]), dir))
	cells.PrintAt(screen, x, y+1, w, strings.Join(parts, " · "), tcell.StyleDefault.Dim(true))
	return x, y, w, h
}

// drawBar draws a progress bar of width w filled to fraction f.
func drawBar(screen tcell.Screen, x, y, w int, f float64) {
	f = max(0, min(f, 1))
	full := int(f*float64(w) + 0.5)
	for i := range w {
		r := '░'
		if i < full {
			r = '█'
		}
		screen.SetContent(x+i, y, r, nil, tcell.StyleDefault)
	}
}

// drawBottom draws the message or warnings line and the key hints.
func (b *browser) drawBottom(screen tcell.Screen, x, y, w, h int) (int, int, int, int) {
	lang := b.opts.Lang
	line := b.message
	if line == "" && len(b.status.warnings) > 0 {
		line = narrate.Text(lang, "browser.warning", b.status.warnings[0])
		if n := len(b.status.warnings) - 1; n > 0 {
			line += narrate.Text(lang, "browser.more", n)
		}
	}
	cells.PrintAt(screen, x, y, w, line, tcell.StyleDefault.Foreground(tcell.ColorYellow))
	if h > 1 {
		cells.PrintAt(screen, x, y+1, w, browserHint(lang, w), tcell.StyleDefault.Dim(true))
	}
	return x, y, w, h
}

// helpPage is the key help, drawn over the list, centred; on a short
// terminal it scrolls (↑/↓ PgUp/PgDn, see capture).
func (b *browser) helpPage() tview.Primitive { return &helpOverlay{Box: plainBox(), b: b} }

// helpOverlay draws the help box only: the list stays visible around it.
type helpOverlay struct {
	*tview.Box
	b *browser
}

// Draw draws the help box centred in the overlay's rectangle.
func (o *helpOverlay) Draw(screen tcell.Screen) {
	x, y, w, h := o.GetRect()
	o.b.drawHelp(screen, x, y, w, h)
}

// drawHelp draws the key help box in the area.
func (b *browser) drawHelp(screen tcell.Screen, x, y, w, h int) {
	lang := b.opts.Lang
	lines := append(browserHelpLines(lang, min(76, w-4)), "", narrate.Text(lang, "browser.help.close"))
	if len(lines)+2 > h {
		lines[len(lines)-1] = narrate.Text(lang, "ui.help.close.scroll")
	}
	width := 0
	for _, l := range lines {
		width = max(width, cells.Width(l))
	}
	bw, bh := min(w, width+2), min(h, len(lines)+2)
	box := plainBox().SetBorder(true).SetTitle(narrate.Text(lang, "browser.help.title"))
	box.SetRect(x+(w-bw)/2, y+(h-bh)/2, bw, bh)
	box.Draw(screen)
	pl := make([]paneLine, len(lines))
	for i, l := range lines {
		pl[i] = paneLine{pieces: []linePiece{{0, l, tcell.StyleDefault}}}
	}
	theme := DefaultTheme()
	_, _, _, ih := box.GetInnerRect()
	b.helpPageLen = max(1, ih-1)
	drawScrolled(screen, box, pl, &b.helpScroll, lang, "ui.key.scroll", &theme)
}
