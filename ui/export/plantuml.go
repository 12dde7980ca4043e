package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// plantText escapes what PlantUML reads as markup in a label: '~' is its
// escape character and creole markup ("**", "//", "--", "__", "~~",
// "<b>") is disarmed by escaping its first character; a backslash would
// start "\n"; a line break is written as PlantUML's "\n".
func plantText(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '~' || r == '<' || r == '>':
			b.WriteRune('~')
			b.WriteRune(r)
		case (r == '*' || r == '/' || r == '-' || r == '_' || r == '"' || r == '=') && i+1 < len(rs) && rs[i+1] == r:
			b.WriteRune('~')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writePlantUML writes the same content as the Mermaid diagram in
// PlantUML: participants named by role and endpoint, a separator per
// phase, one message per segment (->x for a dropped one), notes for the
// states that change and for socket calls.
func writePlantUML(w io.Writer, m *model, o Options) error {
	var b strings.Builder
	b.WriteString("@startuml\n")
	b.WriteString("skinparam sequenceMessageAlign center\nhide footbox\n")
	if o.Title != "" {
		b.WriteString("title " + plantText(o.Title) + "\n")
	}
	for _, c := range m.Conns {
		a, s := participantIDs(c)
		an, sn := m.participants(c)
		fmt.Fprintf(&b, "participant \"%s\" as %s\nparticipant \"%s\" as %s\n",
			strings.ReplaceAll(plantText(an), `"`, `'`), a, strings.ReplaceAll(plantText(sn), `"`, `'`), s)
	}
	for i := range m.Items {
		it := &m.Items[i]
		a, s := it.ids()
		switch it.Row.Kind {
		case ladder.RowConnection:
			fmt.Fprintf(&b, "note over %s, %s : %s\n", a, s, plantText(it.Header))
		case ladder.RowPhase:
			// "== x ==" is a separator; '=' in its text must not close it.
			fmt.Fprintf(&b, "== %s ==\n", strings.ReplaceAll(plantText(it.Header), "=", "~="))
		case ladder.RowCall:
			side, who := "left", a
			if !it.fromClient() {
				side, who = "right", s
			}
			fmt.Fprintf(&b, "note %s of %s : %s\n", side, who, plantText("◆ "+it.Call))
		case ladder.RowArrow:
			from, to := arrowEnds(it, a, s)
			arrow := "->"
			switch {
			case it.Dropped:
				arrow = "->x"
			case it.Delayed:
				arrow = "->>"
			}
			if it.Reset {
				arrow = strings.Replace(arrow, "-", "-[#d03030]", 1)
			}
			parts := it.arrowLines()
			for j := range parts {
				parts[j] = plantText(parts[j])
			}
			fmt.Fprintf(&b, "%s %s %s : %s\n", from, arrow, to, strings.Join(parts, `\n`))
			b.WriteString(it.stateNotes(func(client bool, st string) string {
				if client {
					return fmt.Sprintf("note left of %s : %s\n", a, plantText(st))
				}
				return fmt.Sprintf("note right of %s : %s\n", s, plantText(st))
			}))
			if it.Kernel != "" {
				fmt.Fprintf(&b, "note over %s, %s : %s\n", a, s, plantText(it.Kernel))
			}
		}
	}
	b.WriteString("@enduml\n")
	_, err := io.WriteString(w, b.String())
	return err
}
