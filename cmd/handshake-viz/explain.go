package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/interview"
)

// explainOptions are the flags of `handshake-viz explain`.
type explainOptions struct {
	lang  string
	noTUI bool
}

func newExplainCmd(ios streams, o *explainOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "explain [TOPIC]",
		Short: "Answer an interview question with real packets (explain alone lists the topics)",
		Long: `Interview mode: each topic asks an interview question, plays a real exchange
with the point to notice under each key packet, then gives the model answer
and the follow-up questions. This build prints the text (as --no-tui); the
guided screen comes next.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := narrate.ParseLang(o.lang)
			if err != nil {
				return fmt.Errorf("--lang: %w", err)
			}
			if len(args) == 0 {
				return interview.WriteList(ios.out, lang)
			}
			t, ok := explain.Find(args[0])
			if !ok {
				return fmt.Errorf("unknown topic %q: run \"handshake-viz explain\" for the list (%s)", args[0], strings.Join(explain.Names(), ", "))
			}
			ex, err := recordedLoop(cmd)
			if err != nil {
				return err
			}
			return interview.WriteTopic(ios.out, lang, interview.Lesson{Topic: t, Exchange: ex})
		},
	}
	cmd.Flags().StringVar(&o.lang, "lang", "en", "language: en or zh")
	cmd.Flags().BoolVar(&o.noTUI, "no-tui", true, "print the topic as text (the only mode of this build)")
	return cmd
}

// recordedLoop is the exchange shipped in the binary, through the real
// decoder and tracker (the stand-in until the scenario library lands).
func recordedLoop(cmd *cobra.Command) (explain.Exchange, error) {
	src, err := capture.OpenReader("recorded exchange", strings.NewReader(recordedExchange), int64(len(recordedExchange)))
	if err != nil {
		return explain.Exchange{}, fmt.Errorf("the recorded exchange shipped in the binary is unreadable: %w", err)
	}
	defer src.Close()
	tl, store := session.NewTimeline(), capture.NewMemoryStore()
	if _, err := feed.Run(cmd.Context(), src, feed.Options{Timeline: tl, Store: store}); err != nil {
		return explain.Exchange{}, fmt.Errorf("playing the recorded exchange: %w", err)
	}
	return explain.Exchange{Scenario: "loop", Timeline: tl, Store: store}, nil
}
