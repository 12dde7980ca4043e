package ui

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/cells"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// LinkHeaderLoopback is the link header of a live capture on lo (Linux
// gives loopback frames a 14-byte Ethernet header), which the comparison
// does not count as protocol overhead.
const LinkHeaderLoopback = 14

// Figures are what the comparison measured of one transport in a run.
type Figures struct {
	Packets      int
	HeaderBytes  int           // IP + TCP/UDP headers: frame length − link header − payload
	PayloadBytes int           // transport payload
	FirstData    time.Duration // from the first packet to the first carrying payload
	HasData      bool          // some packet carried payload (FirstData is valid)
	HasLengths   bool          // frame lengths were known (HeaderBytes is valid)
}

// Comparison is the tcp-vs-udp table: the first TCP stream and the first
// UDP flow of one timeline.
type Comparison struct {
	TCP, UDP Figures
}

// Compare measures TCP stream 0 and UDP flow 0 of evs; linkHeader is the
// link-layer header length of every frame (LinkHeaderLoopback live).
func Compare(evs []session.Event, linkHeader int) Comparison {
	var c Comparison
	var first [2]int64
	for i := range evs {
		ev := &evs[i]
		var f *Figures
		k := 0
		switch {
		case ev.Kind == session.KindSegment && ev.Stream == 0:
			f = &c.TCP
		case ev.Kind == session.KindDatagram && ev.Stream == 0:
			f, k = &c.UDP, 1
		default:
			continue
		}
		if f.Packets == 0 {
			first[k] = ev.Seg.TimeNS
			f.HasLengths = true
		}
		f.Packets++
		f.PayloadBytes += int(ev.Seg.PayloadLen)
		if ev.Seg.WireLen == 0 {
			f.HasLengths = false
		}
		f.HeaderBytes += int(ev.Seg.WireLen) - linkHeader - int(ev.Seg.PayloadLen)
		if ev.Seg.PayloadLen > 0 && !f.HasData {
			f.HasData, f.FirstData = true, time.Duration(ev.Seg.TimeNS-first[k])
		}
	}
	return c
}

// rows are the table's lines: a label key and the two cells.
func (c Comparison) rows(lang narrate.Lang) [][3]string {
	unknown := narrate.Text(lang, "compare.unknown")
	num := func(n int, ok bool) string {
		if !ok {
			return unknown
		}
		return strconv.Itoa(n)
	}
	dur := func(f Figures) string {
		if !f.HasData {
			return unknown
		}
		return ladder.FormatDuration(int64(f.FirstData))
	}
	t, u := c.TCP, c.UDP
	return [][3]string{
		{narrate.Text(lang, "compare.head.what"), narrate.Text(lang, "compare.head.tcp"), narrate.Text(lang, "compare.head.udp")},
		{narrate.Text(lang, "compare.packets"), num(t.Packets, true), num(u.Packets, true)},
		{narrate.Text(lang, "compare.header-bytes"), num(t.HeaderBytes, t.HasLengths && t.Packets > 0), num(u.HeaderBytes, u.HasLengths && u.Packets > 0)},
		{narrate.Text(lang, "compare.payload-bytes"), num(t.PayloadBytes, true), num(u.PayloadBytes, true)},
		{narrate.Text(lang, "compare.first-data"), dur(t), dur(u)},
		{narrate.Text(lang, "compare.handshake"), narrate.Text(lang, "compare.handshake.tcp"), narrate.Text(lang, "compare.handshake.udp")},
	}
}

// CompareScreen is the tcp-vs-udp screen: the TCP stream's ladder and the
// UDP flow's side by side, every packet shown as it is captured, over a
// table of what was measured. Owned by the UI goroutine, except Start and
// Stop.
type CompareScreen struct {
	*tview.Box
	app      *tview.Application
	tl       *session.Timeline
	opts     ScreenOptions
	theme    Theme
	tcp, udp *ladder.Layout
	tcpView  *ladderView
	udpView  *ladderView
	consumed int
	cmp      Comparison
	onQuit   func()

	startOnce, stopOnce sync.Once
	quitCh              chan struct{}
}

