package export

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// Format is an export format, chosen by one --format value.
type Format uint8

// Formats.
const (
	ASCII    Format = iota // the --no-tui text ladder
	Mermaid                // a Mermaid sequenceDiagram
	PlantUML               // @startuml … @enduml
	SVG                    // a self-contained SVG image
	JSON                   // the demo --json lines
	Cast                   // an asciinema v2 recording
	formats
)

var formatNames = [...]string{"ascii", "mermaid", "plantuml", "svg", "json", "cast"}

// String returns the --format value: "ascii", "mermaid", "plantuml", "svg",
// "json" or "cast".
func (f Format) String() string {
	if f < formats {
		return formatNames[f]
	}
	return "unknown"
}

// Ext returns the usual file name extension of the format, with its dot.
func (f Format) Ext() string {
	switch f {
	case Mermaid:
		return ".mmd"
	case PlantUML:
		return ".puml"
	case SVG:
		return ".svg"
	case JSON:
		return ".ndjson"
	case Cast:
		return ".cast"
	}
	return ".txt"
}

// Formats lists every format's name, for help texts.
func Formats() string { return strings.Join(formatNames[:], "|") }

// ParseFormat maps a --format value to a Format.
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames {
		if strings.EqualFold(s, n) {
			return Format(i), nil
		}
	}
	return 0, fmt.Errorf("unknown format %q: use one of %s", s, Formats())
}

// Theme is the colour scheme of the SVG.
type Theme uint8

// Themes.
const (
	Light Theme = iota
	Dark
)

// String returns "light" or "dark".
func (t Theme) String() string {
	if t == Dark {
		return "dark"
	}
	return "light"
}

// ParseTheme maps "light" or "dark" to a Theme.
func ParseTheme(s string) (Theme, error) {
	switch strings.ToLower(s) {
	case "", "light":
		return Light, nil
	case "dark":
		return Dark, nil
	}
	return Light, fmt.Errorf("unknown theme %q: use light or dark", s)
}

// Options say how to write the ladder.
type Options struct {
	Lang narrate.Lang
	Raw  bool // raw sequence numbers instead of relative ones

	// SVG only.
	Theme Theme
	Width int  // image width in px; 0 is DefaultWidth
	Even  bool // even spacing instead of arrows placed and sloped by time

	// Title heads the SVG, the Mermaid and PlantUML diagrams and the
	// recording (e.g. the capture's file name); "" leaves it out.
	Title string
}

// DefaultWidth is the SVG width when Options.Width is 0: a 16:9 slide at
// 1000 px wide.
const DefaultWidth = 1000

// MinWidth is the narrowest SVG that still holds the labels.
const MinWidth = 480

// MermaidMaxText is Mermaid's default maxTextSize: a longer diagram is
// drawn as "Maximum text size in diagram exceeded" (GitHub keeps the
// default), so the command warns about one.
const MermaidMaxText = 50000

// Input is what to export: the events of the stream(s), in timeline order,
// how to find each one's connection, and the streams' summaries (the
// closing lines of the JSON format).
type Input struct {
	Events    []session.Event
	Info      func(kind session.EventKind, stream int) session.StreamInfo
	Summaries []session.StreamSummary
}

func (in *Input) info(ev *session.Event) session.StreamInfo {
	if in.Info == nil {
		return session.StreamInfo{Index: ev.Stream}
	}
	kind := ev.Kind
	if kind == session.KindCall {
		kind = session.KindSegment
	}
	return in.Info(kind, ev.Stream)
}

// Write renders in as f to w. The output is built in memory first, so a
// failure leaves nothing half-written.
func Write(w io.Writer, f Format, in Input, o Options) error {
	if o.Width == 0 {
		o.Width = DefaultWidth
	}
	if o.Width < MinWidth {
		return fmt.Errorf("width %d px is too narrow for the labels: use at least %d", o.Width, MinWidth)
	}
	var b bytes.Buffer
	var err error
	switch f {
	case ASCII:
		err = writeASCII(&b, &in, o)
	case Mermaid:
		err = writeMermaid(&b, build(&in, o), o)
	case PlantUML:
		err = writePlantUML(&b, build(&in, o), o)
	case SVG:
		err = writeSVG(&b, build(&in, o), o)
	case JSON:
		err = writeJSON(&b, &in, o)
	case Cast:
		err = writeCast(&b, &in, o)
	default:
		err = fmt.Errorf("unknown format %d", f)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", f, err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("writing the %s export: %w (is the disk full or the pipe closed?)", f, err)
	}
	return nil
}
