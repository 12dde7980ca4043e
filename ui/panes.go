package ui

// Drawing of the panes of the ladder screen: banner, states, headers,
// bytes and narration. Each draws only into its own box.

import (
	"fmt"

	"github.com/gdamore/tcell/v2"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// drawBanner writes: title · packet N/M · play state · recorded · drops.
func (s *LadderScreen) drawBanner(screen tcell.Screen, x, y, w int) {
	fill(screen, x, y, w, " ", s.theme.Banner)
	p := s.player
	parts := []string{s.opts.Title}
	if s.opts.Recorded {
		// Right after the title, so that narrow terminals still show it.
		parts = append(parts, narrate.Text(s.lang, "ui.banner.recorded"))
	}
	parts = append(parts, narrate.Text(s.lang, "ui.banner.position", p.Position(), p.Len()))
	switch {
	case p.Playing():
		parts = append(parts, narrate.Text(s.lang, "ui.banner.playing", p.Speed()))
	case p.AtEnd() && !s.tl.Done():
		parts = append(parts, narrate.Text(s.lang, "ui.banner.live"))
	default:
		parts = append(parts, narrate.Text(s.lang, "ui.banner.paused"))
	}
	right := x + w
	warn := func(text string) {
		text = " " + text + " "
		right = max(x, right-textWidth(text))
		printAt(screen, right, y, x+w-right, text, s.theme.Warn.Reverse(true))
	}
	if s.opts.Drops != nil {
		if d := s.opts.Drops(); d > 0 {
			warn(narrate.Text(s.lang, "ui.banner.drops", d))
		}
	}
	if s.opts.Warnings != nil {
		if ws := s.opts.Warnings(); len(ws) > 0 {
			warn(narrate.Text(s.lang, "ui.banner.warning", ws[len(ws)-1]))
		}
	}
	cx := x + 1
	for i, part := range parts {
		if part == "" {
			continue
		}
		if i > 0 {
			cx += printAt(screen, cx, y, right-1-cx, " · ", s.theme.Banner)
		}
		cx += printAt(screen, cx, y, right-1-cx, part, s.theme.Banner)
	}
}

// drawState writes the TCP state of both ends after the selected packet,
// the end that changed highlighted.
func (s *LadderScreen) drawState(screen tcell.Screen) {
	x, y, w, h := s.stateBox.GetInnerRect()
	if s.sel.arrow < 0 || h < 1 {
		return
	}
	ev := &s.sel.ev
	if ev.Kind == session.KindDatagram {
		printAt(screen, x+1, y, w-1, narrate.Text(s.lang, "ui.state.udp"), s.theme.Dim)
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
		printAt(screen, cx, y+i, nameW, narrate.Text(s.lang, e.who), s.theme.Normal)
		cx += nameW
		st := s.theme.Normal.Bold(true)
		changed := s.sel.ev.Changed&e.side != 0
		if changed {
			st = s.theme.Changed
		}
		cx += printAt(screen, cx, y+i, x+w-cx, e.state.String(), st)
		if changed {
			cx += printAt(screen, cx+1, y+i, x+w-cx-1, narrate.Text(s.lang, "ui.state.changed"), s.theme.Changed) + 1
		}
		if s.sel.info.Client.IsValid() {
			aw := textWidth(e.addr)
			if x+w-1-aw > cx+1 {
				printAt(screen, x+w-1-aw, y+i, aw, e.addr, s.theme.Dim)
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

// drawHeaders lists the layers of the selected packet, the selected one
// highlighted and its fields listed under it.
func (s *LadderScreen) drawHeaders(screen tcell.Screen) {
	x, y, w, h := s.headerBox.GetInnerRect()
	if len(s.sel.layers) == 0 {
		if s.sel.arrow >= 0 && h > 0 {
			printAt(screen, x+1, y, w-1, narrate.Text(s.lang, "ui.bytes.none"), s.theme.Dim)
		}
		return
	}
	// Every header gets a line; the selected one's fields fill what is left.
	room := max(0, h-len(s.sel.layers))
	cy := y
	for i, l := range s.sel.layers {
		if cy >= y+h {
			break
		}
		gk := narrate.Key("ui.group.app")
		if int(l.Group) < len(groupKeys) {
			gk = groupKeys[l.Group]
		}
		head := narrate.Text(s.lang, "ui.layer.title", narrate.Text(s.lang, gk), l.Group.OSI(), l.Name)
		if i != s.sel.layer {
			printAt(screen, x+1, cy, w-1, "▸ "+head, s.theme.Normal)
			cy++
			continue
		}
		fill(screen, x, cy, w, " ", s.theme.Highlight)
		printAt(screen, x+1, cy, w-1, "▾ "+head, s.theme.Highlight)
		cy++
		nameW := 0
		for _, f := range l.Fields {
			nameW = max(nameW, textWidth(fieldName(s.lang, f.Name)))
		}
		for j, f := range l.Fields {
			if j >= room {
				break
			}
			cx := x + 5
			printAt(screen, cx, cy, x+w-cx, fieldName(s.lang, f.Name), s.theme.Dim)
			cx += nameW + 2
			printAt(screen, cx, cy, max(0, x+w-cx), f.Value, s.theme.Normal)
			cy++
		}
	}
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

// drawHex dumps the selected packet's bytes with the selected header's
// bytes highlighted.
func (s *LadderScreen) drawHex(screen tcell.Screen) {
	x, y, w, h := s.hexBox.GetInnerRect()
	data := s.sel.data
	if len(data) == 0 || h < 1 {
		s.hexBox.SetTitle(" " + narrate.Text(s.lang, "ui.panel.hex") + " ")
		return
	}
	start, end := 0, 0
	if s.sel.layer < len(s.sel.layers) {
		l := s.sel.layers[s.sel.layer]
		start, end = l.Start, l.End
		s.hexBox.SetTitle(" " + narrate.Text(s.lang, "ui.panel.hex") + " · " +
			narrate.Text(s.lang, "ui.bytes.range", start, end-1, len(data)) + " ")
	}
	bpl := hexBytesPerLine(w - 1)
	lines := (len(data) + bpl - 1) / bpl
	top := 0
	if first := start / bpl; lines > h && first >= h {
		top = min(first, lines-h)
	}
	for i := 0; i < h && top+i < lines; i++ {
		off := (top + i) * bpl
		cy := y + i
		printAt(screen, x+1, cy, 6, fmt.Sprintf("%04x", off), s.theme.Dim)
		for j := 0; j < bpl && off+j < len(data); j++ {
			b := data[off+j]
			st := s.theme.Normal
			if off+j >= start && off+j < end {
				st = s.theme.Highlight
			}
			printAt(screen, x+7+3*j, cy, 2, fmt.Sprintf("%02x", b), st)
			if j+1 < bpl && off+j+1 < end && off+j+1 >= start && st == s.theme.Highlight {
				screen.Put(x+9+3*j, cy, " ", st)
			}
			c := "."
			if b >= 0x20 && b < 0x7f {
				c = string(rune(b))
			}
			screen.Put(x+8+3*bpl+j, cy, c, st)
		}
	}
}

// drawNarration writes the plain-words explanation of the selected packet.
func (s *LadderScreen) drawNarration(screen tcell.Screen) {
	x, y, w, h := s.narrBox.GetInnerRect()
	if s.sel.arrow < 0 {
		return
	}
	lines := wrap(s.sel.note, w-2)
	if len(lines) > h && h > 0 {
		lines = lines[:h]
		lines[h-1] += "…"
	}
	for i, l := range lines {
		printAt(screen, x+1, y+i, w-2, l, s.theme.Normal)
	}
}

// fieldName is a header field's name in lang: capture names fields in
// English (it imports nothing of ours); the catalog translates the common
// ones ("field.<English name>") and any other keeps its English name.
func fieldName(lang narrate.Lang, name string) string {
	key := narrate.Key("field." + name)
	if lang != narrate.English && narrate.Has(lang, key) {
		return narrate.Text(lang, key)
	}
	return name
}
