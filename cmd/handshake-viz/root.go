package main

import (
	"io"

	"github.com/spf13/cobra"
)

// streams are the standard streams a command reads and writes.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	ios := streams{in: stdin, out: stdout, err: stderr}
	root := &cobra.Command{
		Use:   "handshake-viz",
		Short: "See TCP: handshake, data, close and the state of both ends, packet by packet",
		Long: `handshake-viz lets you see TCP.

  sudo handshake-viz demo        run a real client/server exchange on loopback,
                                 capture it and animate it
  handshake-viz open FILE        browse the connections of a pcap/pcapng file
  handshake-viz analyze FILE...  one line per TCP stream, or --json for scripts
  handshake-viz scenarios        the scenarios demo --scenario NAME runs
  sudo handshake-viz watch [FILTER]  the machine's connections live, with processes`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		newDemoCmd(ios, &demoOptions{}),
		newOpenCmd(ios, &openOptions{}),
		newAnalyzeCmd(ios, &analyzeOptions{}),
		newWatchCmd(ios, &watchOptions{}),
		newExplainCmd(ios, &explainOptions{}),
		newQuizCmd(ios, &quizOptions{}),
		newScenariosCmd(ios, &scenariosOptions{}),
		newExportCmd(ios, &exportOptions{}),
	)
	return root
}
