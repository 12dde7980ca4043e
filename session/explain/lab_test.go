package explain

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/session/narrate"
)

func TestLabAsksTheWiresharkQuestionsWithTheRealPacketsAsAnswers(t *testing.T) {
	evs := loopEvents(t)
	qs := Lab(evs, rand.New(rand.NewPCG(1, 2)), narrate.English)
	want := map[Ask]string{
		AskLabSYNSeq:       fmt.Sprint(evs[0].Seg.Seq),
		AskLabSYNMark:      "the SYN flag is set, ACK is not",
		AskLabSYNACKSeq:    "0",
		AskLabSYNACKAck:    fmt.Sprintf("%d: the client's ISN + 1", evs[0].Seg.Seq+1),
		AskLabHandshakeEnd: "packet 3 (client, ACK)",
		AskLabCloseStart:   "packet 14 (client, FIN, ACK)",
	}
	if len(qs) != len(want) {
		t.Fatalf("%d lab questions, want %d", len(qs), len(want))
	}
	for _, q := range qs {
		if !q.Whole || !q.Ask.Lab() {
			t.Errorf("%v: not a whole-capture lab question", q.Ask)
		}
		if got := q.Options[q.Answer]; got != want[q.Ask] {
			t.Errorf("%v: right option %q, want %q", q.Ask, got, want[q.Ask])
		}
		if len(q.Options) != 4 {
			t.Errorf("%v: %d options, want 4: %q", q.Ask, len(q.Options), q.Options)
		}
	}
}

func TestEveryQuestionSentenceFillsItsNumbersInBothLanguages(t *testing.T) {
	evs := loopEvents(t)
	rng := rand.New(rand.NewPCG(3, 4))
	qs := append(Lab(evs, rng, narrate.English), Quiz(evs, rng, QuizOptions{N: 16})...)
	for _, lang := range []narrate.Lang{narrate.English, narrate.Chinese} {
		for _, q := range qs {
			for _, s := range []string{q.Text(lang, evs), q.Explain(lang, evs)} {
				if s == "" || strings.Contains(s, "%!") || strings.Contains(s, "quiz.") {
					t.Errorf("%s %v: %q", lang, q.Ask, s)
				}
			}
		}
	}
}
