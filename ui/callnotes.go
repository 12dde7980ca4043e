package ui

import (
	"strings"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// withCalls is the narration of arrow k with the socket calls around it:
// those laid out after it up to the next arrow follow its note (connect()
// returns after the SYN-ACK), and the first arrow's note is preceded by the
// calls before it (the client calls connect()).
func withCalls(lang narrate.Lang, l *ladder.Layout, at func(int) session.Event, k int, note string) string {
	var before, after []string
	row := l.ArrowRow(k)
	if k == 0 {
		before = callSentences(lang, l, at, 0, row)
	}
	end := l.Len()
	if k+1 < l.Arrows() {
		end = l.ArrowRow(k + 1)
	}
	after = callSentences(lang, l, at, row+1, end)
	parts := append(append(before, note), after...)
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, narrate.Text(lang, "note.sentence_sep"))
}

// callSentences narrates the call rows among rows [from, to).
func callSentences(lang narrate.Lang, l *ladder.Layout, at func(int) session.Event, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		if r := l.Row(i); r.Kind == ladder.RowCall {
			ev := at(r.Event)
			out = append(out, narrate.ExplainCall(lang, &ev))
		}
	}
	return out
}
