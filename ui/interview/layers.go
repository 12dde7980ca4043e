package interview

import (
	"fmt"
	"strings"

	"github.com/rivo/uniseg"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// mapping is one real frame broken into the layers of the models: which
// bytes belong to which header, and the PDU each layer hands down.
type mapping struct {
	frame  uint64
	data   []byte
	layers []capture.Layer
	ev     session.Event
}

// frameMapping picks the frame the layers topic explains (its first key
// packet: the client's first data) and breaks it into layers.
func frameMapping(evs []session.Event, store capture.FrameStore) (mapping, bool) {
	if store == nil {
		return mapping{}, false
	}
	t, _ := explain.Find("layers")
	marks := t.Marks(evs)
	if len(marks) == 0 {
		return mapping{}, false
	}
	ev := evs[marks[0].Event]
	pkt, ok := store.Frame(ev.Seg.Frame)
	if !ok {
		return mapping{}, false
	}
	data := append([]byte(nil), pkt.Data...)
	return mapping{frame: ev.Seg.Frame, data: data, layers: capture.Detail(data, pkt.LinkType), ev: ev}, true
}

// layerOf returns the index of the first header of group g, -1 if none.
func (m mapping) layerOf(g capture.LayerGroup) int {
	for i, l := range m.layers {
		if l.Group == g {
			return i
		}
	}
	return -1
}

// rangeText says which bytes of the frame group g's headers take.
func (m mapping) rangeText(lang narrate.Lang, g capture.LayerGroup) string {
	var parts []string
	for _, l := range m.layers {
		if l.Group == g && l.End > l.Start {
			parts = append(parts, narrate.Text(lang, "explain.layers.cell", shortName(l.Name), l.Start, l.End-1))
		}
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, ", ")
}

// shortName is a header's name without the size capture adds to a
// payload ("Payload (5 bytes)" -> "Payload").
func shortName(name string) string {
	if i := strings.Index(name, " ("); i > 0 {
		return name[:i]
	}
	return name
}

// pduKey names the unit of data of group g in this frame.
func (m mapping) pduKey(g capture.LayerGroup) narrate.Key {
	switch g {
	case capture.GroupApplication:
		return "explain.layers.pdu.message"
	case capture.GroupTransport:
		if i := m.layerOf(g); i >= 0 && m.layers[i].Name == "UDP" {
			return "explain.layers.pdu.datagram"
		}
		return "explain.layers.pdu.segment"
	case capture.GroupNetwork:
		return "explain.layers.pdu.packet"
	}
	return "explain.layers.pdu.frame"
}

// osiRow is one row of the side-by-side table: an OSI layer and what the
// other models call it ("┃": the cell above spans this row).
type osiRow struct {
	osi          int
	tcpip, five  narrate.Key
	group        capture.LayerGroup
	pdu          narrate.Key
	spans, bytes bool
}

const span = "┃"

func (m mapping) rows() []osiRow {
	return []osiRow{
		{7, "explain.layers.tcpip.application", "explain.layers.osi.7", capture.GroupApplication, m.pduKey(capture.GroupApplication), false, true},
		{6, "", "", capture.GroupApplication, "", true, false},
		{5, "", "", capture.GroupApplication, "", true, false},
		{4, "explain.layers.tcpip.transport", "explain.layers.osi.4", capture.GroupTransport, m.pduKey(capture.GroupTransport), false, true},
		{3, "explain.layers.tcpip.internet", "explain.layers.osi.3", capture.GroupNetwork, m.pduKey(capture.GroupNetwork), false, true},
		{2, "explain.layers.tcpip.link", "explain.layers.osi.2", capture.GroupLink, m.pduKey(capture.GroupLink), false, true},
		{1, "", "explain.layers.osi.1", capture.GroupLink, "explain.layers.pdu.bits", false, false},
	}
}

// Table returns the side-by-side table: OSI 7 / TCP/IP 4 / 5-layer, the
// PDU and the bytes of this frame each layer's header takes.
func (m mapping) Table(lang narrate.Lang) []string {
	cells := [][]string{{
		narrate.Text(lang, "explain.layers.col.osi"), narrate.Text(lang, "explain.layers.col.tcpip"),
		narrate.Text(lang, "explain.layers.col.five"), narrate.Text(lang, "explain.layers.col.pdu"),
		narrate.Text(lang, "explain.layers.col.bytes"),
	}}
	for _, r := range m.rows() {
		tcpip, five, pdu, bytes := span, span, span, ""
		if !r.spans {
			five, pdu = narrate.Text(lang, r.five), narrate.Text(lang, r.pdu)
			tcpip = span
			if r.tcpip != "" {
				tcpip = narrate.Text(lang, r.tcpip)
			}
		}
		if r.bytes {
			bytes = m.rangeText(lang, r.group)
		}
		cells = append(cells, []string{fmt.Sprintf("%d %s", r.osi, narrate.Text(lang, narrate.Key(fmt.Sprintf("explain.layers.osi.%d", r.osi)))), tcpip, five, pdu, bytes})
	}
	return table(cells)
}

// table lays cells out in columns padded by display width (wide
// characters take two cells).
func table(cells [][]string) []string {
	widths := make([]int, len(cells[0]))
	for _, row := range cells {
		for i, c := range row[:len(row)-1] {
			widths[i] = max(widths[i], uniseg.StringWidth(c))
		}
	}
	out := make([]string, 0, len(cells))
	for _, row := range cells {
		var b strings.Builder
		b.WriteString("  ")
		for i, c := range row {
			b.WriteString(c)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-uniseg.StringWidth(c)+2))
			}
		}
		out = append(out, strings.TrimRight(b.String(), " "))
	}
	return out
}

