package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// phaseFills are the colours of the Mermaid phase bands (rect):
// translucent, so light and dark GitHub themes keep their text readable.
var phaseFills = [...]string{
	ladder.TitleHandshake:         "rgba(70, 130, 220, 0.12)",
	ladder.TitleSimultaneousOpen:  "rgba(70, 130, 220, 0.12)",
	ladder.TitleData:              "rgba(60, 170, 90, 0.12)",
	ladder.TitleClose:             "rgba(230, 150, 40, 0.14)",
	ladder.TitleFourWayClose:      "rgba(230, 150, 40, 0.14)",
	ladder.TitleThreeWayClose:     "rgba(230, 150, 40, 0.14)",
	ladder.TitleSimultaneousClose: "rgba(230, 150, 40, 0.14)",
	ladder.TitleReset:             "rgba(220, 60, 60, 0.14)",
}

func phaseFill(t ladder.Title) string {
	if int(t) < len(phaseFills) && phaseFills[t] != "" {
		return phaseFills[t]
	}
	return "rgba(128, 128, 128, 0.10)"
}

// mermaidText escapes what Mermaid's sequence parser reads as syntax in a
// message, note or participant text: ';' ends a statement, '#' starts an
// entity code, ':' separates a message from its text, '%%' starts a
// comment, '<' '>' '&' would be HTML and a line break would end the
// statement. Entity codes (#59;) are Mermaid's
// own escapes; it writes them back as the characters.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ';', '#', ':', '%', '<', '>', '&':
			b.WriteByte('#')
			b.WriteString(strconv.Itoa(int(r)))
			b.WriteByte(';')
		case '\n', '\r':
			b.WriteString("<br/>")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// participantIDs returns the ids of the two ends of a connection.
func participantIDs(c conn) (a, b string) {
	p := "c"
	if c.Proto == session.KindDatagram {
		p = "u"
	}
	n := strconv.Itoa(c.Stream)
	return p + n + "a", p + n + "b"
}

func (m *model) participants(c conn) (a, b string) {
	return m.Roles[0] + " " + c.Info.Client.String(), m.Roles[1] + " " + c.Info.Server.String()
}

// arrowLines returns the text of an arrow as lines: the marks, the label,
// the SYN options.
func (it *item) arrowLines() []string {
	var lines []string
	if it.Marks != "" {
		lines = append(lines, it.Marks)
	}
	lines = append(lines, it.Label)
	if it.Options != "" {
		lines = append(lines, it.Options)
	}
	return lines
}

// writeMermaid writes a sequenceDiagram: two participants per connection
// (named by role and endpoint), a rect band and a note per phase, one
// message per segment (-x for a dropped one), a note beside each end
// whose state the arrow changes, socket calls as notes.
func writeMermaid(w io.Writer, m *model, o Options) error {
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	if o.Title != "" {
		b.WriteString("    title " + mermaidText(o.Title) + "\n")
	}
	for _, c := range m.Conns {
		a, s := participantIDs(c)
		an, sn := m.participants(c)
		fmt.Fprintf(&b, "    participant %s as %s\n    participant %s as %s\n", a, mermaidText(an), s, mermaidText(sn))
	}
	inRect := false
	closeRect := func() {
		if inRect {
			b.WriteString("    end\n")
			inRect = false
		}
	}
	for i := range m.Items {
		it := &m.Items[i]
		a, s := it.ids()
		switch it.Row.Kind {
		case ladder.RowConnection:
			closeRect()
			fmt.Fprintf(&b, "    Note over %s,%s: %s\n", a, s, mermaidText(it.Header))
		case ladder.RowPhase:
			closeRect()
			fmt.Fprintf(&b, "    rect %s\n", phaseFill(it.Row.Title))
			inRect = true
			fmt.Fprintf(&b, "    Note over %s,%s: %s\n", a, s, mermaidText(it.Header))
		case ladder.RowCall:
			side, who := "left of", a
			if !it.fromClient() {
				side, who = "right of", s
			}
			fmt.Fprintf(&b, "    Note %s %s: %s\n", side, who, mermaidText("◆ "+it.Call))
		case ladder.RowArrow:
			from, to := arrowEnds(it, a, s)
			arrow := "->>"
			switch {
			case it.Dropped:
				arrow = "-x"
			case it.Delayed:
				arrow = "--)"
			}
			parts := it.arrowLines()
			for j := range parts {
				parts[j] = mermaidText(parts[j])
			}
			fmt.Fprintf(&b, "    %s%s%s: %s\n", from, arrow, to, strings.Join(parts, "<br/>"))
			b.WriteString(it.stateNotes(func(client bool, st string) string {
				if client {
					return fmt.Sprintf("    Note left of %s: %s\n", a, mermaidText(st))
				}
				return fmt.Sprintf("    Note right of %s: %s\n", s, mermaidText(st))
			}))
			if it.Kernel != "" {
				fmt.Fprintf(&b, "    Note over %s,%s: %s\n", a, s, mermaidText(it.Kernel))
			}
		}
	}
	closeRect()
	_, err := io.WriteString(w, b.String())
	return err
}
