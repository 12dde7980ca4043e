package ui

import (
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// drawTop draws the title with the progress bar, and the summary line.
func (b *browser) drawTop(screen tcell.Screen, x, y, w, h int) (int, int, int, int) {
	lang, st := b.opts.Lang, b.status
	n := putCells(screen, x, y, w, b.opts.Title, tcell.StyleDefault.Bold(true))
	if !st.done {
		var text string
		if st.total > 0 {
			text = narrate.Text(lang, "browser.reading", humanBytes(uint64(st.read)), humanBytes(uint64(st.total)))
		} else {
			text = narrate.Text(lang, "browser.read_live", humanBytes(uint64(st.read)))
		}
		bx := x + n + 2
		bw := min(40, w-n-4-cellsWidth(text))
		if bw >= 10 && st.total > 0 {
			drawBar(screen, bx, y, bw, float64(st.read)/float64(st.total))
			bx += bw + 1
		}
		putCells(screen, bx, y, x+w-bx, text, tcell.StyleDefault)
	}
	if h < 2 {
		return x, y, w, h
	}
	parts := []string{narrate.Text(lang, "browser.summary", st.streams, st.flows, st.packets)}
	if len(st.warnings) > 0 {
		parts = append(parts, narrate.Text(lang, "browser.warnings", len(st.warnings)))
	}
	if t := b.table; len(t.view) != len(t.model.rows) {
		parts = append(parts, narrate.Text(lang, "browser.shown", len(t.view), len(t.model.rows)))
	}
	dir := "▲"
	if b.table.reverse {
		dir = "▼"
	}
	parts = append(parts, narrate.Text(lang, "browser.sort", narrate.Text(lang, columnKeys[b.table.sortBy]), dir))
	putCells(screen, x, y+1, w, strings.Join(parts, " · "), tcell.StyleDefault.Dim(true))
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
	putCells(screen, x, y, w, line, tcell.StyleDefault.Foreground(tcell.ColorYellow))
	if h > 1 {
		putCells(screen, x, y+1, w, browserHint(lang, w), tcell.StyleDefault.Dim(true))
	}
	return x, y, w, h
}

// helpPage is the key help, drawn over the list.
func (b *browser) helpPage() tview.Primitive {
	lines := append(browserHelpLines(b.opts.Lang, 76), "", narrate.Text(b.opts.Lang, "browser.help.close"))
	body := strings.Join(lines, "\n")
	width := 0
	for _, l := range lines {
		width = max(width, cellsWidth(l))
	}
	tv := tview.NewTextView().SetText(body).SetDynamicColors(false)
	tv.SetBorder(true).SetTitle(narrate.Text(b.opts.Lang, "browser.help.title"))
	return tview.NewGrid().
		SetColumns(0, width+4, 0).
		SetRows(0, len(lines)+2, 0).
		AddItem(tv, 1, 1, 1, 1, 0, 0, false)
}
