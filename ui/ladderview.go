package ui

import (
	"math"
	"strconv"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// Ladder geometry, in cells.
const (
	frameColWidth = 7 // frame numbers left of the client lifeline
	rightMargin   = 1
	minSpan       = 8 // narrowest gap between the lifelines
)

// ladderView draws the visible part of a Layout: column headers, then the
// rows that end at the selected arrow, scrolled so it is on screen. Draw
// touches only visible rows, so it costs the same for 10 or 100,000 packets.
// Owned by the UI goroutine.
type ladderView struct {
	*tview.Box
	lang     narrate.Lang
	theme    *Theme
	layout   *ladder.Layout
	event    func(i int) session.Event // timeline index -> event
	shown    int                       // arrows shown (Player.Position)
	progress float64                   // growth of the newest arrow, 0..1
	raw      bool
	onSelect func(arrow int)

	top   int // first ladder line drawn at the last Draw
	bodyY int // screen row of that line
}

func newLadderView(lang narrate.Lang, theme *Theme, layout *ladder.Layout, event func(int) session.Event) *ladderView {
	v := &ladderView{Box: tview.NewBox(), lang: lang, theme: theme, layout: layout, event: event}
	v.SetBorder(true)
	return v
}

// columns returns the x of the client and server lifelines.
func (v *ladderView) columns() (cx, sx int, ok bool) {
	x, _, w, _ := v.GetInnerRect()
	cx = x + frameColWidth
	sx = x + w - 1 - rightMargin
	return cx, sx, sx-cx-1 >= minSpan
}

// endLine is the ladder line after the last shown arrow.
func (v *ladderView) endLine() int {
	if v.shown <= 0 {
		return 0
	}
	r := v.layout.Row(v.layout.ArrowRow(v.shown - 1))
	return r.Line + r.Height()
}

// Draw draws the ladder.
func (v *ladderView) Draw(screen tcell.Screen) {
	title := narrate.Text(v.lang, "ui.numbers.rel")
	if v.raw {
		title = narrate.Text(v.lang, "ui.numbers.raw")
	}
	v.SetTitle(" " + narrate.Text(v.lang, "ui.panel.ladder", title) + " ")
	v.Box.DrawForSubclass(screen, v)
	x, y, w, h := v.GetInnerRect()
	cx, sx, ok := v.columns()
	if h < 2 || !ok {
		return
	}
	v.drawColumnHeads(screen, x, y, w)
	bodyH := h - 1
	v.bodyY = y + 1
	if v.shown <= 0 {
		centered(screen, x, v.bodyY, w, narrate.Text(v.lang, "ui.ladder.waiting"), "", v.theme.Dim, v.theme.Dim)
		return
	}
	end := v.endLine()
	v.top = max(0, end-bodyH)
	line := v.top
	for ri := v.layout.RowAtLine(line); ri >= 0 && ri < v.layout.Len() && line < end; ri++ {
		r := v.layout.Row(ri)
		for sub := line - r.Line; sub < r.Height() && line < end; sub++ {
			v.drawLine(screen, x, v.bodyY+line-v.top, w, cx, sx, ri, r, sub)
			line++
		}
	}
}

// drawColumnHeads writes "Client addr" left and "Server addr" right, for
// the connection of the selected arrow.
func (v *ladderView) drawColumnHeads(screen tcell.Screen, x, y, w int) {
	client := narrate.Text(v.lang, "ui.Client")
	server := narrate.Text(v.lang, "ui.Server")
	if v.shown > 0 {
		info := v.layout.Info(v.layout.Row(v.layout.ArrowRow(v.shown - 1)))
		c, sv := client+" "+info.Client.String(), server+" "+info.Server.String()
		if info.Client.IsValid() && textWidth(c)+textWidth(sv)+1 <= w {
			client, server = c, sv
		}
	}
	sw := textWidth(server)
	printAt(screen, x, y, w-sw-1, client, v.theme.Client.Bold(true))
	printAt(screen, x+max(0, w-sw), y, w, server, v.theme.Server.Bold(true))
}

func (v *ladderView) lifelines(screen tcell.Screen, y, cx, sx int) {
	screen.Put(cx, y, "│", v.theme.Lifeline)
	screen.Put(sx, y, "│", v.theme.Lifeline)
}

// drawLine draws sub-line sub of row r at screen row y.
func (v *ladderView) drawLine(screen tcell.Screen, x, y, w, cx, sx, ri int, r *ladder.Row, sub int) {
	span := sx - cx - 1
	switch r.Kind {
	case ladder.RowConnection:
		centered(screen, x, y, w, " "+v.layout.HeaderText(v.lang, r)+" ", "━", v.theme.ConnHeader, v.theme.ConnHeader)
		return
	case ladder.RowPhase:
		v.lifelines(screen, y, cx, sx)
		centered(screen, cx+1, y, span, " "+v.layout.HeaderText(v.lang, r)+" ", "┄", v.theme.PhaseHeader, v.theme.Dim)
		return
	}
	arrow := v.layout.ArrowOfRow(ri)
	selected := arrow == v.shown-1
	ev := v.event(r.Event)
	v.lifelines(screen, y, cx, sx)
	labelSt := v.theme.Normal
	if selected {
		labelSt = v.theme.Selected
	}
	switch sub {
	case 0:
		centered(screen, cx+1, y, span, ladder.Label(&ev, v.raw), "", labelSt, labelSt)
	case 1:
		num := strconv.FormatUint(ev.Seg.Frame, 10)
		printAt(screen, cx-1-textWidth(num), y, frameColWidth-1, num, v.theme.Dim)
		p := 1.0
		if selected {
			p = v.progress
		}
		v.drawArrow(screen, y, cx, sx, r.Dir, p, selected)
	default:
		text := v.extraLine(&ev, sub-2)
		centered(screen, cx+1, y, span, text, "", v.theme.Dim, v.theme.Dim)
	}
}

// extraLine returns the n-th line under an arrow: the SYN options first,
// then the analysis marks.
func (v *ladderView) extraLine(ev *session.Event, n int) string {
	opts, _ := ladder.ArrowExtras(ev)
	if opts {
		if n == 0 {
			return ladder.OptionsLine(ev.Seg.Options)
		}
		n--
	}
	if n == 0 {
		return ladder.Marks(v.lang, ev.Analysis)
	}
	return ""
}

// drawArrow draws an arrow from the sender's lifeline grown to p (0..1) of
// the way to the receiver's.
func (v *ladderView) drawArrow(screen tcell.Screen, y, cx, sx int, dir session.Dir, p float64, selected bool) {
	span := sx - cx - 1
	n := max(1, int(math.Round(p*float64(span))))
	st := v.theme.Client
	if dir == session.FromServer {
		st = v.theme.Server
	}
	if selected {
		st = v.theme.Selected
	}
	if dir == session.FromClient {
		fill(screen, cx+1, y, n-1, "─", st)
		screen.Put(cx+n, y, "▶", st)
		return
	}
	fill(screen, sx-n+1, y, n-1, "─", st)
	screen.Put(sx-n, y, "◀", st)
}

// arrowAt returns the arrow (0-based) drawn at screen row y, or -1.
func (v *ladderView) arrowAt(y int) int {
	if y < v.bodyY {
		return -1
	}
	line := v.top + y - v.bodyY
	if line >= v.endLine() {
		return -1
	}
	ri := v.layout.RowAtLine(line)
	if ri < 0 || v.layout.Row(ri).Kind != ladder.RowArrow {
		return -1
	}
	return v.layout.ArrowOfRow(ri)
}

// MouseHandler selects the arrow under a left click.
func (v *ladderView) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return v.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		x, y := event.Position()
		if action != tview.MouseLeftClick || !v.InInnerRect(x, y) {
			return false, nil
		}
		if k := v.arrowAt(y); k >= 0 && v.onSelect != nil {
			v.onSelect(k)
		}
		return true, nil
	})
}
