package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/handshake-viz/handshake-viz/session/exchange"
	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/interview"
)

// quizOptions are the flags of `handshake-viz quiz`.
type quizOptions struct {
	explainOptions
	seed      uint64
	questions int
}

func newQuizCmd(ios streams, o *quizOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "quiz [TOPIC | FILE]",
		Short: "Quiz yourself on a real exchange: what comes next (flags, seq, ack, len, states)",
		Long: `Active recall on real packets: the ladder plays and stops before an arrow,
and you say what comes next (its flags, seq, ack, length, or the state of each
end) with a-d; the answer is checked against the real packet and explained;
the score comes at the end. With a TOPIC the key packets of that topic are
asked first. With a capture FILE, the Wireshark-lab questions are asked on it
(the SYN's seq, what marks it a SYN, the SYN-ACK's seq and ack, which packet
completes the handshake, which starts the close).

The questions come from the real capture, so each run is new; --seed N asks
the same ones again. Without a terminal, or with --no-tui, answers are read
from stdin, one a line (a-d or 1-4).`,
		Example: `  sudo handshake-viz quiz
  handshake-viz quiz handshake --seed 7
  handshake-viz quiz trace.pcapng
  printf 'a\nb\nc\nd\na\n' | handshake-viz quiz close --no-tui --seed 1`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			if o.questions < 1 || o.questions > 50 {
				return fmt.Errorf("--questions %d is out of range: use 1-50", o.questions)
			}
			arg := ""
			if len(args) == 1 {
				arg = args[0]
			}
			return runQuiz(cmd.Context(), ios, o, arg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.lang, "lang", defaultLang(), langFlagUsage)
	f.BoolVar(&o.noTUI, "no-tui", false, "ask in text and read the answers from stdin, one a line (as when there is no terminal)")
	f.BoolVar(&o.recorded, "recorded", false, "quiz on the recorded exchange shipped in the binary instead of capturing")
	f.Float64Var(&o.speed, "speed", 1, "animation speed: 1 is about one arrow per 0.8 s, 2 twice as fast")
	f.Uint64Var(&o.seed, "seed", 0, "choose the questions from this seed, to ask the same again (0: a new choice, printed)")
	f.IntVarP(&o.questions, "questions", "n", 5, "how many next-packet questions to ask")
	return cmd
}

// quizTarget is what a quiz asks about.
type quizTarget struct {
	name  string
	topic *explain.Topic
	file  string
}

func resolveQuiz(arg string) (quizTarget, error) {
	if arg == "" {
		return quizTarget{name: exchange.ScenarioLoop}, nil
	}
	if t, ok := explain.Find(arg); ok {
		return quizTarget{name: t.Name, topic: &t}, nil
	}
	if _, err := os.Stat(arg); err == nil {
		return quizTarget{name: filepath.Base(arg), file: arg}, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return quizTarget{}, fmt.Errorf("quiz %s: %w", arg, err)
	}
	return quizTarget{}, fmt.Errorf("%q is neither a topic nor a capture file: topics are %s; or give the path of a pcap/pcapng file", arg, strings.Join(explain.Names(), ", "))
}

func runQuiz(ctx context.Context, ios streams, o *quizOptions, arg string) error {
	target, err := resolveQuiz(arg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	o.file = target.file
	src := o.source(ios)
	defer src.Wait()
	defer cancel()
	scenario := exchange.ScenarioLoop
	if target.topic != nil {
		scenario = target.topic.Scenario
	}
	ex, err := src.Play(ctx, scenario)
	if err != nil {
		return err
	}
	if err := waitDone(ctx, ex.Timeline); err != nil {
		return &exitError{code: exitInterrupted}
	}
	seed := o.seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())%1_000_000 + 1
	}
	qs := quizQuestions(ex, target, o.language, o.questions, seed)
	if len(qs) == 0 {
		return errors.New(narrate.Text(o.language, "quiz.none", target.name))
	}
	fmt.Fprintln(ios.err, "handshake-viz: "+narrate.Text(o.language, "quiz.seed", seed))
	if o.noTUI || !isTerminal(ios.out) {
		_, err := interview.RunQuizText(ios.out, ios.in, o.language, ex, qs)
		return err
	}
	if err := needTerminal("quiz"); err != nil {
		return err
	}
	score, err := interview.RunQuiz(ctx, interview.QuizOptions{Lang: o.language, Speed: o.speed, Name: target.name}, ex, qs)
	if err == nil && score.Asked > 0 {
		fmt.Fprintln(ios.out, narrate.Text(o.language, "quiz.score", score.Right, score.Asked))
	}
	return err
}

// quizQuestions are the questions of a quiz: on a file the lab questions
// (the next-packet ones when it shows no handshake); on a topic its key
// packets first.
func quizQuestions(ex explain.Exchange, target quizTarget, lang narrate.Lang, n int, seed uint64) []explain.Question {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	evs := ex.Timeline.Slice(0, ex.Timeline.Len())
	if target.file != "" {
		if qs := explain.Lab(evs, rng, lang); len(qs) > 0 {
			return qs
		}
	}
	opts := explain.QuizOptions{N: n, Lang: lang}
	if target.topic != nil {
		for _, m := range target.topic.Marks(evs) {
			opts.Focus = append(opts.Focus, m.Event)
		}
	}
	return explain.Quiz(evs, rng, opts)
}
