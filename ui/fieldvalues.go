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
	lang narrate.Lang
	ev   *session.Event // the selected packet: its window shift, its ACK
	raw  bool           // raw sequence numbers
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
			b := data[f.Start:l.End]
			if !mostlyText(b) {
				return narrate.Text(c.lang, "ui.value.binary", len(b))
			}
			return payloadText(b[:min(len(b), payloadTextMax)], len(b) > payloadTextMax)
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
// field times the sender's scale factor (the Tracker's Event.WinShift).
func windowValue(c valueCtx, w uint16) string {
	shift := session.WinShiftNone
	if c.ev != nil {
		shift = c.ev.WinShift
	}
	switch {
	case shift == session.WinShiftUnknown:
		return narrate.Text(c.lang, "ui.value.window.unknown", w)
	case shift <= 0: // no scaling, a SYN, or a factor of 1
		return strconv.Itoa(int(w))
	}
	f := 1 << min(shift, 14)
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

// mostlyText reports whether at least half of the first bytes of b are
// printable UTF-8 text (a payload worth showing as text, not as dots).
func mostlyText(b []byte) bool {
	b = b[:min(len(b), payloadTextMax)]
	text, all := 0, 0
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		all += n
		if !(r == utf8.RuneError && n <= 1) && (unicode.IsPrint(r) || unicode.IsSpace(r)) {
			text += n
		}
		b = b[n:]
	}
	return all == 0 || 2*text >= all
}