// ByteLines returns the frame's bytes, header by header.
func (m mapping) ByteLines(lang narrate.Lang) []string {
	out := []string{narrate.Text(lang, "explain.layers.frame", m.frame, len(m.data))}
	const perLine, maxLines = 16, 3
	for _, l := range m.layers {
		if l.End <= l.Start {
			continue
		}
		out = append(out, "  "+narrate.Text(lang, "explain.layers.range", l.Name, l.Start, l.End-1, l.End-l.Start)+narrate.Text(lang, "explain.layers.in", groupName(lang, l.Group)))
		b := m.data[l.Start:min(l.End, len(m.data))]
		for i := 0; i < len(b) && i < perLine*maxLines; i += perLine {
			line := fmt.Sprintf("    %04x  % x", l.Start+i, b[i:min(i+perLine, len(b))])
			if i+perLine >= perLine*maxLines && len(b) > perLine*maxLines {
				line += " …"
			}
			out = append(out, line)
		}
	}
	return out
}

// groupName is the 5-layer name of a header's layer.
func groupName(lang narrate.Lang, g capture.LayerGroup) string {
	return narrate.Text(lang, groupKey(g))
}

func groupKey(g capture.LayerGroup) narrate.Key {
	switch g {
	case capture.GroupApplication:
		return "explain.layers.osi.7"
	case capture.GroupTransport:
		return "explain.layers.osi.4"
	case capture.GroupNetwork:
		return "explain.layers.osi.3"
	}
	return "explain.layers.osi.2"
}

func roleKey(g capture.LayerGroup) narrate.Key {
	switch g {
	case capture.GroupApplication:
		return "explain.layers.role.application"
	case capture.GroupTransport:
		return "explain.layers.role.transport"
	case capture.GroupNetwork:
		return "explain.layers.role.network"
	}
	return "explain.layers.role.link"
}

// step is one moment of the encapsulation animation: the headers present
// in the unit of data (indexes into layers) and the layer acting.
type step struct {
	Title   string // set on the first step of encapsulation and of decapsulation
	Text    string
	Present []int
	Group   capture.LayerGroup
	Wire    bool
}

// Steps returns encapsulation on the sender (the message, then each
// header added top-down), the frame on the wire, and decapsulation on the
// receiver (headers stripped bottom-up), in the course's words.
func (m mapping) Steps(lang narrate.Lang) []step {
	var app []int
	var headers []int // transport, network, link: the order they are added
	for _, g := range []capture.LayerGroup{capture.GroupTransport, capture.GroupNetwork, capture.GroupLink} {
		for i, l := range m.layers {
			if l.Group == g && l.End > l.Start && l.Name != "Trailer" {
				headers = append(headers, i)
			}
		}
	}
	appLen := 0
	for i, l := range m.layers {
		if l.Group == capture.GroupApplication {
			app = append(app, i)
			appLen += l.End - l.Start
		}
	}
	size := func(present []int) int {
		n := 0
		for _, i := range present {
			n += m.layers[i].End - m.layers[i].Start
		}
		return n
	}
	role := func(g capture.LayerGroup) string { return " — " + narrate.Text(lang, roleKey(g)) }
	present := append([]int(nil), app...)
	steps := []step{{
		Title:   narrate.Text(lang, "explain.layers.enc.title"),
		Text:    narrate.Text(lang, "explain.layers.enc.data", appLen) + role(capture.GroupApplication),
		Present: append([]int(nil), present...), Group: capture.GroupApplication,
	}}
	for _, h := range headers {
		l := m.layers[h]
		present = append(present, h)
		steps = append(steps, step{
			Text: narrate.Text(lang, "explain.layers.enc.add", groupName(lang, l.Group), l.Name, l.End-l.Start,
				narrate.Text(lang, m.pduKey(l.Group)), size(present)) + role(l.Group),
			Present: append([]int(nil), present...), Group: l.Group,
		})
	}
	steps = append(steps, step{
		Text:    narrate.Text(lang, "explain.layers.wire", size(present)) + " — " + narrate.Text(lang, "explain.layers.role.physical"),
		Present: append([]int(nil), present...), Group: capture.GroupLink, Wire: true,
	})
	for k := len(headers) - 1; k >= 0; k-- {
		l := m.layers[headers[k]]
		present = present[:len(present)-1]
		up := capture.GroupApplication
		if k > 0 {
			up = m.layers[headers[k-1]].Group
		}
		s := step{
			Text: narrate.Text(lang, "explain.layers.dec.strip", groupName(lang, l.Group), l.Name, l.End-l.Start,
				narrate.Text(lang, m.pduKey(up)), size(present)),
			Present: append([]int(nil), present...), Group: l.Group,
		}
		if k == len(headers)-1 {
			s.Title = narrate.Text(lang, "explain.layers.dec.title")
		}
		steps = append(steps, s)
	}
	return append(steps, step{
		Text:    narrate.Text(lang, "explain.layers.dec.data", appLen),
		Present: append([]int(nil), app...), Group: capture.GroupApplication,
	})
}
