package ladder

import (
	"fmt"
	"io"
	"strings"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// textArrowWidth is the length of the arrows of the text ladder.
const textArrowWidth = 16

// TextWriter writes the ladder as plain text for --no-tui, one line per
// packet plus connection and phase header lines, as events arrive. It uses
// the same Layout and labels as the TUI. Not safe for concurrent use.
type TextWriter struct {
	w       io.Writer
	lang    narrate.Lang
	raw     bool
	layout  *Layout
	n       int   // events written
	t0      int64 // time of the first event, Unix ns
	right   string
	left    string
	written bool
}

// NewTextWriter writes to w in lang; raw selects raw sequence numbers.
func NewTextWriter(w io.Writer, lang narrate.Lang, raw bool) *TextWriter {
	dash := strings.Repeat("-", textArrowWidth-1)
	return &TextWriter{
		w: w, lang: lang, raw: raw, layout: NewLayout(session.KindSegment, -1),
		right: dash + ">", left: "<" + dash,
	}
}

// Write writes the lines of one event: the headers it opens and its arrow.
// When the event names a close that an earlier header left open
// ("Connection close"), a line under the arrow says which close it was.
func (t *TextWriter) Write(ev session.Event, info session.StreamInfo) error {
	if t.n == 0 {
		t.t0 = ev.Seg.TimeNS
	}
	idx := t.n
	t.n++
	res := t.layout.Add(idx, &ev, info)
	var b strings.Builder
	for i := res.First; i < t.layout.Len(); i++ {
		t.writeRow(&b, t.layout.Row(i), &ev)
	}
	if res.Retitled >= 0 {
		title := t.layout.Row(res.Retitled).Title.Text(t.lang)
		b.WriteString("      ")
		b.WriteString(narrate.Text(t.lang, "ui.phase.retitle", title))
		b.WriteByte('\n')
	}
	if _, err := io.WriteString(t.w, b.String()); err != nil {
		return fmt.Errorf("writing the text ladder: %w (is the output closed?)", err)
	}
	return nil
}

func (t *TextWriter) writeRow(b *strings.Builder, r *Row, ev *session.Event) {
	switch r.Kind {
	case RowConnection:
		if t.written {
			b.WriteByte('\n')
		}
		b.WriteString(t.layout.HeaderText(t.lang, r))
	case RowPhase:
		b.WriteString("  -- ")
		b.WriteString(t.layout.HeaderText(t.lang, r))
		b.WriteString(" --")
	case RowArrow:
		arrow := t.right
		if r.Dir == session.FromServer {
			arrow = t.left
		}
		rel := float64(ev.Seg.TimeNS-t.t0) / 1e9
		// Each end's state after the packet stands beside that end.
		clientState, serverState := "", ""
		if ev.Kind == session.KindSegment {
			clientState, serverState = ev.Client.String(), ev.Server.String()
		}
		fmt.Fprintf(b, "%6d  %10.6f  %12s %s %s %s %-12s  %s",
			ev.Seg.Frame, rel, clientState, narrate.Text(t.lang, "ui.client"), arrow,
			narrate.Text(t.lang, "ui.server"), serverState, Label(ev, t.raw))
		if HasOptionsLine(ev) {
			b.WriteString("  ")
			b.WriteString(OptionsLine(ev.Seg.Options))
		}
		if m := Marks(t.lang, ev.Analysis); m != "" {
			b.WriteString("  ")
			b.WriteString(m)
		}
	}
	b.WriteByte('\n')
	t.written = true
}
