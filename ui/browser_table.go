package ui

import (
	"slices"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/cells"
)

// rowKey identifies a row across updates, so the selection stays on the
// same stream while the list grows and re-sorts.
type rowKey struct {
	kind  session.EventKind
	index int
}

// streamTable is the stream list widget. It draws only the visible rows, so
// scrolling and redrawing cost the same for 10 or 60,000 streams; filtering
// and sorting happen when the filter, the sort or the rows change.
type streamTable struct {
	*tview.Box
	lang    narrate.Lang
	model   rowModel
	view    []uint32    // positions in model of the rows shown, filtered and sorted
	entries []sortEntry // scratch space of the sort
	filter  string
	sortBy  column
	reverse bool
	sel     int    // index in view of the selected row
	selKey  rowKey // identity of the selected row
	hasSel  bool
	offset  int // index in view of the first visible row
	onOpen  func(k rowKey)
	emptyAt narrate.Key // message shown when view is empty
	live    bool        // watch: the State and Process columns are shown
}

// hidden reports whether column c is not shown at all: the live columns
// of a list that is not live.
func (t *streamTable) hidden(c column) bool {
	return !t.live && (c == colState || c == colProcess)
}

func newStreamTable(lang narrate.Lang) *streamTable {
	return &streamTable{Box: plainBox(), lang: lang}
}

// setModel replaces the rows (keeping filter, sort and selection).
func (t *streamTable) setModel(m rowModel) {
	t.model = m
	t.refilter()
}

// setFilter narrows the rows to those matching every word of f.
func (t *streamTable) setFilter(f string) {
	t.filter = f
	t.refilter()
}

// cycleSort sorts by the next column.
func (t *streamTable) cycleSort() {
	t.sortBy = (t.sortBy + 1) % numColumns
	for t.hidden(t.sortBy) {
		t.sortBy = (t.sortBy + 1) % numColumns
	}
	t.refilter()
}

// sortOn sorts by column c, or reverses the sort when c is already it.
func (t *streamTable) sortOn(c column) {
	if c == t.sortBy {
		t.reverse = !t.reverse
	} else {
		t.sortBy, t.reverse = c, false
	}
	t.refilter()
}

// reverseSort flips the sort order.
func (t *streamTable) reverseSort() {
	t.reverse = !t.reverse
	t.refilter()
}

func (t *streamTable) refilter() {
	t.view = t.model.filter(t.view, t.filter)
	t.entries = t.model.sort(t.view, t.sortBy, t.reverse, t.entries)
	t.sel = 0
	if t.hasSel {
		if want, ok := t.model.pos(t.selKey); ok {
			if i := slices.Index(t.view, uint32(want)); i >= 0 {
				t.sel = i
			}
		}
	}
	t.selectRow(t.sel)
}

// selectRow moves the selection to view index i (clamped).
func (t *streamTable) selectRow(i int) {
	t.sel = max(0, min(i, len(t.view)-1))
	if len(t.view) > 0 {
		t.selKey, t.hasSel = t.model.key(int(t.view[t.sel])), true
	}
}

// selected returns the selected row, false when the view is empty.
func (t *streamTable) selected() (rowKey, bool) {
	if t.sel < len(t.view) {
		return t.model.key(int(t.view[t.sel])), true
	}
	return rowKey{}, false
}

// viewKey is the identity of the i-th row shown.
func (t *streamTable) viewKey(i int) rowKey { return t.model.key(int(t.view[i])) }

// bodyHeight is the number of rows that fit below the header.
func (t *streamTable) bodyHeight() int {
	_, _, _, h := t.GetInnerRect()
	return max(1, h-1)
}

// scroll keeps the selection visible.
func (t *streamTable) scroll() {
	h := t.bodyHeight()
	if t.sel < t.offset {
		t.offset = t.sel
	}
	if t.sel >= t.offset+h {
		t.offset = t.sel - h + 1
	}
	t.offset = max(0, min(t.offset, len(t.view)-h))
}

// dropOrder is the order in which columns give way on narrow terminals,
// once every column has shrunk: the retransmissions, RTT and duration,
// what the list is read for, go last.
var dropOrder = [...]column{colClosedBy, colProto, colBytesSC, colBytesCS, colClose, colHandshake, colDuration, colRTT, colRetrans, colPackets, colState, colProcess, colServer}

// minProtoWidth is the narrowest the Proto column gets ("TCP", "UDP").
const minProtoWidth = 3

