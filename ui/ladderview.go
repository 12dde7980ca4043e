package ui

import (
	"math"
	"strconv"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/cells"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// ladderView draws the visible part of a Layout: column headers, then the
// whole ladder, the arrows after the selected one dimmed (not yet played),
// scrolled so the selected arrow is on screen unless the person scrolled
// away from it. Draw touches only visible rows, so it costs the same for
// 10 or 100,000 packets. Owned by the UI goroutine.
type ladderView struct {
	*tview.Box
	lang     narrate.Lang
	theme    *Theme
	layout   *ladder.Layout
	event    func(i int) session.Event // timeline index -> event
	shown    int                       // arrows played (Player.Position); the selected one is shown-1
	hideNext bool                      // draw no row after the selected arrow's (a quiz asks about them)
	progress float64                   // growth of the newest arrow, 0..1
	raw      bool
	timeMode ladder.TimeMode
	onSelect func(arrow int)
	title    string // the border's title; "" names the ladder and its numbering

	top      int // first ladder line drawn
	followed int // the shown count the scroll last followed; -1: none yet
	bodyY    int // screen row of the first ladder line at the last Draw
	bodyH    int // ladder lines on screen at the last Draw
	geo      ladder.Geometry
	numW     int // widest frame number on screen
}

func newLadderView(lang narrate.Lang, theme *Theme, layout *ladder.Layout, event func(int) session.Event) *ladderView {
	v := &ladderView{Box: plainBox(), lang: lang, theme: theme, layout: layout, event: event, followed: -1}
	v.SetBorder(true)
	return v
}

// Scroll moves the ladder by n lines (negative: up). The selection stays;
// the ladder follows it again when it changes.
func (v *ladderView) Scroll(n int) {
	v.followed = v.shown
	v.top = v.clampTop(v.top + n)
}

// Page scrolls by n screens (negative: up), keeping one line of context.
func (v *ladderView) Page(n int) { v.Scroll(n * max(1, v.bodyH-1)) }

// ToggleTime switches the time beside each arrow: since the start, Δt
// since the previous packet, time of day.
func (v *ladderView) ToggleTime() { v.timeMode = v.timeMode.Next() }

func (v *ladderView) clampTop(top int) int {
	return max(0, min(top, v.layout.Lines()-max(1, v.bodyH)))
}

// selectedRow is the row index of the selected arrow, -1 when none.
func (v *ladderView) selectedRow() int {
	if v.shown <= 0 || v.shown > v.layout.Arrows() {
		return -1
	}
	return v.layout.ArrowRow(v.shown - 1)
}

// follow scrolls so the selected arrow is on screen when the selection
// changed (or the arrow still grows) since the last time it followed.
func (v *ladderView) follow() {
	sel := v.selectedRow()
	if sel >= 0 && (v.followed != v.shown || v.progress < 1) {
		r := v.layout.Row(sel)
		if end := r.Line + r.Height(); end > v.top+v.bodyH {
			v.top = end - v.bodyH
		}
		if r.Line < v.top {
			v.top = r.Line
		}
	}
	v.followed = v.shown
	v.top = v.clampTop(v.top)
}

// Draw draws the ladder.
func (v *ladderView) Draw(screen tcell.Screen) {
	title := narrate.Text(v.lang, "ui.numbers.rel")
	if v.raw {
		title = narrate.Text(v.lang, "ui.numbers.raw")
	}
	if v.title != "" {
		title = v.title
	} else {
		title = narrate.Text(v.lang, "ui.panel.ladder", title)
	}
	v.SetTitle(" " + title + " ")
	v.Box.DrawForSubclass(screen, v)
	x, y, w, h := v.GetInnerRect()
	if h < 2 || w < ladder.MinSpan+4 {
		return
	}
	v.drawColumnHeads(screen, x, y, w)
	v.bodyY, v.bodyH = y+1, h-1
	// Before the first arrow is played (a teacher's --start-paused, a
	// replay) nothing is given away; from then on the arrows not yet
	// played are drawn dimmed.
	if v.layout.Lines() == 0 || v.shown <= 0 {
		centered(screen, x, v.bodyY, w, narrate.Text(v.lang, "ui.ladder.waiting"), "", v.theme.Dim, v.theme.Dim)
		return
	}
	v.follow()
	geo, ok := v.fit(w)
	if !ok {
		return
	}
	v.geo = geo
	sel := v.selectedRow()
	line := v.top
	end := min(v.layout.Lines(), v.top+v.bodyH)
	for ri := v.layout.RowAtLine(line); ri >= 0 && ri < v.layout.Len() && line < end; ri++ {
		r := v.layout.Row(ri)
		if v.hideNext && ri > sel {
			break
		}
		for sub := line - r.Line; sub < r.Height() && line < end; sub++ {
			v.drawLine(screen, x, v.bodyY+line-v.top, w, ri, r, r.LineAt(sub), sel)
			line++
		}
	}
}

// fit plans the columns for the visible rows: their widest frame number,
// time and label.
func (v *ladderView) fit(w int) (ladder.Geometry, bool) {
	numW, timeW, labelW := 1, 0, 0
	line := v.top
	end := min(v.layout.Lines(), v.top+v.bodyH)
	for ri := v.layout.RowAtLine(line); ri >= 0 && ri < v.layout.Len() && line < end; ri++ {
		r := v.layout.Row(ri)
		line = r.Line + r.Height()
		if r.Kind != ladder.RowArrow && r.Kind != ladder.RowCall {
			continue
		}
		ev := v.event(r.Event)
		timeW = max(timeW, textWidth(v.timeText(ri, &ev)))
		if r.Kind == ladder.RowCall {
			labelW = max(labelW, textWidth(ladder.CallText(&ev.Call))+2)
			continue
		}
		numW = max(numW, len(strconv.FormatUint(ev.Seg.Frame, 10)))
		labelW = max(labelW, textWidth(ladder.Label(&ev, v.raw)))
	}
	v.numW = numW
	return ladder.Fit(w, numW, timeW, labelW)
}

// timeText is the time beside the arrow or call of row ri.
func (v *ladderView) timeText(ri int, ev *session.Event) string {
	prev := int64(-1)
	for i := ri - 1; i >= 0; i-- {
		if r := v.layout.Row(i); r.Kind == ladder.RowArrow || r.Kind == ladder.RowCall {
			pe := v.event(r.Event)
			prev = ladder.EventTime(&pe)
			break
		}
	}
	return ladder.FormatTime(v.timeMode, ladder.EventTime(ev), v.layout.Start(), prev)
}

// drawColumnHeads writes "Client addr" left and "Server addr" right, for
// the connection of the selected arrow (else of the first row).
func (v *ladderView) drawColumnHeads(screen tcell.Screen, x, y, w int) {
	client := narrate.Text(v.lang, "ui.Client")
	server := narrate.Text(v.lang, "ui.Server")
	ri := v.selectedRow()
	if ri < 0 && v.layout.Len() > 0 {
		ri = 0
	}
	if ri >= 0 {
		info := v.layout.Info(v.layout.Row(ri))
		c, sv := client+" "+info.Client.String(), server+" "+info.Server.String()
		if info.Client.IsValid() && textWidth(c)+textWidth(sv)+1 <= w {
			client, server = c, sv
		}
	}
	sw := textWidth(server)
	cells.PrintAt(screen, x, y, w-sw-1, client, v.theme.Client.Bold(true))
	cells.PrintAt(screen, x+max(0, w-sw), y, w, server, v.theme.Server.Bold(true))
}

// drawLine draws line kind ln of row r (index ri) at screen row y; rows
// after the selected arrow's (sel) are not yet played and drawn dimmed.
func (v *ladderView) drawLine(screen tcell.Screen, x, y, w, ri int, r *ladder.Row, ln ladder.Line, sel int) {
	cx, sx := x+v.geo.ClientX, x+v.geo.ServerX
	span := v.geo.Span()
	future := ri > sel
	pick := func(st tcell.Style) tcell.Style {
		if future {
			return v.theme.Dim
		}
		return st
	}
	switch r.Kind {
	case ladder.RowConnection:
		centered(screen, x, y, w, " "+v.layout.HeaderText(v.lang, r)+" ", "━", pick(v.theme.ConnHeader), pick(v.theme.ConnHeader))
		return
	case ladder.RowPhase:
		v.lifelines(screen, y, cx, sx)
		centered(screen, cx+1, y, span, " "+v.layout.HeaderText(v.lang, r)+" ", "┄", pick(v.theme.PhaseHeader), v.theme.Dim)
		return
	}
	ev := v.event(r.Event)
	v.lifelines(screen, y, cx, sx)
	if r.Kind == ladder.RowCall {
		v.drawCall(screen, y, cx, sx, ri, r, &ev, pick)
		return
	}
	selected := ri == sel
	labelSt := pick(v.theme.Normal)
	if selected {
		labelSt = v.theme.Selected
	}
	switch ln {
	case ladder.LineMarks:
		centeredClip(screen, cx+1, y, span, ladder.Marks(v.lang, &ev), pick(v.theme.Changed))
	case ladder.LineKernel:
		centeredClip(screen, cx+1, y, span, ladder.KernelLine(v.lang, &ev), pick(v.theme.Warn))
	case ladder.LineLabel:
		num := strconv.FormatUint(ev.Seg.Frame, 10)
		cells.PrintAt(screen, x+max(0, v.numW-textWidth(num)), y, cx-x-1, num, v.theme.Dim)
		centeredClip(screen, cx+1, y, span, ladder.Label(&ev, v.raw), labelSt)
		if v.geo.Time {
			cells.PrintAt(screen, sx+2, y, x+w-sx-2, v.timeText(ri, &ev), v.theme.Dim)
		}
	case ladder.LineOptions:
		centeredClip(screen, cx+1, y, span, ladder.OptionsLine(ev.Seg.Options), v.theme.Dim)
	case ladder.LineArrow:
		p := 1.0
		if selected {
			p = v.progress
		}
		v.drawArrow(screen, y, cx, sx, r.Dir, ev.Seg.Verdict, p, selected, future)
		v.drawStates(screen, x, y, w, cx, sx, r, &ev, future)
	}
}

func (v *ladderView) lifelines(screen tcell.Screen, y, cx, sx int) {
	screen.Put(cx, y, "│", v.theme.Lifeline)
	screen.Put(sx, y, "│", v.theme.Lifeline)
}

// drawCall writes a socket call beside its end's lifeline, with its time
// in the time column.
func (v *ladderView) drawCall(screen tcell.Screen, y, cx, sx, ri int, r *ladder.Row, ev *session.Event, pick func(tcell.Style) tcell.Style) {
	text := ladder.CallText(&ev.Call)
	span := sx - cx - 1
	if r.Dir == session.FromClient {
		screen.Put(cx, y, "├", pick(v.theme.Client))
		cells.PrintAt(screen, cx+1, y, span, "╴"+text, pick(v.theme.Client))
	} else {
		screen.Put(sx, y, "┤", pick(v.theme.Server))
		tw := min(textWidth(text)+1, span)
		cells.PrintAt(screen, sx-tw, y, tw, text+"╶", pick(v.theme.Server))
	}
	if v.geo.Time {
		cells.PrintAt(screen, sx+2, y, v.geo.Width, v.timeText(ri, ev), v.theme.Dim)
	}
}

// drawStates writes the states of the arrow row beside the lifelines
// where they change (ladder.States): outside the lifelines when the
// geometry has gutters for them, else inside, at the arrow's ends.
func (v *ladderView) drawStates(screen tcell.Screen, x, y, w, cx, sx int, r *ladder.Row, ev *session.Event, future bool) {
	cs, ss := ladder.States(r, ev)
	short := v.geo.Short()
	style := func(base tcell.Style) tcell.Style {
		if future {
			return v.theme.Dim
		}
		return base.Bold(true)
	}
	inside := v.geo.States == ladder.StatesInside
	if cs.Show {
		name := ladder.StateName(cs.State, short)
		nw := textWidth(name)
		if inside {
			at := cx + 1
			if cs.At == ladder.ArrivalEnd {
				at++ // after the arrowhead
			}
			cells.PrintAt(screen, at, y, sx-at, name+" ", style(v.theme.Client))
		} else {
			cells.PrintAt(screen, cx-1-nw, y, nw, name, style(v.theme.Client))
			if cx-2-nw >= x {
				screen.Put(cx-1, y, " ", v.theme.Normal)
			}
		}
	}
	if ss.Show {
		name := ladder.StateName(ss.State, short)
		nw := textWidth(name)
		if inside {
			end := sx - 1
			if ss.At == ladder.ArrivalEnd {
				end-- // before the arrowhead
			}
			cells.PrintAt(screen, end-nw, y, nw+1, " "+name, style(v.theme.Server))
		} else {
			cells.PrintAt(screen, sx+2, y, x+w-sx-2, name, style(v.theme.Server))
		}
	}
}

// drawArrow draws an arrow from the sender's lifeline grown to p (0..1) of
// the way to the receiver's: not yet played arrows dimmed; the selected
// one over its dimmed whole while it grows; a dropped one stopping
// mid-wire at ✕; a delayed one dashed.
func (v *ladderView) drawArrow(screen tcell.Screen, y, cx, sx int, dir session.Dir, verdict capture.Verdict, p float64, selected, future bool) {
	st := v.theme.Client
	if dir == session.FromServer {
		st = v.theme.Server
	}
	switch {
	case future:
		st = v.theme.Dim
	case selected:
		st = v.theme.Selected
		if p < 1 {
			v.shaft(screen, y, cx, sx, dir, verdict, 1, v.theme.Dim)
		}
	}
	v.shaft(screen, y, cx, sx, dir, verdict, p, st)
}

func (v *ladderView) shaft(screen tcell.Screen, y, cx, sx int, dir session.Dir, verdict capture.Verdict, p float64, st tcell.Style) {
	span := sx - cx - 1
	reach, line, head := span, "─", "▶"
	if dir == session.FromServer {
		head = "◀"
	}
	switch verdict {
	case capture.Dropped:
		reach, head = max(2, span/2), "✕"
	case capture.Delayed:
		line = "╌"
	}
	n := max(1, int(math.Round(p*float64(reach))))
	if dir == session.FromClient {
		fill(screen, cx+1, y, n-1, line, st)
		screen.Put(cx+n, y, head, st)
		return
	}
	fill(screen, sx-n+1, y, n-1, line, st)
	screen.Put(sx-n, y, head, st)
}

// centeredClip writes str centred in [x, x+w); a text wider than w ends
// with … so a cut never passes for the whole.
func centeredClip(s tcell.Screen, x, y, w int, str string, st tcell.Style) {
	if textWidth(str) > w && w > 1 {
		cells.PrintAt(s, x, y, w-1, str, st)
		s.Put(x+w-1, y, "…", st)
		return
	}
	centered(s, x, y, w, str, "", st, st)
}

// arrowAt returns the arrow (0-based) drawn at screen row y, or -1.
func (v *ladderView) arrowAt(y int) int {
	if y < v.bodyY || y >= v.bodyY+v.bodyH {
		return -1
	}
	ri := v.layout.RowAtLine(v.top + y - v.bodyY)
	if ri < 0 || v.layout.Row(ri).Kind != ladder.RowArrow {
		return -1
	}
	return v.layout.ArrowOfRow(ri)
}

// MouseHandler selects the arrow under a left click (also a dimmed one:
// the ladder plays up to it) and scrolls with the wheel.
func (v *ladderView) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return v.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		x, y := event.Position()
		if !v.InInnerRect(x, y) {
			return false, nil
		}
		switch action {
		case tview.MouseScrollUp:
			v.Scroll(-wheelLines)
		case tview.MouseScrollDown:
			v.Scroll(wheelLines)
		case tview.MouseLeftClick:
			if k := v.arrowAt(y); k >= 0 && v.onSelect != nil {
				v.onSelect(k)
			}
		default:
			return false, nil
		}
		return true, nil
	})
}

// ScrollLadder scrolls the ladder by n lines (negative: up); the
// selection does not move. UI goroutine (an input handler).
func (s *LadderScreen) ScrollLadder(n int) { s.ladder.Scroll(n) }

// PageLadder scrolls the ladder by n screens (negative: up).
func (s *LadderScreen) PageLadder(n int) { s.ladder.Page(n) }

// ToggleTime cycles the time beside each arrow (since the start, Δt since
// the previous packet, time of day) and returns the new mode.
func (s *LadderScreen) ToggleTime() ladder.TimeMode { s.ladder.ToggleTime(); return s.ladder.timeMode }
