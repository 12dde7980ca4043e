package ui

// Drawing of the panes of the ladder screen: banner, states, headers,
// bytes and narration. Each draws only into its own box; the headers and
// bytes panes scroll.

import (
	"fmt"
	"strings"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/cells"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// paneScroll is the first line a scrollable pane shows.
type paneScroll struct {
	top, max int // max: the largest top at the last draw
}

// by scrolls by d lines, within what the last draw showed.
func (p *paneScroll) by(d int) { p.top = min(max(p.top+d, 0), p.max) }

// fit clamps top for lines of content in a pane h lines high.
func (p *paneScroll) fit(lines, h int) {
	p.max = max(0, lines-h)
	p.top = min(max(p.top, 0), p.max)
}

// printFit writes str at (x, y) in at most maxW cells, ending it with "…"
// when it does not fit. It returns the cells used.
func printFit(s tcell.Screen, x, y, maxW int, str string, st tcell.Style) int {
	return cells.PrintAt(s, x, y, maxW, cells.Fit(str, maxW), st)
}

// bannerPart is one part of the banner: its full and short forms.
type bannerPart struct {
	full, short string
	// drop: the order in which parts give way on narrow terminals (1
	// first); 0 never goes.
	drop int
}

// drawBanner writes: title · recorded · packet N/M · phase k/n · play
// state and speed, with the drops and the last warning on the right. On
// narrow terminals parts take their short forms, then the least needed go,
// then the title is cut: the position and the play state with its speed
// always stay.
func (s *LadderScreen) drawBanner(screen tcell.Screen, x, y, w int) {
	fill(screen, x, y, w, " ", s.theme.Banner)
	p := s.player
	var parts []bannerPart
	parts = append(parts, bannerPart{full: s.opts.Title})
	if s.opts.Recorded {
		parts = append(parts, bannerPart{full: narrate.Text(s.lang, "ui.banner.recorded"), short: narrate.Text(s.lang, "ui.banner.recorded.short"), drop: 2})
	}
	parts = append(parts, bannerPart{
		full:  narrate.Text(s.lang, "ui.banner.position", p.Position(), p.Len()),
		short: narrate.Text(s.lang, "ui.banner.position.short", p.Position(), p.Len()),
	})
	if ph := s.phaseProgress(); ph != "" {
		parts = append(parts, bannerPart{full: ph, drop: 1})
	}
	var play bannerPart
	switch {
	case p.Playing():
		play = bannerPart{full: narrate.Text(s.lang, "ui.banner.playing", p.Speed()), short: narrate.Text(s.lang, "ui.banner.playing.short", p.Speed())}
	case p.Held():
		play = bannerPart{full: narrate.Text(s.lang, "ui.banner.held"), short: narrate.Text(s.lang, "ui.banner.paused")}
	case p.AtEnd() && !s.tl.Done():
		play = bannerPart{full: narrate.Text(s.lang, "ui.banner.live")}
	default:
		play = bannerPart{full: narrate.Text(s.lang, "ui.banner.paused")}
	}
	parts = append(parts, play)

	right := x + w
	// The warnings on the right take their full form if the left parts
	// still fit in their short forms, else their short form; they are cut
	// to leave room for the parts that always stay (the short position,
	// the play state and a little of the title).
	var shorts []string
	for _, pt := range parts {
		if pt.short != "" {
			shorts = append(shorts, pt.short)
		} else if pt.full != "" {
			shorts = append(shorts, pt.full)
		}
	}
	left := textWidth(strings.Join(shorts, " · ")) + 2
	keep := 2 + bannerTitleMin + textWidth(" · ")*2 + textWidth(play.full) +
		textWidth(narrate.Text(s.lang, "ui.banner.position.short", p.Position(), p.Len()))
	warn := func(full, short string) {
		text := " " + full + " "
		if textWidth(text) > right-x-left {
			text = " " + short + " "
		}
		text = cells.Fit(text, max(0, right-x-keep))
		if text == "" {
			return
		}
		right = max(x, right-textWidth(text))
		cells.PrintAt(screen, right, y, x+w-right, text, s.theme.Warn.Reverse(true))
	}
	if s.opts.Drops != nil {
		if d := s.opts.Drops(); d > 0 {
			warn(narrate.Text(s.lang, "ui.banner.drops", d), narrate.Text(s.lang, "ui.banner.drops.short", d))
		}
	}
	if s.opts.Warnings != nil {
		if ws := s.opts.Warnings(); len(ws) > 0 {
			text := narrate.Text(s.lang, "ui.banner.warning", ws[len(ws)-1])
			warn(text, text)
		}
	}
	line := fitBanner(parts, right-x-2)
	cells.PrintAt(screen, x+1, y, right-x-2, line, s.theme.Banner)
}

// bannerTitleMin is the narrowest the title is cut to before the phase
// progress gives way.
const bannerTitleMin = 12

// fitBanner joins the parts in w cells, giving way step by step until
// they fit: the middle parts take their short forms (the recorded label,
// then the position), the title (the first part) is cut down to
// bannerTitleMin cells, the last part (the play state) takes its short
// form, the parts that may go leave in their drop order, and the title is
// cut further.
func fitBanner(parts []bannerPart, w int) string {
	const sep = " · "
	n := len(parts)
	short := make([]bool, n)
	gone := make([]bool, n)
	titleMin := -1 // -1: the title is not cut
	line := func() (string, bool) {
		var out []string
		for i, p := range parts {
			t := p.full
			if short[i] && p.short != "" {
				t = p.short
			}
			if gone[i] || t == "" {
				continue
			}
			out = append(out, t)
		}
		text := strings.Join(out, sep)
		if textWidth(text) <= w {
			return text, true
		}
		if titleMin < 0 || n < 2 || parts[0].full == "" {
			return text, false
		}
		rest := strings.TrimPrefix(text, parts[0].full)
		if room := w - textWidth(rest); room >= min(titleMin, textWidth(parts[0].full)) && room > 0 {
			return cells.Fit(parts[0].full, room) + rest, true
		}
		return text, false
	}
	steps := []func(){
		func() {},
	}
	// The middle parts' short forms, the recorded label's before the
	// position's (in drop order, those that never go last).
	for _, d := range []int{2, 1, 0} {
		for i := 1; i < n-1; i++ {
			if parts[i].drop == d && parts[i].short != "" {
				steps = append(steps, func() { short[i] = true })
			}
		}
	}
	steps = append(steps, func() { titleMin = bannerTitleMin }, func() { short[n-1] = true })
	for d := 1; d <= 2; d++ {
		steps = append(steps, func() {
			for i := range parts {
				if parts[i].drop == d {
					gone[i] = true
				}
			}
		})
	}
	steps = append(steps, func() { titleMin = 1 })
	for _, step := range steps {
		step()
		if text, ok := line(); ok {
			return text
		}
	}
	text, _ := line()
	return cells.Fit(text, w)
}

// phaseProgress says where the selected arrow is in its phase, from the
// layout's phase headers: "Three-way handshake 2/3", "Four-way close 3/4".
// The count is of the arrows the layout holds so far in that phase.
func (s *LadderScreen) phaseProgress() string {
	k := s.player.Selected()
	if k < 0 || k >= s.layout.Arrows() {
		return ""
	}
	ri := s.layout.ArrowRow(k)
	head := -1
	pos := 0
	for i := ri; i >= 0; i-- {
		r := s.layout.Row(i)
		if r.Kind == ladder.RowArrow {
			pos++
			continue
		}
		if r.Kind == ladder.RowPhase {
			head = i
		}
		break
	}
	if head < 0 {
		return ""
	}
	total := pos
	for i := ri + 1; i < s.layout.Len() && s.layout.Row(i).Kind == ladder.RowArrow; i++ {
		total++
	}
	return narrate.Text(s.lang, "ui.banner.phase", s.layout.HeaderText(s.lang, s.layout.Row(head)), pos, total)
}

// packetTime is the selected packet's time for the state pane's title:
// since the first packet of the ladder with the gap since the previous
// one, or (t) the absolute capture time in UTC.
func (s *LadderScreen) packetTime() (full, short string) {
	k := s.sel.arrow
	if k < 0 || k >= s.layout.Arrows() {
		return "", ""
	}
	at := func(k int) int64 { return s.tl.At(s.layout.Row(s.layout.ArrowRow(k)).Event).Seg.TimeNS }
	now := s.sel.ev.Seg.TimeNS
	if s.absTime {
		t := time.Unix(0, now).UTC()
		return narrate.Text(s.lang, "ui.time.abs", t.Format("2006-01-02 15:04:05.000000")),
			narrate.Text(s.lang, "ui.time.abs", t.Format("15:04:05.000000"))
	}
	var delta int64
	if k > 0 {
		delta = now - at(k-1)
	}
	return narrate.Text(s.lang, "ui.time.rel", seconds(now-at(0)), seconds(delta)),
		narrate.Text(s.lang, "ui.time.rel.short", seconds(now-at(0)))
}

// seconds writes nanoseconds as seconds with microseconds: "0.000153".
func seconds(ns int64) string { return fmt.Sprintf("%.6f", float64(ns)/1e9) }

// drawState draws the state pane: the TCP state of both ends after the
// selected packet, the end that changed highlighted; its border gives the
// packet's time.
func (s *LadderScreen) drawState(screen tcell.Screen) {
	_, _, bw, _ := s.stateBox.GetInnerRect()
	title := " " + narrate.Text(s.lang, "ui.panel.state") + " "
	if full, short := s.packetTime(); full != "" {
		if textWidth(title+"· "+full+" ") <= bw {
			title += "· " + full + " "
		} else {
			title += "· " + short + " "
		}
	}
	s.stateBox.SetTitle(cells.Fit(title, bw))
	s.stateBox.Draw(screen)
	x, y, w, h := s.stateBox.GetInnerRect()
	if s.sel.arrow < 0 || h < 1 {
		return
	}
	ev := &s.sel.ev
	if ev.Kind == session.KindDatagram {
		printFit(screen, x+1, y, w-1, narrate.Text(s.lang, "ui.state.udp"), s.theme.Dim)
		return
	}
	ends := [2]struct {
		who   narrate.Key
		addr  string
		state session.State
		side  session.Side
	}{
		{"ui.Client", s.sel.info.Client.String(), ev.Client, session.ClientSide},
		{"ui.Server", s.sel.info.Server.String(), ev.Server, session.ServerSide},
	}
	nameW := max(textWidth(narrate.Text(s.lang, "ui.Client")), textWidth(narrate.Text(s.lang, "ui.Server"))) + 2
	for i, e := range ends[:min(2, h)] {
		cx := x + 1
		cells.PrintAt(screen, cx, y+i, nameW, narrate.Text(s.lang, e.who), s.theme.Normal)
		cx += nameW
		st := s.theme.Normal.Bold(true)
		changed := s.sel.ev.Changed&e.side != 0
		if changed {
			st = s.theme.Changed
		}
		cx += printFit(screen, cx, y+i, x+w-cx, e.state.String(), st)
		if changed {
			cx += printFit(screen, cx+1, y+i, x+w-cx-1, narrate.Text(s.lang, "ui.state.changed"), s.theme.Changed) + 1
		}
		if s.sel.info.Client.IsValid() {
			// A long address is cut in the middle, with "…", keeping the port.
			if room := x + w - 1 - (cx + 2); room >= 10 {
				addr := fitEndpoint(e.addr, room)
				aw := textWidth(addr)
				cells.PrintAt(screen, x+w-1-aw, y+i, aw, addr, s.theme.Dim)
			}
		}
	}
}

var groupKeys = [...]narrate.Key{
	capture.GroupLink:        "ui.group.link",
	capture.GroupNetwork:     "ui.group.network",
	capture.GroupTransport:   "ui.group.transport",
	capture.GroupApplication: "ui.group.app",
}

// paneLine is one line of a scrollable pane: pieces of text at cell
// offsets from the pane's left edge.
type paneLine struct {
	pieces    []linePiece
	highlight bool // the whole line in the highlight style
}

type linePiece struct {
	x    int
	text string
	st   tcell.Style
}

// headerLines lays out the headers pane for an inner width w: a line per
// header, the selected one's fields under it. A value that does not fit
// beside its name goes on the lines below, wrapped; nothing is cut.
func (s *LadderScreen) headerLines(w int) []paneLine {
	var out []paneLine
	ctx := valueCtx{lang: s.lang, ev: &s.sel.ev, raw: s.raw}
	for i := range s.sel.layers {
		l := &s.sel.layers[i]
		gk := narrate.Key("ui.group.app")
		if int(l.Group) < len(groupKeys) {
			gk = groupKeys[l.Group]
		}
		head := narrate.Text(s.lang, "ui.layer.title", narrate.Text(s.lang, gk), l.Group.OSI(), layerName(s.lang, l))
		if i != s.sel.layer {
			out = append(out, paneLine{pieces: []linePiece{{1, cells.Fit("▸ "+head, w-1), s.theme.Normal}}})
			continue
		}
		out = append(out, paneLine{highlight: true, pieces: []linePiece{{1, cells.Fit("▾ "+head, w-1), s.theme.Highlight}}})
		nameW := 0
		for _, f := range l.Fields {
			nameW = max(nameW, textWidth(fieldName(s.lang, f.Name)))
		}
		const indent, deeper = 5, 7
		nameW = min(nameW, max(8, (w-indent)/2))
		for j := range l.Fields {
			f := &l.Fields[j]
			name := fieldName(s.lang, f.Name)
			value := fieldValue(ctx, l, f, s.sel.data)
			vx := indent + nameW + 2
			line := paneLine{pieces: []linePiece{{indent, cells.Fit(name, w-indent), s.theme.Dim}}}
			// A name wider than the name column has its value below it.
			if textWidth(name) <= nameW && textWidth(value) <= w-vx {
				line.pieces = append(line.pieces, linePiece{vx, value, s.theme.Normal})
				out = append(out, line)
				continue
			}
			out = append(out, line)
			if value == "" {
				continue
			}
			for _, vl := range wrap(value, max(1, w-deeper)) {
				out = append(out, paneLine{pieces: []linePiece{{deeper, cells.Fit(vl, w-deeper), s.theme.Normal}}})
			}
		}
	}
	return out
}

// drawLines draws lines[top:] into a box's inner rectangle and, when they
// do not all fit, a scroll hint on its bottom border.
func (s *LadderScreen) drawLines(screen tcell.Screen, box *tview.Box, lines []paneLine, sc *paneScroll, keys narrate.Key) {
	drawScrolled(screen, box, lines, sc, s.lang, keys, &s.theme)
}

// drawScrolled draws lines[sc.top:] into a box's inner rectangle and, when
// they do not all fit, says on its bottom border how many lines are above
// and below and which keys (the catalog's keys) scroll.
func drawScrolled(screen tcell.Screen, box *tview.Box, lines []paneLine, sc *paneScroll, lang narrate.Lang, keys narrate.Key, theme *Theme) {
	x, y, w, h := box.GetInnerRect()
	if h <= 0 || w <= 0 {
		return
	}
	sc.fit(len(lines), h)
	for i := 0; i < h && sc.top+i < len(lines); i++ {
		l := lines[sc.top+i]
		if l.highlight {
			fill(screen, x, y+i, w, " ", theme.Highlight)
		}
		for _, p := range l.pieces {
			if p.x < w {
				cells.PrintAt(screen, x+p.x, y+i, w-p.x, p.text, p.st)
			}
		}
	}
	if sc.max == 0 {
		return
	}
	var marks []string
	if sc.top > 0 {
		marks = append(marks, narrate.Text(lang, "ui.scroll.up", sc.top))
	}
	if below := len(lines) - h - sc.top; below > 0 {
		marks = append(marks, narrate.Text(lang, "ui.scroll.down", below))
	}
	hint := " " + narrate.Text(lang, "ui.scroll.hint", strings.Join(marks, " "), narrate.Text(lang, keys)) + " "
	if textWidth(hint) > w-2 {
		hint = cells.Fit(" "+strings.Join(marks, " ")+" ", w-2)
	}
	cells.PrintAt(screen, x+w-1-textWidth(hint), y+h, textWidth(hint), hint, theme.Dim)
}

// drawHeaders lists the layers of the selected packet, the selected one
// highlighted and its fields listed under it.
func (s *LadderScreen) drawHeaders(screen tcell.Screen) {
	x, y, w, h := s.headerBox.GetInnerRect()
	if len(s.sel.layers) == 0 {
		if s.sel.arrow >= 0 && h > 0 {
			printFit(screen, x+1, y, w-1, narrate.Text(s.lang, "ui.bytes.none"), s.theme.Dim)
		}
		return
	}
	s.drawLines(screen, s.headerBox, s.headerLines(w), &s.headScroll, "ui.key.headscroll")
}

// hexBytesPerLine returns 16, 8 or 4: what fits in w cells as
// "0000  xx xx …  ascii".
func hexBytesPerLine(w int) int {
	for _, n := range []int{16, 8} {
		if 6+4*n+1 <= w {
			return n
		}
	}
	return 4
}

// hexLines is the number of lines the selected packet's dump takes in a
// pane w cells wide.
func (s *LadderScreen) hexLines(w int) int {
	bpl := hexBytesPerLine(w - 1)
	return max(1, (len(s.sel.data)+bpl-1)/bpl)
}

// selectedRange is the byte range of the selected header.
func (s *LadderScreen) selectedRange() (start, end int) {
	if s.sel.layer < len(s.sel.layers) {
		l := s.sel.layers[s.sel.layer]
		return l.Start, l.End
	}
	return 0, 0
}

// drawHex draws the bytes pane: it dumps the selected packet's bytes with the selected header's
// bytes highlighted; it opens scrolled to that header.
func (s *LadderScreen) drawHex(screen tcell.Screen) {
	_, _, w, h := s.hexBox.GetInnerRect()
	data := s.sel.data
	start, end := s.selectedRange()
	title := " " + narrate.Text(s.lang, "ui.panel.hex") + " "
	if len(data) > 0 && end > start {
		title += "· " + narrate.Text(s.lang, "ui.bytes.range", start, end-1, len(data)) + " "
	}
	s.hexBox.SetTitle(cells.Fit(title, w))
	s.hexBox.Draw(screen)
	if len(data) == 0 || h < 1 {
		return
	}
	bpl := hexBytesPerLine(w - 1)
	n := (len(data) + bpl - 1) / bpl
	if s.hexAuto {
		s.hexAuto = false
		s.hexScroll.top = 0
		if first := start / bpl; n > h && first >= h {
			s.hexScroll.top = first
		}
	}
	lines := make([]paneLine, n)
	for i := range lines {
		off := i * bpl
		pl := paneLine{pieces: []linePiece{{1, fmt.Sprintf("%04x", off), s.theme.Dim}}}
		for j := 0; j < bpl && off+j < len(data); j++ {
			b := data[off+j]
			st := s.theme.Normal
			in := off+j >= start && off+j < end
			if in {
				st = s.theme.Highlight
			}
			hx := fmt.Sprintf("%02x", b)
			if in && j+1 < bpl && off+j+1 < end {
				hx += " " // the highlight runs on between bytes of the header
			}
			c := "."
			if b >= 0x20 && b < 0x7f {
				c = string(rune(b))
			}
			pl.pieces = append(pl.pieces, linePiece{7 + 3*j, hx, st}, linePiece{8 + 3*bpl + j, c, st})
		}
		lines[i] = pl
	}
	s.drawLines(screen, s.hexBox, lines, &s.hexScroll, "ui.key.hexscroll")
}

// narrationLines is the narration wrapped to an inner width w.
func (s *LadderScreen) narrationLines(w int) []string {
	if s.status != "" {
		return wrap(s.status, w-2)
	}
	if s.sel.arrow < 0 {
		return wrap(s.opts.Notice, w-2)
	}
	return wrap(s.sel.note, w-2)
}

// drawNarration draws the narration pane: the plain-words explanation of the selected packet.
// When it is cut, the last line ends with "…" and the border says which
// key shows it whole.
func (s *LadderScreen) drawNarration(screen tcell.Screen) {
	x, y, w, h := s.narrBox.GetInnerRect()
	title := " " + narrate.Text(s.lang, "ui.panel.narration") + " "
	lines := s.narrationLines(w)
	s.narrCut = len(lines) > h
	if len(lines) > h && h > 0 {
		lines = lines[:h]
		lines[h-1] = cells.Fit(lines[h-1]+"…", w-2)
		title += narrate.Text(s.lang, "ui.narration.more", narrate.Text(s.lang, "ui.key.expand")) + " "
	} else if s.narrWide {
		title += narrate.Text(s.lang, "ui.narration.less", narrate.Text(s.lang, "ui.key.expand")) + " "
	}
	s.narrBox.SetTitle(cells.Fit(title, w))
	s.narrBox.Draw(screen)
	for i, l := range lines {
		cells.PrintAt(screen, x+1, y+i, w-2, l, s.theme.Normal)
	}
}
