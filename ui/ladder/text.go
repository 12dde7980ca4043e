package ladder

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// textArrowWidth is the length of the arrows of the text ladder.
const textArrowWidth = 16

// TextWriter writes the ladder as plain text for --no-tui, one line per
// packet or socket call plus connection and phase header lines, as events
// arrive. Each arrow line has the frame number, the time since the first
// packet, the Δt since the line before, the states written beside each
// end's lifeline where they change (States: the sender's at the send
// end, the receiver's at arrival), the label, the SYN options and the
// marks; a disagreement with the kernel has a line under its arrow. It
// uses the same Layout and labels as the TUI. Not safe for concurrent use.
type TextWriter struct {
	w       io.Writer
	lang    narrate.Lang
	raw     bool
	layout  *Layout
	n       int   // events written
	prev    int64 // time of the last event written, Unix ns
	right   string
	left    string
	dropR   string
	dropL   string
	delayR  string
	delayL  string
	written bool
}

// NewTextWriter writes to w in lang; raw selects raw sequence numbers.
func NewTextWriter(w io.Writer, lang narrate.Lang, raw bool) *TextWriter {
	dash := strings.Repeat("-", textArrowWidth-1)
	half := strings.Repeat("-", textArrowWidth/2-1)
	tilde := strings.Repeat("~", textArrowWidth-1)
	pad := strings.Repeat(" ", textArrowWidth/2)
	return &TextWriter{
		w: w, lang: lang, raw: raw, layout: NewLayout(session.KindSegment, -1),
		right: dash + ">", left: "<" + dash,
		dropR: half + "✕" + pad, dropL: pad + "✕" + half,
		delayR: tilde + ">", delayL: "<" + tilde,
	}
}

// Write writes the lines of one event: the headers it opens and its arrow
// or call. When the event names a close that an earlier header left open
// ("Connection close"), a line under the arrow says which close it was.
func (t *TextWriter) Write(ev session.Event, info session.StreamInfo) error {
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
	case RowCall:
		t.writeTimes(b, "", ev)
		client, server := narrate.Text(t.lang, "ui.client"), narrate.Text(t.lang, "ui.server")
		if r.Dir == session.FromClient {
			fmt.Fprintf(b, "%12s %s ◆ %s", "", client, CallText(&ev.Call))
		} else {
			fmt.Fprintf(b, "%12s %s %s %s ◆ %s", "", client, strings.Repeat(" ", textArrowWidth), server, CallText(&ev.Call))
		}
	case RowArrow:
		t.writeTimes(b, strconv.FormatUint(ev.Seg.Frame, 10), ev)
		// Each end's state stands beside its end where it changes.
		cs, ss := States(r, ev)
		clientState, serverState := "", ""
		if cs.Show {
			clientState = StateName(cs.State, false)
		}
		if ss.Show {
			serverState = StateName(ss.State, false)
		}
		fmt.Fprintf(b, "%12s %s %s %s %-12s  %s",
			clientState, narrate.Text(t.lang, "ui.client"), t.arrow(r, ev),
			narrate.Text(t.lang, "ui.server"), serverState, Label(ev, t.raw))
		if HasOptionsLine(ev) {
			b.WriteString("  ")
			b.WriteString(OptionsLine(ev.Seg.Options))
		}
		if m := Marks(t.lang, ev); m != "" {
			b.WriteString("  ")
			b.WriteString(m)
		}
		if k := KernelLine(t.lang, ev); k != "" {
			b.WriteString("\n")
			b.WriteString(strings.Repeat(" ", 6+2+10+2+9+2))
			b.WriteString(k)
		}
	}
	b.WriteByte('\n')
	t.written = true
}

// writeTimes writes the frame number, the time since the first event and
// the Δt since the previous one.
func (t *TextWriter) writeTimes(b *strings.Builder, frame string, ev *session.Event) {
	at := EventTime(ev)
	prev := t.prev
	if t.n == 1 {
		prev = -1
	}
	t.prev = at
	fmt.Fprintf(b, "%6s  %10s  %9s  ", frame,
		FormatTime(TimeSinceStart, at, t.layout.Start(), prev),
		FormatTime(TimeDelta, at, t.layout.Start(), prev))
}

// arrow returns the arrow of a row: from the sender, stopped mid-wire
// with ✕ when the wire dropped it, drawn with ~ when the wire delayed it.
func (t *TextWriter) arrow(r *Row, ev *session.Event) string {
	fromServer := r.Dir == session.FromServer
	switch ev.Seg.Verdict {
	case capture.Dropped:
		if fromServer {
			return t.dropL
		}
		return t.dropR
	case capture.Delayed:
		if fromServer {
			return t.delayL
		}
		return t.delayR
	}
	if fromServer {
		return t.left
	}
	return t.right
}
