package interview

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// RunQuizText is the quiz without a screen (quiz --no-tui): the text
// ladder up to the packet asked about, the question and its options, an
// answer read from one line of in (a-d, or 1-4), the verdict and why;
// the score at the end. It stops early, saying so, when in ends.
func RunQuizText(out io.Writer, in io.Reader, lang narrate.Lang, ex explain.Exchange, qs []explain.Question) (explain.Score, error) {
	var score explain.Score
	tl := ex.Timeline
	evs := tl.Slice(0, tl.Len())
	tw := ladder.NewTextWriter(out, lang, false)
	written := 0
	only := labStream(evs, qs)  // lab questions: their connection alone
	upTo := func(n int) error { // write the ladder lines of events before n
		for ; written < n && written < len(evs); written++ {
			ev := &evs[written]
			if only >= 0 && (ev.Kind == session.KindDatagram || ev.Stream != only) {
				continue
			}
			if err := tw.Write(*ev, tl.StreamInfo(ev.Kind, ev.Stream)); err != nil {
				return err
			}
		}
		return nil
	}
	lines := bufio.NewScanner(in)
	for i, q := range qs {
		n := q.Event
		if q.Whole {
			n = len(evs)
		}
		if err := upTo(n); err != nil {
			return score, err
		}
		var b strings.Builder
		fmt.Fprintf(&b, "\n%s\n", narrate.Text(lang, "quiz.question", i+1, len(qs), score.Right, score.Asked))
		paragraph(&b, q.Text(lang, evs), "  ")
		for j, o := range q.Options {
			fmt.Fprintf(&b, "    %c) %s\n", 'a'+j, o)
		}
		if err := write(out, b.String()); err != nil {
			return score, err
		}
		choice, ok, err := readChoice(out, lines, lang, len(q.Options))
		if err != nil {
			return score, err
		}
		if !ok {
			msg := narrate.Text(lang, "quiz.eof", len(qs)-i)
			if err := write(out, "\n"+msg+"\n"); err != nil {
				return score, err
			}
			break
		}
		score.Add(q.Correct(choice))
		b.Reset()
		verdict := narrate.Text(lang, "quiz.right", q.Options[q.Answer])
		if !q.Correct(choice) {
			verdict = narrate.Text(lang, "quiz.wrong", q.Options[q.Answer])
		}
		paragraph(&b, verdict+" "+q.Explain(lang, evs), "  ")
		if err := write(out, b.String()); err != nil {
			return score, err
		}
		if !q.Whole {
			if err := upTo(q.Event + 1); err != nil {
				return score, err
			}
		}
	}
	if !(len(qs) > 0 && score.Asked < len(qs)) {
		if err := upTo(len(evs)); err != nil {
			return score, err
		}
	}
	return score, write(out, "\n"+narrate.Text(lang, "quiz.score", score.Right, score.Asked)+"\n")
}

// readChoice prompts and reads one answer line: a-d (any case) or 1-4.
// ok is false when the input ended.
func readChoice(out io.Writer, lines *bufio.Scanner, lang narrate.Lang, n int) (choice int, ok bool, err error) {
	for {
		if err := write(out, narrate.Text(lang, "quiz.prompt")); err != nil {
			return 0, false, err
		}
		if !lines.Scan() {
			if err := lines.Err(); err != nil {
				return 0, false, fmt.Errorf("reading the answers: %w", err)
			}
			return 0, false, nil
		}
		s := strings.ToLower(strings.TrimSpace(lines.Text()))
		if len(s) == 1 {
			switch c := s[0]; {
			case c >= 'a' && int(c-'a') < n:
				return int(c - 'a'), true, write(out, s+"\n")
			case c >= '1' && int(c-'1') < n:
				return int(c - '1'), true, write(out, s+"\n")
			}
		}
		if err := write(out, "\n"+narrate.Text(lang, "quiz.bad", s)+"\n"); err != nil {
			return 0, false, err
		}
	}
}
