package interview

import (
	"fmt"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/uniseg"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/cells"
)

// layersView is the body of the layers page: the side-by-side table of
// the models for one real frame, the unit of data as it is now (the
// headers present, the one just added or stripped highlighted) and the
// step of encapsulation or decapsulation being told; space moves on.
type layersView struct {
	lang  narrate.Lang
	m     mapping
	ok    bool
	steps []step
	at    int // the step shown
}

func newLayersView(lang narrate.Lang, ex explain.Exchange) *layersView {
	tl := ex.Timeline
	m, ok := frameMapping(tl.Slice(0, tl.Len()), ex.Store)
	v := &layersView{lang: lang, m: m, ok: ok}
	if ok {
		v.steps = m.Steps(lang)
	}
	return v
}

// move goes d steps on, within the steps.
func (v *layersView) move(d int) {
	v.at = min(max(v.at+d, 0), max(len(v.steps)-1, 0))
}

// atEnd reports whether the last step is shown (the answer comes then).
func (v *layersView) atEnd() bool { return len(v.steps) == 0 || v.at == len(v.steps)-1 }

// draw draws the view in the rectangle.
func (v *layersView) draw(screen tcell.Screen, x, y, w, h int) {
	if !v.ok {
		cells.PrintAt(screen, x+1, y, w-2, narrate.Text(v.lang, "explain.layers.none"), styleDim)
		return
	}
	st := v.steps[v.at]
	var lines []styledLine
	for i, l := range v.m.Table(v.lang) {
		s := styleNormal
		if i == 0 {
			s = styleTitle
		} else if r := v.m.rows()[i-1]; !r.spans && r.group == st.Group && !(st.Wire && r.osi != 1) {
			s = styleMark
		}
		lines = append(lines, styledLine{cells.Fit(l, w-2), s})
	}
	yy := y
	for _, l := range lines {
		if yy >= y+h {
			return
		}
		cells.PrintAt(screen, x+1, yy, w-2, l.text, l.st)
		yy++
	}
	yy++
	// The unit of data now: one block per header present, in frame order.
	if yy < y+h {
		v.drawUnit(screen, x+1, yy, w-2, st)
		yy += 2
	}
	// The step told, in a pane at the bottom of what is left.
	title := st.Title
	for i := v.at; title == "" && i >= 0; i-- {
		title = v.steps[i].Title
	}
	title += " · " + narrate.Text(v.lang, "explain.layers.step", v.at+1, len(v.steps))
	text := wrapped(st.Text, w-4, styleNormal)
	ph := min(len(text)+2, y+h-yy)
	if h >= 30 {
		// Room for the bytes, header by header.
		for _, l := range v.m.ByteLines(v.lang) {
			if yy >= y+h-ph-1 {
				break
			}
			cells.PrintAt(screen, x+1, yy, w-2, l, styleDim)
			yy++
		}
	}
	// The steps before this one, as many of the last as fit.
	room := y + h - ph - yy
	var done []string
	for i := v.at - 1; i >= 0 && len(done) < room; i-- {
		done = append(done, cells.Fit(fmt.Sprintf("%d. %s", i+1, v.steps[i].Text), w-2))
	}
	for i := len(done) - 1; i >= 0; i-- {
		cells.PrintAt(screen, x+1, yy, w-2, done[i], styleDim)
		yy++
	}
	if ph >= 3 {
		pane(screen, x, y+h-ph, w, ph, title, text)
	}
}

// drawUnit draws the headers present at step st as blocks
// "[Ethernet 14][IPv4 20][TCP 32][data 5]", the layer acting highlighted,
// and under it the size of the unit.
func (v *layersView) drawUnit(screen tcell.Screen, x, y, w int, st step) {
	present := map[int]bool{}
	for _, i := range st.Present {
		present[i] = true
	}
	used, total := 0, 0
	for i, l := range v.m.layers {
		if !present[i] {
			continue
		}
		n := l.End - l.Start
		total += n
		block := fmt.Sprintf("[%s %d]", shortName(l.Name), n)
		s := styleNormal
		if l.Group == st.Group || (st.Wire && l.Group == capture.GroupLink) {
			s = styleHi
		}
		if used+uniseg.StringWidth(block) > w {
			break
		}
		used += cells.PrintAt(screen, x+used, y, w-used, block, s)
	}
	label := narrate.Text(v.lang, "explain.layers.unit", narrate.Text(v.lang, v.m.pduKey(st.Group)), total)
	if st.Wire {
		label = narrate.Text(v.lang, "explain.layers.unit", narrate.Text(v.lang, "explain.layers.pdu.frame"), total)
	}
	cells.PrintAt(screen, x, y+1, w, label, styleDim)
}
