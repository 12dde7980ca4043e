package interview

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// twoQuestions asks about the SYN,ACK's flags (event 1: option b is
// right) and the first data's length (event 3: option b is right).
func twoQuestions() []explain.Question {
	return []explain.Question{
		{Event: 1, Ask: explain.AskFlags, Options: []string{"SYN", "SYN, ACK", "ACK", "RST"}, Answer: 1},
		{Event: 3, Ask: explain.AskLen, Options: []string{"Len=0", "Len=5", "Len=6", "Len=4"}, Answer: 1},
	}
}

func newTestQuiz(t *testing.T, lang narrate.Lang, w, h int) (*Quiz, tcell.SimulationScreen) {
	t.Helper()
	sim := tcell.NewSimulationScreen("UTF-8")
	app := tview.NewApplication().SetScreen(sim)
	sim.SetSize(w, h)
	t.Cleanup(sim.Fini)
	q := NewQuiz(app, QuizOptions{Lang: lang, Speed: 1, Name: "handshake"}, loopExchange(t), twoQuestions())
	q.Primitive().SetRect(0, 0, w, h)
	return q, sim
}

// playToQuestion ticks the ladder as the animation does until the quiz
// waits for an answer.
func playToQuestion(t *testing.T, q *Quiz) {
	t.Helper()
	p := q.Ladder().Player()
	now := fakeNow()
	for n := 0; !q.Ready(); n++ {
		if n > 100 {
			t.Fatalf("the ladder never stopped before the question (position %d)", p.Position())
		}
		now = now.Add(p.Interval())
		p.Tick(now)
	}
	p.Tick(now.Add(p.Interval())) // the last arrow grows to its end
	q.Ladder().Sync()
}

func TestQuizScoresARightAndAWrongAnswerFromScriptedKeys(t *testing.T) {
	q, sim := newTestQuiz(t, narrate.English, 120, 40)
	if q.HandleKey(rkey('b')); q.Score().Asked != 0 {
		t.Fatal("an answer was taken while the ladder still played")
	}
	playToQuestion(t, q)
	before := renderScreen(q, sim)
	if strings.Contains(before, "SYN, ACK Seq=0") {
		t.Errorf("the arrow asked about is drawn before the answer:\n%s", before)
	}
	if !strings.Contains(before, "b) SYN, ACK") {
		t.Errorf("the options are not shown:\n%s", before)
	}
	q.HandleKey(rkey('b')) // right
	after := renderScreen(q, sim)
	if !strings.Contains(after, "✓ Right: SYN, ACK") || !strings.Contains(after, "SYN, ACK Seq=0 Ack=1") {
		t.Errorf("after the right answer the verdict or the real packet is missing:\n%s", after)
	}
	q.HandleKey(rkey('c')) // a second answer to the same question is ignored
	q.HandleKey(key(tcell.KeyEnter))
	playToQuestion(t, q)
	q.HandleKey(rkey('d')) // wrong: Len=4
	got := renderScreen(q, sim)
	if !strings.Contains(got, "✗ Not quite: it was Len=5") {
		t.Errorf("after the wrong answer:\n%s", got)
	}
	laddertest.Golden(t, *update, "quiz_wrong_120x40_en.golden", got)
	q.HandleKey(key(tcell.KeyEnter))
	if s := q.Score(); s.Right != 1 || s.Asked != 2 || !q.Done() {
		t.Errorf("score %+v done %v, want 1 of 2 and done", s, q.Done())
	}
	if got := renderScreen(q, sim); !strings.Contains(got, "Score: 1 of 2") {
		t.Errorf("the end screen lacks the score:\n%s", got)
	}
}

func TestQuizGoldenAsksInChineseAtEightyColumns(t *testing.T) {
	q, sim := newTestQuiz(t, narrate.Chinese, 80, 24)
	playToQuestion(t, q)
	laddertest.Golden(t, *update, "quiz_ask_80x24_zh.golden", renderScreen(q, sim))
}

func TestQuizTextReadsAnswersFromLinesAndStopsAtTheEndOfInput(t *testing.T) {
	var out strings.Builder
	score, err := RunQuizText(&out, strings.NewReader("x\nB\n"), narrate.English, loopExchange(t), twoQuestions())
	if err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if score.Right != 1 || score.Asked != 1 {
		t.Errorf("score %+v, want 1 of 1 (x is refused, B is right, then the input ends)", score)
	}
	for _, want := range []string{`answer with a, b, c or d ("x" is none of them)`, "✓ Right: SYN, ACK", "1 question(s) left unasked", "Score: 1 of 1"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestQuizSpaceDoesNotPlayPastTheQuestionAndSteppingPastAsksToStepBack(t *testing.T) {
	q, sim := newTestQuiz(t, narrate.English, 120, 40)
	playToQuestion(t, q)
	p := q.Ladder().Player()
	k := p.Position()
	q.HandleKey(rkey(' '))
	if p.Playing() || p.Position() != k {
		t.Fatalf("space played on past the question: position %d playing %v", p.Position(), p.Playing())
	}
	q.HandleKey(key(tcell.KeyRight)) // the packet asked about shows
	if q.Ready() || !strings.Contains(renderScreen(q, sim), "← steps back to answer") {
		t.Error("after stepping past the question the quiz still takes answers, or does not say how to go back")
	}
	q.HandleKey(key(tcell.KeyLeft))
	if !q.Ready() {
		t.Error("stepping back does not bring the question back")
	}
}
