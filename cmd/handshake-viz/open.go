package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui"
)

// openOptions are the flags of `handshake-viz open`.
type openOptions struct {
	speed  float64
	raw    bool
	lang   string
	teach  teachOptions
	filter string
}

func newOpenCmd(ios streams, o *openOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "open FILE",
		Short: "Browse the connections of a pcap/pcapng capture and play any one as a ladder",
		Long: `Opens a capture (pcap or pcapng, possibly gzip-compressed) in the terminal UI:
a list of its TCP streams and UDP flows, sortable and filterable by typing;
Enter opens a stream as a ladder with the states of both ends, the header
bytes by layer and a plain-words explanation of each step; Esc goes back.
A capture with a single TCP stream opens straight on its ladder.

"-" reads a capture streamed on stdin; the ladders grow as packets arrive.
Memory stays bounded however long the stream: the list keeps every stream,
but only the last 65,536 events (32 MiB of frames) are kept for the ladders;
an older, finished stream says it was dropped from memory (save the capture
to a file to see them all).`,
		Example: `  handshake-viz open trace.pcapng
  tcpdump -i eth0 -U -w - 'tcp port 443' | handshake-viz open -
  ssh host tcpdump -i eth0 -U -w - 'tcp port 22' | handshake-viz open -`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.speed <= 0 || o.speed > 1000 {
				return fmt.Errorf("--speed %g is out of range: use a number above 0 (1 is normal, 2 twice as fast)", o.speed)
			}
			lang, err := narrate.ParseLang(o.lang)
			if err != nil {
				return fmt.Errorf("--lang: %w", err)
			}
			if err := o.teach.validate(false); err != nil {
				return err
			}
			var filter feed.FilterFactory
			if o.filter != "" {
				ff, err := newFrameFilter(o.filter)
				if err != nil {
					return err
				}
				filter = func() func(*capture.RawPacket) bool { return ff.clone().match }
			}
			if err := needTerminal("open"); err != nil {
				return err
			}
			cat, err := feed.OpenCatalogFiltered(cmd.Context(), args[0], filter)
			if err != nil {
				return err
			}
			files := newScreenFiles(args[0], "handshake-viz-stdin", lang, o.raw)
			return ui.RunBrowser(cmd.Context(), cat, ui.BrowserOptions{
				Lang:   lang,
				Speed:  o.speed,
				Raw:    o.raw,
				Title:  narrate.Text(lang, "open.title", args[0]),
				Export: files.export,
				Save:   files.save,

				PauseAt:     o.teach.pause,
				StartPaused: o.teach.startPaused,
			})
		},
	}
	f := cmd.Flags()
	f.Float64Var(&o.speed, "speed", 1, "animation speed: 1 is about one arrow per 0.8 s, 2 twice as fast")
	f.BoolVar(&o.raw, "raw", false, "show raw sequence numbers instead of relative ones")
	f.StringVar(&o.lang, "lang", defaultLang(), langFlagUsage)
	f.StringVar(&o.filter, "filter", "", "show only the frames this pcap-filter expression accepts (e.g. 'tcp port 443')")
	o.teach.addFlags(cmd)
	return cmd
}