// NewCompareScreen returns the screen of tl (app may be nil in tests that
// only draw).
func NewCompareScreen(app *tview.Application, tl *session.Timeline, opts ScreenOptions) *CompareScreen {
	s := &CompareScreen{
		Box: tview.NewBox(), app: app, tl: tl, opts: opts, theme: DefaultTheme(),
		tcp: ladder.NewLayout(session.KindSegment, 0), udp: ladder.NewLayout(session.KindDatagram, 0),
		quitCh: make(chan struct{}),
	}
	s.tcpView = newLadderView(opts.Lang, &s.theme, s.tcp, tl.At)
	s.udpView = newLadderView(opts.Lang, &s.theme, s.udp, tl.At)
	s.sync()
	return s
}

// sync lays out the events appended since the last call and measures the
// table again.
func (s *CompareScreen) sync() {
	n := s.tl.Len()
	if n > s.consumed {
		evs := s.tl.Slice(s.consumed, n)
		for i := range evs {
			ev := &evs[i]
			info := s.tl.StreamInfo(ev.StreamKind(), ev.Stream)
			s.tcp.Add(s.consumed+i, ev, info)
			s.udp.Add(s.consumed+i, ev, info)
		}
		s.consumed = n
		s.cmp = Compare(s.tl.Slice(0, n), LinkHeaderLoopback)
	}
	for _, v := range []*ladderView{s.tcpView, s.udpView} {
		v.shown, v.progress = v.layout.Arrows(), 1
	}
	s.tcpView.title = narrate.Text(s.opts.Lang, "compare.ladder.tcp", 0)
	s.udpView.title = narrate.Text(s.opts.Lang, "compare.ladder.udp", 0)
}

// tableHeight is the table's height with its border.
func (s *CompareScreen) tableHeight() int { return len(s.cmp.rows(s.opts.Lang)) + 2 }

// Draw draws the banner, the two ladders and the table.
func (s *CompareScreen) Draw(screen tcell.Screen) {
	s.Box.DrawForSubclass(screen, s)
	x, y, w, h := s.GetInnerRect()
	if w < minScreenW || h < minScreenH {
		centered(screen, x, y+h/2, w, narrate.Text(s.opts.Lang, "ui.too_small", minScreenW, minScreenH, w, h), "", s.theme.Normal, s.theme.Normal)
		return
	}
	banner := " " + s.opts.Title
	for i := 0; i < w; i++ {
		screen.SetContent(x+i, y, ' ', nil, s.theme.Banner)
	}
	cells.PrintAt(screen, x, y, w, banner, s.theme.Banner)
	footer := 1
	tableH := s.tableHeight()
	ladH := h - 1 - tableH - footer
	left := w / 2
	s.tcpView.SetRect(x, y+1, left, ladH)
	s.udpView.SetRect(x+left, y+1, w-left, ladH)
	s.tcpView.Draw(screen)
	s.udpView.Draw(screen)
	s.drawTable(screen, x, y+1+ladH, w, tableH)
	hint := s.opts.Notice
	if hint == "" {
		hint = narrate.Text(s.opts.Lang, "ui.key.quit")
	}
	cells.PrintAt(screen, x+1, y+h-1, w-2, cells.Fit(hint, w-2), s.theme.HelpBar)
}

// drawTable draws the comparison table in a box of its own.
func (s *CompareScreen) drawTable(screen tcell.Screen, x, y, w, h int) {
	box := tview.NewBox().SetBorder(true).SetTitle(" " + narrate.Text(s.opts.Lang, "compare.title") + " ").SetTitleAlign(tview.AlignLeft)
	box.SetRect(x, y, w, h)
	box.Draw(screen)
	rows := s.cmp.rows(s.opts.Lang)
	var col [3]int
	for _, r := range rows {
		for i, c := range r {
			col[i] = max(col[i], textWidth(c))
		}
	}
	for i, r := range rows {
		st := s.theme.Normal
		if i == 0 {
			st = s.theme.PhaseHeader
		}
		cx := x + 2
		for j, c := range r {
			pad := col[j] - textWidth(c)
			if j > 0 {
				cx += pad // numbers right-aligned
			}
			cells.PrintAt(screen, cx, y+1+i, x+w-1-cx, c, st)
			cx += textWidth(c) + 3
			if j == 0 {
				cx += pad
			}
		}
	}
}