// layout returns the drawn width of each column for a table width w.
// Columns shrink first: the sort arrow's cell goes from unsorted columns,
// the address columns are cut in the middle down to 12 cells, Proto to its
// values; then columns are dropped (width 0) in dropOrder.
func (t *streamTable) layout(w int) [numColumns]int {
	ws := t.model.widths
	head := func(c column) int { return cells.Width(narrate.Text(t.lang, columnKeys[c])) }
	for c := range numColumns {
		ws[c] = max(ws[c], head(c)+1) // +1: the sort arrow
		if t.hidden(c) {
			ws[c] = 0
		}
	}
	total := func() int {
		n := 0
		for _, x := range ws {
			if x > 0 {
				n += x + 1
			}
		}
		return n - 1
	}
	if total() <= w {
		return ws
	}
	for c := range numColumns {
		if c != t.sortBy && !t.hidden(c) {
			ws[c] = max(t.model.widths[c], head(c))
		}
	}
	const minAddr = 12
	for total() > w && (ws[colClient] > minAddr || ws[colServer] > minAddr) {
		if ws[colClient] >= ws[colServer] {
			ws[colClient]--
		} else {
			ws[colServer]--
		}
	}
	if total() > w && t.sortBy != colProto {
		ws[colProto] = max(t.model.widths[colProto], minProtoWidth)
	}
	for _, c := range dropOrder {
		if total() <= w {
			break
		}
		ws[c] = 0
	}
	return ws
}

// Draw draws the header and the visible rows.
func (t *streamTable) Draw(screen tcell.Screen) {
	t.DrawForSubclass(screen, t)
	x, y, w, h := t.GetInnerRect()
	if w <= 0 || h <= 0 {
		return
	}
	t.scroll()
	ws := t.layout(w)
	t.drawLine(screen, x, y, w, ws, func(c column) string {
		s := narrate.Text(t.lang, columnKeys[c])
		if c == t.sortBy {
			if t.reverse {
				return s + "▼"
			}
			return s + "▲"
		}
		return s
	}, tcell.StyleDefault.Bold(true))
	if len(t.view) == 0 {
		key := narrate.Key("browser.empty")
		if t.model.len() > 0 {
			key = "browser.nomatch"
		}
		if h > 1 {
			cells.PrintAt(screen, x+1, y+1, w-1, narrate.Text(t.lang, key), tcell.StyleDefault.Dim(true))
		}
		return
	}
	for i := 0; i < h-1 && t.offset+i < len(t.view); i++ {
		pos := int(t.view[t.offset+i])
		style := tcell.StyleDefault
		if t.offset+i == t.sel {
			style = style.Reverse(true)
			if !t.HasFocus() {
				style = style.Dim(true)
			}
		}
		t.drawLine(screen, x, y+1+i, w, ws, func(c column) string { return t.model.cell(c, pos) }, style)
	}
}

// drawLine draws one line of cells with the column widths ws.
func (t *streamTable) drawLine(screen tcell.Screen, x, y, w int, ws [numColumns]int, cell func(column) string, style tcell.Style) {
	for i := range w {
		screen.SetContent(x+i, y, ' ', nil, style)
	}
	cx := x
	for c := range numColumns {
		if ws[c] == 0 {
			continue
		}
		text := cell(c)
		s := cells.Fit(text, ws[c])
		if c == colClient || c == colServer {
			s = fitEndpoint(text, ws[c])
		}
		pad := 0
		if c.rightAligned() {
			pad = ws[c] - cells.Width(s)
		}
		cells.PrintAt(screen, cx+pad, y, ws[c]-pad, s, style)
		cx += ws[c] + 1
	}
}

// MouseHandler selects a row on click, opens it on double click, sorts on
// a header click and scrolls with the wheel.
func (t *streamTable) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return t.WrapMouseHandler(func(action tview.MouseAction, ev *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		mx, my := ev.Position()
		if !t.InInnerRect(mx, my) {
			return false, nil
		}
		x, y, w, _ := t.GetInnerRect()
		switch action {
		case tview.MouseLeftClick:
			setFocus(t)
			if my == y {
				if c, ok := t.columnAt(mx-x, w); ok {
					t.sortOn(c)
				}
				return true, nil
			}
			t.selectRow(t.offset + my - y - 1)
			return true, nil
		case tview.MouseLeftDoubleClick:
			if my > y {
				t.selectRow(t.offset + my - y - 1)
				if k, ok := t.selected(); ok && t.onOpen != nil {
					t.onOpen(k)
				}
			}
			return true, nil
		case tview.MouseScrollUp:
			t.offset = max(0, t.offset-3)
			t.selectRow(max(t.sel-3, 0))
			return true, nil
		case tview.MouseScrollDown:
			t.offset += 3
			t.selectRow(t.sel + 3)
			return true, nil
		}
		return false, nil
	})
}

// columnAt returns the column drawn at offset dx of a table of width w.
func (t *streamTable) columnAt(dx, w int) (column, bool) {
	ws := t.layout(w)
	cx := 0
	for c := range numColumns {
		if ws[c] == 0 {
			continue
		}
		if dx >= cx && dx < cx+ws[c]+1 {
			return c, true
		}
		cx += ws[c] + 1
	}
	return 0, false
}

// fitEndpoint cuts an "addr:port" or "[v6]:port" to width w in the middle
// of the address, so that the port stays visible: "[2001:470:1…]:21".
func fitEndpoint(s string, w int) string {
	if cells.Width(s) <= w {
		return s
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return cells.Fit(s, w)
	}
	head, tail := s[:i], s[i:]
	if strings.HasSuffix(head, "]") {
		head, tail = head[:len(head)-1], "]"+tail
	}
	keep := w - cells.Width(tail)
	if keep < 3 {
		return cells.Fit(s, w)
	}
	return cells.Fit(head, keep) + tail
}
