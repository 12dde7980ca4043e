package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/export"
)

// exportOptions are the flags of `handshake-viz export`.
type exportOptions struct {
	stream string // a stream index or "all"
	format string
	out    string
	force  bool
	raw    bool
	lang   string
	theme  string
	width  int
	even   bool
}

// exportRequest is the flags checked and parsed.
type exportRequest struct {
	all    bool
	stream int
	format export.Format
	opts   export.Options
}

func (o *exportOptions) parse() (exportRequest, error) {
	var r exportRequest
	var err error
	if r.format, err = export.ParseFormat(o.format); err != nil {
		return r, fmt.Errorf("--format: %w", err)
	}
	switch o.stream {
	case "all":
		r.all = true
	case "":
		r.stream = -1 // the first TCP stream
	default:
		n, err := strconv.Atoi(o.stream)
		if err != nil || n < 0 {
			return r, fmt.Errorf("--stream %q: use a stream index (0, 1, … as analyze lists them) or all", o.stream)
		}
		r.stream = n
	}
	if r.opts.Lang, err = narrate.ParseLang(o.lang); err != nil {
		return r, fmt.Errorf("--lang: %w", err)
	}
	if r.opts.Theme, err = export.ParseTheme(o.theme); err != nil {
		return r, fmt.Errorf("--theme: %w", err)
	}
	if o.width != 0 && o.width < export.MinWidth {
		return r, fmt.Errorf("--width %d is too narrow for the labels: use at least %d (px)", o.width, export.MinWidth)
	}
	r.opts.Width, r.opts.Even, r.opts.Raw = o.width, o.even, o.raw
	return r, nil
}

func newExportCmd(ios streams, o *exportOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export FILE|-",
		Short: "Write one stream of a capture as ASCII, Mermaid, PlantUML, SVG, JSON or an asciinema recording",
		Long: `Reads a capture (pcap or pcapng, possibly gzip-compressed; "-" is stdin) and
writes the ladder of one TCP stream (the first, or --stream N, or all) in the
format people paste into notes, slides, issues and interview answers:

  ascii     the --no-tui text ladder
  mermaid   a Mermaid sequenceDiagram (GitHub renders it in a ` + "```mermaid" + ` block)
  plantuml  @startuml … @enduml
  svg       a self-contained image: arrows sloped by time (--even: evenly
            spaced), phase bands, both ends' states; --theme, --width
  json      the demo --json lines of the stream's events and its summary
  cast      an asciinema v2 recording of the animated ladder

Every format draws the same ladder as the terminal UI: Wireshark-style labels
with relative numbers (--raw: raw ones), phases, the states of both ends after
each arrow, retransmissions, RSTs and dropped packets marked. -o writes a
file (never over an existing one without --force); the default is stdout.`,
		Example: `  handshake-viz export trace.pcap --format svg -o ladder.svg
  handshake-viz export trace.pcap --stream 2 --format mermaid
  handshake-viz export trace.pcap --format cast -o ladder.cast && asciinema play ladder.cast
  tcpdump -i eth0 -c 20 -w - 'tcp port 80' | handshake-viz export - --format ascii`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req, err := o.parse()
			if err != nil {
				return err
			}
			return runExport(cmd, ios, o, req, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.stream, "stream", "", "the TCP stream to export: an index as analyze lists them, or all (default: the first)")
	f.StringVar(&o.format, "format", "ascii", "output format: "+export.Formats())
	f.StringVarP(&o.out, "output", "o", "-", "write to this file (- is stdout)")
	f.BoolVar(&o.force, "force", false, "overwrite the -o file if it exists")
	f.BoolVar(&o.raw, "raw", false, "raw sequence numbers instead of relative ones")
	f.StringVar(&o.lang, "lang", defaultLang(), langFlagUsage)
	f.StringVar(&o.theme, "theme", "light", "svg: light or dark")
	f.IntVar(&o.width, "width", 0, fmt.Sprintf("svg: image width in px (default %d)", export.DefaultWidth))
	f.BoolVar(&o.even, "even", false, "svg: space the arrows evenly instead of by time")
	return cmd
}

// runExport reads the capture, keeps the chosen stream's events and writes
// them; the output file is created only once the export is rendered.
func runExport(cmd *cobra.Command, ios streams, o *exportOptions, req exportRequest, path string) error {
	if o.out != "-" && !o.force {
		if _, err := os.Lstat(o.out); err == nil {
			return fmt.Errorf("-o %s: the file exists; use --force to overwrite it or choose another name", o.out)
		}
	}
	src, err := openInput(ios, path)
	if err != nil {
		return err
	}
	defer src.Close()
	tl := session.NewTimeline()
	keep := func(ev *session.Event) bool { return ev.Kind != session.KindDatagram || req.all }
	if !req.all {
		want := max(req.stream, 0) // the first stream is stream 0
		keep = func(ev *session.Event) bool { return ev.Kind != session.KindDatagram && ev.Stream == want }
	}
	res, err := feed.Run(cmd.Context(), src, feed.Options{Timeline: tl, Keep: keep})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(ios.err, "handshake-viz: %s: warning: %s\n", path, w)
	}
	return exportTimeline(ios, tl, res.Tracker.Summaries(), req, path, o.out, o.force)
}

// exportTimeline writes the chosen stream (or all) of a finished timeline
// to out ("-": stdout) as req says; sums are the Tracker's summaries of
// every stream, source names the input in errors and titles ("-": stdin).
// A scenario run (demo --export) can call it with its own timeline.
func exportTimeline(ios streams, tl *session.Timeline, sums []session.StreamSummary, req exportRequest, source, out string, force bool) error {
	if len(sums) == 0 && !(req.all && len(tl.Flows()) > 0) {
		return fmt.Errorf("%s has no TCP stream to export (analyze lists what it has)", source)
	}
	stream := req.stream
	if !req.all && stream < 0 {
		stream = 0 // streams are numbered in order of their first packet
	}
	if !req.all && stream >= len(sums) {
		return fmt.Errorf("--stream %d: %s has TCP streams 0 to %d (analyze lists them)", stream, source, len(sums)-1)
	}
	in := export.Input{Info: tl.StreamInfo}
	if req.all {
		in.Events = tl.Slice(0, tl.Len())
	} else {
		in.Events = streamEvents(tl, session.KindSegment, stream)
	}
	if req.all {
		in.Summaries = sums
	} else {
		in.Summaries = sums[stream : stream+1]
	}
	opts := req.opts
	if source != "-" {
		opts.Title = filepath.Base(source)
	}
	var b bytes.Buffer
	if err := export.Write(&b, req.format, in, opts); err != nil {
		return err
	}
	if req.format == export.Mermaid && b.Len() > export.MermaidMaxText {
		fmt.Fprintln(ios.err, "handshake-viz: "+narrate.Text(opts.Lang, "export.mermaid.too-big", b.Len(), export.MermaidMaxText))
	}
	if out == "-" {
		_, err := ios.out.Write(b.Bytes())
		return err
	}
	return writeNew(out, b.Bytes(), force)
}

// writeNew writes data to path, refusing to replace an existing file unless
// force is set; the file appears whole or not at all (atomic_file.go).
func writeNew(path string, data []byte, force bool) error {
	err := writeAtomic(path, data, force)
	if errors.Is(err, errFileExists) {
		return fmt.Errorf("-o %s: the file exists; use --force to overwrite it or choose another name", path)
	}
	if err != nil {
		return fmt.Errorf("-o %s: %w (check the directory exists and is writable, and the disk is not full)", path, err)
	}
	return nil
}