// InputHandler: q, Esc and Ctrl-C quit; the arrows and pages scroll both
// ladders together.
func (s *CompareScreen) InputHandler() func(*tcell.EventKey, func(tview.Primitive)) {
	return s.WrapInputHandler(func(ev *tcell.EventKey, _ func(tview.Primitive)) {
		s.key(ev)
	})
}

func (s *CompareScreen) key(ev *tcell.EventKey) {
	scroll := func(f func(v *ladderView)) { f(s.tcpView); f(s.udpView) }
	switch {
	case ev.Key() == tcell.KeyCtrlC || ev.Key() == tcell.KeyEscape || ev.Rune() == 'q':
		s.quit()
	case ev.Key() == tcell.KeyUp || ev.Rune() == 'k':
		scroll(func(v *ladderView) { v.Scroll(-1) })
	case ev.Key() == tcell.KeyDown || ev.Rune() == 'j':
		scroll(func(v *ladderView) { v.Scroll(1) })
	case ev.Key() == tcell.KeyPgUp:
		scroll(func(v *ladderView) { v.Page(-1) })
	case ev.Key() == tcell.KeyPgDn || ev.Rune() == ' ':
		scroll(func(v *ladderView) { v.Page(1) })
	case ev.Rune() == 't':
		scroll(func(v *ladderView) { v.ToggleTime() })
	}
}

func (s *CompareScreen) quit() {
	s.Stop()
	if s.onQuit != nil {
		s.onQuit()
	}
	if s.app != nil {
		s.app.Stop()
	}
}

// Start follows the timeline: each growth is laid out and drawn.
func (s *CompareScreen) Start() {
	s.startOnce.Do(func() {
		go func() {
			for {
				// Take the change channel before laying out, so that no
				// growth falls between the two.
				changed := s.tl.Changed()
				s.app.QueueUpdateDraw(func() {
					select {
					case <-s.quitCh:
					default:
						s.sync()
					}
				})
				select {
				case <-s.quitCh:
					return
				case <-changed:
				}
			}
		}()
	})
}

// Stop ends the follow goroutine; no update runs after it.
func (s *CompareScreen) Stop() {
	s.stopOnce.Do(func() { close(s.quitCh) })
}

// RunCompare shows the tcp-vs-udp screen of tl until q, Ctrl-C or ctx
// ends. The terminal is restored on every way out.
func RunCompare(ctx context.Context, tl *session.Timeline, opts ScreenOptions) (err error) {
	return runCompare(ctx, tview.NewApplication(), tl, opts)
}

func runCompare(ctx context.Context, app *tview.Application, tl *session.Timeline, opts ScreenOptions) error {
	s := NewCompareScreen(app, tl, opts)
	app.SetRoot(s, true)
	return RunApp(ctx, app, s, "the tcp-vs-udp screen")
}

// WriteText writes the table as text lines (demo --no-tui of tcp-vs-udp),
// under its title.
func (c Comparison) WriteText(w io.Writer, lang narrate.Lang) error {
	rows := c.rows(lang)
	var col [3]int
	for _, r := range rows {
		for i, cell := range r {
			col[i] = max(col[i], textWidth(cell))
		}
	}
	var b strings.Builder
	b.WriteString(narrate.Text(lang, "compare.title"))
	b.WriteByte('\n')
	for _, r := range rows {
		b.WriteString("  ")
		b.WriteString(r[0])
		b.WriteString(strings.Repeat(" ", col[0]-textWidth(r[0])))
		for j := 1; j < 3; j++ {
			b.WriteString(strings.Repeat(" ", col[j]-textWidth(r[j])+3))
			b.WriteString(r[j])
		}
		b.WriteByte('\n')
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing the comparison: %w (is the output closed?)", err)
	}
	return nil
}
