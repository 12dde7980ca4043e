package interview

import (
	"fmt"
	"io"
	"strings"

	"github.com/rivo/uniseg"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// textWidth is the width of --no-tui paragraphs, in cells: notes pasted
// from an 80-column terminal.
const textWidth = 78

// WriteList writes the topic list of `explain` alone: each topic with the
// interview question numbers it answers.
func WriteList(w io.Writer, lang narrate.Lang) error {
	var b strings.Builder
	b.WriteString(narrate.Text(lang, "explain.ui.list.title"))
	b.WriteString("\n\n")
	nameW := 0
	for _, t := range explain.Topics() {
		nameW = max(nameW, len(t.Name))
	}
	for _, t := range explain.Topics() {
		title := explain.TopicKey(t.Name, explain.PartTitle)
		fmt.Fprintf(&b, "  %-*s  %s\n", nameW, t.Name, narrate.Text(lang, title))
		fmt.Fprintf(&b, "  %-*s  %s\n", nameW, "", narrate.Text(lang, "explain.ui.list.questions", t.QuestionList()))
	}
	b.WriteByte('\n')
	b.WriteString(narrate.Text(lang, "explain.ui.list.hint"))
	b.WriteByte('\n')
	return write(w, b.String())
}

// Lesson is what a topic shows: the topic and the exchange it plays.
type Lesson struct {
	Topic    explain.Topic
	Exchange explain.Exchange
}

// WriteTopic writes a topic as text: its question, the annotated ladder of
// its exchange with the point to notice under each key packet, the model
// answer and the follow-ups. The exchange's timeline must be finished.
// layers adds the mapping of one real frame.
func WriteTopic(w io.Writer, lang narrate.Lang, l Lesson) error {
	t := l.Topic
	var b strings.Builder
	header(&b, lang, l)
	tl := l.Exchange.Timeline
	evs := tl.Slice(0, tl.Len())
	if t.Name == "layers" {
		if err := write(w, b.String()); err != nil {
			return err
		}
		b.Reset()
		if err := writeLayers(w, lang, evs, l.Exchange.Store); err != nil {
			return err
		}
		b.WriteByte('\n')
	} else {
		if err := write(w, b.String()); err != nil {
			return err
		}
		b.Reset()
		if err := writeLadder(w, lang, t, evs, tl); err != nil {
			return err
		}
		b.WriteByte('\n')
		if t.Name == "tcp-vs-udp" {
			for _, line := range compareLines(lang, evs, l.Exchange.Store) {
				if strings.HasPrefix(line, "  ") {
					b.WriteString(line + "\n") // a table row: never wrapped
				} else {
					paragraph(&b, line, "")
				}
			}
			b.WriteByte('\n')
		}
	}
	footer(&b, lang, t)
	return write(w, b.String())
}

func header(b *strings.Builder, lang narrate.Lang, l Lesson) {
	t := l.Topic
	fmt.Fprintf(b, "%s · %s\n", t.Name, narrate.Text(lang, explain.TopicKey(t.Name, explain.PartTitle)))
	fmt.Fprintf(b, "(%s)\n\n", narrate.Text(lang, "explain.ui.list.questions", t.QuestionList()))
	paragraph(b, labelled(lang, "explain.ui.question", narrate.Text(lang, explain.TopicKey(t.Name, explain.PartQuestion))), "")
	b.WriteByte('\n')
	paragraph(b, exchangeLine(lang, l.Exchange), "")
	b.WriteString("\n")
}

// exchangeLine says which exchange plays and where it comes from.
func exchangeLine(lang narrate.Lang, ex explain.Exchange) string {
	key := narrate.Key("explain.ui.exchange.recorded")
	if ex.Live {
		key = "explain.ui.exchange.live"
	}
	s := narrate.Text(lang, key, ex.Scenario)
	if ex.Note != "" {
		s += " · " + ex.Note
	}
	return s
}

func footer(b *strings.Builder, lang narrate.Lang, t explain.Topic) {
	paragraph(b, labelled(lang, "explain.ui.answer", narrate.Text(lang, explain.TopicKey(t.Name, explain.PartAnswer))), "")
	b.WriteByte('\n')
	b.WriteString(labelled(lang, "explain.ui.followups", ""))
	b.WriteString("\n")
	for i, f := range t.FollowUps {
		paragraph(b, fmt.Sprintf("%d. %s", i+1, narrate.Text(lang, explain.FollowKey(t.Name, f.ID))), "  ")
		fmt.Fprintf(b, "     → %s\n", followTarget(lang, f))
	}
}

// followTarget names where a follow-up jumps: a topic or a scenario.
func followTarget(lang narrate.Lang, f explain.FollowUp) string {
	if _, ok := explain.Find(f.Target); ok {
		return narrate.Text(lang, "explain.ui.follow.topic", f.Target)
	}
	return narrate.Text(lang, "explain.ui.follow.scenario", f.Target)
}

// writeLadder writes the text ladder with a pause line under each key
// packet.
func writeLadder(w io.Writer, lang narrate.Lang, t explain.Topic, evs []session.Event, tl *session.Timeline) error {
	marks := t.Marks(evs)
	at := map[int]explain.Mark{}
	for _, m := range marks {
		at[m.Event] = m
	}
	tw := ladder.NewTextWriter(w, lang, false)
	for i := range evs {
		if err := tw.Write(evs[i], tl.StreamInfo(evs[i].Kind, evs[i].Stream)); err != nil {
			return err
		}
		if m, ok := at[i]; ok {
			var b strings.Builder
			paragraph(&b, narrate.Text(lang, "explain.ui.stop", explain.StopText(lang, t, m, evs)), "        ")
			if err := write(w, b.String()); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeLayers writes the layer mapping of the topic's frame, its
// encapsulation and decapsulation.
func writeLayers(w io.Writer, lang narrate.Lang, evs []session.Event, store capture.FrameStore) error {
	m, ok := frameMapping(evs, store)
	var b strings.Builder
	if !ok {
		b.WriteString(narrate.Text(lang, "explain.layers.none"))
		b.WriteByte('\n')
		return write(w, b.String())
	}
	for _, line := range m.Table(lang) {
		b.WriteString(line)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	for _, line := range m.ByteLines(lang) {
		b.WriteString(line)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	steps := m.Steps(lang)
	for i, s := range steps {
		if s.Title != "" {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(labelledText(lang, s.Title, ""))
			b.WriteString("\n")
		}
		hanging(&b, fmt.Sprintf("%d. %s", i+1, s.Text), "   ", "      ")
	}
	return write(w, b.String())
}

// labelled writes "Label: text" with the language's colon.
func labelled(lang narrate.Lang, label narrate.Key, text string) string {
	return labelledText(lang, narrate.Text(lang, label), text)
}

func labelledText(lang narrate.Lang, label, text string) string {
	return strings.TrimRight(narrate.Text(lang, "explain.ui.labelled", label, text), " ")
}

// hanging writes text wrapped at textWidth, the first line after first,
// the others after rest.
func hanging(b *strings.Builder, text, first, rest string) {
	for i, line := range ladder.Wrap(text, textWidth-uniseg.StringWidth(rest)) {
		if i == 0 {
			b.WriteString(first)
		} else {
			b.WriteString(rest)
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
}

// paragraph writes text wrapped at textWidth, every line after the first
// (and the first too) prefixed by indent.
func paragraph(b *strings.Builder, text, indent string) {
	for _, line := range ladder.Wrap(text, textWidth-uniseg.StringWidth(indent)) {
		b.WriteString(indent)
		b.WriteString(line)
		b.WriteByte('\n')
	}
}

func write(w io.Writer, s string) error {
	if _, err := io.WriteString(w, s); err != nil {
		return fmt.Errorf("writing the explanation: %w (is the output closed?)", err)
	}
	return nil
}
