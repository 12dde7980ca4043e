package interview

import (
	"context"
	"fmt"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui"
	"github.com/handshake-viz/handshake-viz/ui/cells"
)

// QuizOptions configure the quiz screen.
type QuizOptions struct {
	Lang  narrate.Lang
	Speed float64
	Name  string // what is quizzed: a topic, a scenario or a file name
}

// Quiz is the quiz screen: the ladder plays and stops before the packet a
// question is about (a lab question shows the whole capture); the
// question and its options a-d are at the top; the answer is checked
// against the real packet, which is then shown with why; Enter goes on;
// the score comes at the end.
//
// It runs on the tview UI goroutine, except the ladder's animation.
type Quiz struct {
	app      *tview.Application
	opts     QuizOptions
	ex       explain.Exchange
	evs      []session.Event
	qs       []explain.Question
	at       int  // the question asked
	answered bool // the question at has been answered
	choice   int
	score    explain.Score
	screen   *ui.LadderScreen
	view     *quizView
	keys     keyTable[*Quiz]
	quit     func()
}

// quizKeys are the quiz's own bindings; the ladder's follow them.
func quizKeys() keyTable[*Quiz] {
	return keyTable[*Quiz]{prefix: "quiz", rows: []binding[*Quiz]{
		{id: "answer", bar: 1, useful: func(q *Quiz) bool { return q.Ready() },
			keys: runes('a', 'd', func(q *Quiz, r rune) { q.Answer(int(r - 'a')) })},
		{id: "next", bar: 1, useful: func(q *Quiz) bool { return q.answered && !q.Done() },
			keys: []trigger[*Quiz]{onKey(tcell.KeyEnter, func(q *Quiz, _ rune) { q.Next() })}},
	}}
}

// QuizKeys returns the catalog keys of the quiz's key table.
func QuizKeys() []narrate.Key { return quizKeys().Keys() }

// QuizKeysMarkdown is the quiz's own keys as a Markdown table.
func QuizKeysMarkdown(lang narrate.Lang) string { return quizKeys().Markdown(lang) }

// NewQuiz returns the quiz of questions qs about the finished exchange ex
// (app nil in tests that only draw).
func NewQuiz(app *tview.Application, opts QuizOptions, ex explain.Exchange, qs []explain.Question) *Quiz {
	q := &Quiz{app: app, opts: opts, ex: ex, qs: qs, keys: quizKeys(),
		evs: ex.Timeline.Slice(0, ex.Timeline.Len())}
	q.view = &quizView{Box: tview.NewBox(), q: q}
	q.screen = ui.NewLadderScreen(app, ex.Timeline, ex.Store, ui.ScreenOptions{
		Title: narrate.Text(opts.Lang, "quiz.title.screen", opts.Name), Lang: opts.Lang,
		Speed: opts.Speed, Recorded: !ex.Live, Stream: labStream(q.evs, qs), Kind: session.KindSegment,
	})
	q.screen.SetHideUnplayed(true)
	q.screen.SetExtraKeys(q.keys.extra(opts.Lang, q))
	q.screen.SetQuitFunc(q.quitNow)
	q.begin()
	return q
}

// Primitive is the quiz as a tview primitive.
func (q *Quiz) Primitive() tview.Primitive { return q.view }

// Start starts the ladder's animation.
func (q *Quiz) Start() { q.screen.Start() }

// Stop stops it; call it before app.Stop.
func (q *Quiz) Stop() { q.screen.Stop() }

// SetQuitFunc sets what q and Ctrl-C do.
func (q *Quiz) SetQuitFunc(f func()) { q.quit = f }

// Ladder is the embedded ladder screen.
func (q *Quiz) Ladder() *ui.LadderScreen { return q.screen }

// Score is the score so far.
func (q *Quiz) Score() explain.Score { return q.score }

// Done reports whether every question was answered and the score is up.
func (q *Quiz) Done() bool { return q.at >= len(q.qs) }

func (q *Quiz) quitNow() {
	q.Stop()
	if q.quit != nil {
		q.quit()
	} else if q.app != nil {
		q.app.Stop()
	}
}

// arrow is the arrow of the question asked.
func (q *Quiz) arrow() int { return q.screen.EventArrow(q.qs[q.at].Event) }

// begin plays the ladder up to the packet of the question asked (the
// whole capture for a lab question), or to the end after the last.
func (q *Quiz) begin() {
	p := q.screen.Player()
	q.screen.Sync()
	if q.Done() {
		p.SetStops(nil)
		p.End()
		q.screen.Sync()
		return
	}
	if q.qs[q.at].Whole {
		p.SetStops(nil)
		p.End()
		q.screen.Sync()
		return
	}
	k := q.arrow()
	switch {
	case k == 0:
		p.Hold()
	case p.Position() >= k:
		p.Seek(k)
		p.Pause()
	default:
		p.SetStops(func(i int) bool { return i == k-1 })
		p.Play()
	}
	q.screen.Sync()
}

// Ready reports whether the question asked waits for its answer: the
// ladder stands just before its packet.
func (q *Quiz) Ready() bool {
	if q.Done() || q.answered {
		return false
	}
	if q.qs[q.at].Whole {
		return true
	}
	p := q.screen.Player()
	return p.Position() <= q.arrow() && !p.Playing()
}

// pastQuestion reports whether the learner stepped past the packet asked
// about (it is on the ladder: ← steps back to answer).
func (q *Quiz) pastQuestion() bool {
	if q.Done() || q.answered || q.qs[q.at].Whole {
		return false
	}
	p := q.screen.Player()
	return !p.Playing() && p.Position() > q.arrow()
}

