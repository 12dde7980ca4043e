package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/interview"
)

// explainOptions are the flags of `handshake-viz explain`.
type explainOptions struct {
	lang     string
	noTUI    bool
	file     string
	recorded bool
	speed    float64

	language narrate.Lang // parsed from lang
}

func newExplainCmd(ios streams, o *explainOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "explain [TOPIC]",
		Short: "Answer an interview question with real packets (explain alone lists the topics)",
		Long: `Interview mode: each topic asks an interview question, plays a real exchange
that pauses at each key packet with the point to notice, then gives the model
answer and the follow-up questions, each one key away (1-9).

The exchange is run live on loopback when the capture can be opened (root or
CAP_NET_RAW), else the recording shipped in the binary plays; --file plays a
capture of yours. A scenario the library does not have yet is stood in for by
the loop exchange, and the screen says so. Without a terminal, or with
--no-tui, the topic is printed as text.`,
		Example: `  handshake-viz explain
  sudo handshake-viz explain handshake
  handshake-viz explain close --lang zh --no-tui
  handshake-viz explain layers --file trace.pcapng`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			if len(args) == 0 {
				return interview.WriteList(ios.out, o.language)
			}
			t, ok := explain.Find(args[0])
			if !ok {
				return fmt.Errorf("unknown topic %q: run \"handshake-viz explain\" for the list (%s)", args[0], strings.Join(explain.Names(), ", "))
			}
			return runExplain(cmd.Context(), ios, o, t)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.lang, "lang", defaultLang(), langFlagUsage)
	f.BoolVar(&o.noTUI, "no-tui", false, "print the topic as text (question, annotated ladder, answer), as when there is no terminal")
	f.StringVar(&o.file, "file", "", "play this pcap/pcapng capture instead of running the topic's scenario")
	f.BoolVar(&o.recorded, "recorded", false, "play the recorded exchange shipped in the binary instead of capturing")
	f.Float64Var(&o.speed, "speed", 1, "animation speed: 1 is about one arrow per 0.8 s, 2 twice as fast")
	return cmd
}

func (o *explainOptions) validate() error {
	lang, err := narrate.ParseLang(o.lang)
	if err != nil {
		return fmt.Errorf("--lang: %w", err)
	}
	o.language = lang
	if o.speed <= 0 || o.speed > 1000 {
		return fmt.Errorf("--speed %g is out of range: use a number above 0 (1 is normal, 2 twice as fast)", o.speed)
	}
	if o.file != "" && o.recorded {
		return fmt.Errorf("--file and --recorded both name the exchange to play: keep one")
	}
	return nil
}

// source is the explain.Source the flags ask for.
func (o *explainOptions) source(ios streams) *scenarioSource {
	return &scenarioSource{lang: o.language, file: o.file, recorded: o.recorded, errOut: ios.err}
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func runExplain(ctx context.Context, ios streams, o *explainOptions, t explain.Topic) error {
	ctx, cancel := context.WithCancel(ctx)
	src := o.source(ios)
	defer src.Wait()
	defer cancel()
	if o.noTUI || !isTerminal(ios.out) {
		ex, err := src.Play(ctx, t.Scenario)
		if err != nil {
			return err
		}
		if err := waitDone(ctx, ex.Timeline); err != nil {
			return &exitError{code: exitInterrupted}
		}
		return interview.WriteTopic(ios.out, o.language, interview.Lesson{Topic: t, Exchange: ex})
	}
	if err := needTerminal("explain"); err != nil {
		return err
	}
	return interview.RunGuide(ctx, interview.GuideOptions{Lang: o.language, Speed: o.speed, Source: src}, t)
}
