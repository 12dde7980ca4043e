package ui

// What the headers pane says about each header and field: names in the
// reader's language and values worked out as Wireshark shows them
// (calculated window, relative SACK blocks, payload as text).

import (
	"encoding/binary"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// payloadTextMax is how many payload bytes the headers pane shows as text.
const payloadTextMax = 4096

// fieldName is a header field's name in lang: capture names fields in
// English (it imports nothing of ours); the catalog translates the common
// ones ("field.<English name>", TCP options "option.<name>") and any
// other keeps its English name.
func fieldName(lang narrate.Lang, name string) string {
	if lang == narrate.English {
		return name
	}
	if opt, ok := strings.CutPrefix(name, "Option: "); ok {
		if strings.HasPrefix(opt, "kind ") {
			return narrate.Text(lang, "ui.field.option", narrate.Text(lang, "option.kind", strings.TrimPrefix(opt, "kind ")))
		}
		if k := narrate.Key("option." + opt); narrate.Has(lang, k) {
			opt = narrate.Text(lang, k)
		}
		return narrate.Text(lang, "ui.field.option", opt)
	}
	if key := narrate.Key("field." + name); narrate.Has(lang, key) {
		return narrate.Text(lang, key)
	}
	return name
}

// sizedName matches the names capture gives runs of bytes: "Payload (5 bytes)".
var sizedName = regexp.MustCompile(`^(.*) \((\d+) bytes\)$`)

// layerName is a header's name in lang: "Payload (5 bytes)" becomes
// "载荷（5 字节）" in Chinese; protocol names stay as they are.
func layerName(lang narrate.Lang, l *capture.Layer) string {
	name, n := l.Name, -1
	if m := sizedName.FindStringSubmatch(name); m != nil {
		name = m[1]
		n, _ = strconv.Atoi(m[2])
	}
	if base, ok := strings.CutPrefix(name, "Unknown link type "); ok {
		name = narrate.Text(lang, "layer.unknown_link", base)
	} else if k := narrate.Key("layer." + name); narrate.Has(lang, k) {
		name = narrate.Text(lang, k)
	}
	if n >= 0 {
		return narrate.Text(lang, "ui.layer.sized", name, n)
	}
	return name
}

// bytesValue matches capture's "40 bytes" values.
var bytesValue = regexp.MustCompile(`^(\d+) bytes$`)

// valueCtx is what a field's value may depend on besides its bytes.
type valueCtx struct {
	lang  narrate.Lang
	ev    *session.Event
	raw   bool // raw sequence numbers
	scale int  // the sender's window scale shift; -1 unknown, -2 not in use (no WS in a SYN)
}

// fieldValue is the value the headers pane shows for field f of a header
// of frame data.
func fieldValue(c valueCtx, l *capture.Layer, f *capture.Field, data []byte) string {
	v := f.Value
	var b []byte
	if f.Start >= 0 && f.End <= len(data) && f.Start < f.End {
		b = data[f.Start:f.End]
	}
	tcp := l.Group == capture.GroupTransport && strings.HasPrefix(l.Name, "TCP")
	switch {
	case l.Group == capture.GroupApplication || f.Name == "Data":
		if f.Name == "Data" && f.Start >= 0 && l.End <= len(data) && f.Start < l.End {
			return payloadText(data[f.Start:min(l.End, f.Start+payloadTextMax)], l.End-f.Start > payloadTextMax)
		}
	case tcp && f.Name == "Window" && len(b) == 2:
		return windowValue(c, binary.BigEndian.Uint16(b))
	case tcp && f.Name == "Option: Window scale" && len(b) == 3:
		return narrate.Text(c.lang, "ui.value.wscale", b[2], 1<<min(b[2], 14))
	case tcp && f.Name == "Option: SACK" && len(b) >= 2:
		return c.sackValue(b[2:])
	case v == "none":
		return narrate.Text(c.lang, "ui.value.none")
	case v == "true" || v == "false":
		return narrate.Text(c.lang, narrate.Key("ui.value."+v))
	}
	if m := bytesValue.FindStringSubmatch(v); m != nil {
		n, _ := strconv.Atoi(m[1])
		return narrate.Text(c.lang, "ui.value.bytes", n)
	}
	return v
}

// windowValue shows the calculated window as Wireshark does: the raw
// field times the sender's scale factor, when the handshake told it.
func windowValue(c valueCtx, w uint16) string {
	switch {
	case c.ev != nil && c.ev.Seg.Flags.Has(capture.SYN):
		return strconv.Itoa(int(w)) // a SYN's window is never scaled (RFC 7323 §2.2)
	case c.scale == -2 || c.scale == 0:
		return strconv.Itoa(int(w))
	case c.scale < 0:
		return narrate.Text(c.lang, "ui.value.window.unknown", w)
	}
	f := 1 << c.scale
	return fmt.Sprintf("%d × %d = %d", w, f, int(w)*f)
}

// sackValue lists the SACK blocks as left–right edges, relative to the
// acknowledged direction's initial sequence number unless raw numbers are
// shown. The base is the segment's raw Ack minus its relative one.
func (c valueCtx) sackValue(b []byte) string {
	var base uint32
	if !c.raw && c.ev != nil && c.ev.Seg.Flags.Has(capture.ACK) {
		base = c.ev.Seg.Ack - c.ev.RelAck
	}
	var parts []string
	for ; len(b) >= 8; b = b[8:] {
		l, r := binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:])
		parts = append(parts, fmt.Sprintf("%d–%d", l-base, r-base))
	}
	if len(parts) == 0 {
		return narrate.Text(c.lang, "ui.value.none")
	}
	return strings.Join(parts, ", ")
}

// payloadText shows payload bytes as text: printable UTF-8 (Chinese
// included) as it is, line breaks as ↵, tabs as spaces and any other byte
// as '.'. more adds "…" when the payload goes on.
func payloadText(b []byte, more bool) string {
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && n <= 1:
			sb.WriteByte('.')
		case r == '\n':
			sb.WriteString("↵")
		case r == '\r':
			sb.WriteString("␍")
		case r == '\t':
			sb.WriteByte(' ')
		case unicode.IsPrint(r):
			sb.WriteRune(r)
		default:
			sb.WriteByte('.')
		}
		b = b[n:]
	}
	if more {
		sb.WriteString("…")
	}
	return sb.String()
}

// scaleKey identifies one direction of a connection.
type scaleKey struct {
	kind   session.EventKind
	stream int
	from   session.Dir
}

// windowScales remembers what the SYNs of each connection said about
// window scaling, to calculate the windows of later segments.
type windowScales map[scaleKey]int8

// observe records the window scale a SYN announces (-1: none).
func (w windowScales) observe(ev *session.Event) {
	if ev.Kind != session.KindSegment || !ev.Seg.Flags.Has(capture.SYN) {
		return
	}
	k := scaleKey{ev.Kind, ev.Stream, ev.From}
	if _, seen := w[k]; !seen {
		w[k] = ev.Seg.Options.WindowScale
	}
}

// shift is the window scale shift of ev's sender: -1 when a SYN was not
// captured, -2 when scaling is not in use (a SYN carried no WS option).
func (w windowScales) shift(ev *session.Event) int {
	mine, ok1 := w[scaleKey{ev.Kind, ev.Stream, ev.From}]
	peer, ok2 := w[scaleKey{ev.Kind, ev.Stream, 1 - ev.From}]
	switch {
	case !ok1 || !ok2:
		return -1
	case mine < 0 || peer < 0:
		return -2
	}
	return int(min(mine, 14))
}