// Answer answers the question asked with option i (0 is a): it is scored
// and the real packet is shown.
func (q *Quiz) Answer(i int) {
	if !q.Ready() || i < 0 || i >= len(q.qs[q.at].Options) {
		return
	}
	q.answered, q.choice = true, i
	q.score.Add(q.qs[q.at].Correct(i))
	if k := q.arrow(); k >= 0 {
		q.screen.Player().SetStops(nil)
		q.screen.Player().Select(k)
		q.screen.Sync()
	}
}

// Next goes to the next question (after the last: the score).
func (q *Quiz) Next() {
	if !q.answered || q.Done() {
		return
	}
	q.at++
	q.answered = false
	q.begin()
}

// HandleKey applies a key: the quiz's own first, then the ladder's.
func (q *Quiz) HandleKey(ev *tcell.EventKey) bool {
	if q.screen.HelpShown() {
		return q.screen.HandleKey(ev)
	}
	if q.keys.handle(q, ev) {
		return true
	}
	if q.Ready() && ev.Key() == tcell.KeyRune && ev.Rune() == ' ' &&
		(q.qs[q.at].Whole || q.screen.Player().Position() == q.arrow()) {
		return true // playing on would show the answer
	}
	return q.screen.HandleKey(ev)
}

// lines are the question pane's lines: the question and its options, the
// verdict and why once answered, or the score at the end.
func (q *Quiz) lines(w int) (title string, out []styledLine) {
	lang := q.opts.Lang
	if q.Done() {
		return narrate.Text(lang, "quiz.score", q.score.Right, q.score.Asked),
			[]styledLine{{narrate.Text(lang, "quiz.done", q.score.Right, q.score.Asked), styleTitle}}
	}
	qu := q.qs[q.at]
	title = narrate.Text(lang, "quiz.question", q.at+1, len(q.qs), q.score.Right, q.score.Asked)
	if q.pastQuestion() {
		return title, []styledLine{{narrate.Text(lang, "quiz.stepback"), styleMark}}
	}
	if !q.answered && !q.Ready() {
		return title, []styledLine{{narrate.Text(lang, "quiz.waiting"), styleDim}}
	}
	out = wrapped(qu.Text(lang, q.evs), w, styleNormal)
	for i, o := range qu.Options {
		st := styleNormal
		mark := "  "
		if q.answered {
			switch {
			case i == qu.Answer:
				st, mark = styleRight, "✓ "
			case i == q.choice:
				st, mark = styleWrong, "✗ "
			default:
				st = styleDim
			}
		}
		out = append(out, styledLine{cells.Fit(fmt.Sprintf("%s%c) %s", mark, 'a'+i, o), w), st})
	}
	if q.answered {
		verdict := narrate.Text(lang, "quiz.right", qu.Options[qu.Answer])
		st := styleRight
		if !qu.Correct(q.choice) {
			verdict, st = narrate.Text(lang, "quiz.wrong", qu.Options[qu.Answer]), styleWrong
		}
		out = append(out, wrapped(verdict+" "+qu.Explain(lang, q.evs), w, st)...)
	}
	return title, out
}

// quizView draws the question pane over the ladder screen.
type quizView struct {
	*tview.Box
	q *Quiz
}

// Draw lays out and draws the quiz.
func (v *quizView) Draw(screen tcell.Screen) {
	v.Box.DrawForSubclass(screen, v)
	x, y, w, h := v.GetInnerRect()
	if w <= 0 || h <= 0 {
		return
	}
	title, lines := v.q.lines(w - 4)
	ph := min(len(lines)+2, h/2)
	pane(screen, x, y, w, ph, title, lines)
	prim := v.q.screen.Primitive()
	prim.SetRect(x, y+ph, w, h-ph)
	prim.Draw(screen)
}

// InputHandler hands keys to HandleKey.
func (v *quizView) InputHandler() func(event *tcell.EventKey, setFocus func(p tview.Primitive)) {
	return v.WrapInputHandler(func(event *tcell.EventKey, _ func(p tview.Primitive)) {
		v.q.HandleKey(event)
	})
}

// MouseHandler gives the mouse to the ladder screen.
func (v *quizView) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return v.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		return v.q.screen.Primitive().MouseHandler()(action, event, setFocus)
	})
}

// RunQuiz runs the quiz on the terminal until q, Ctrl-C or ctx ends, and
// returns the score.
func RunQuiz(ctx context.Context, opts QuizOptions, ex explain.Exchange, qs []explain.Question) (explain.Score, error) {
	var quiz *Quiz
	err := runApp(ctx, tview.NewApplication(), func(app *tview.Application) (screenRunner, error) {
		quiz = NewQuiz(app, opts, ex, qs)
		return quiz, nil
	})
	if quiz == nil {
		return explain.Score{}, err
	}
	return quiz.Score(), err
}

// labStream is the one TCP stream the lab questions qs are about (the
// ladder shows it alone), -1 (every stream) for other quizzes.
func labStream(evs []session.Event, qs []explain.Question) int {
	if len(qs) == 0 {
		return -1
	}
	stream := evs[qs[0].Event].Stream
	for _, q := range qs {
		if !q.Whole || evs[q.Event].Kind != session.KindSegment || evs[q.Event].Stream != stream {
			return -1
		}
	}
	return stream
}
