package export

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// Timing of the recording, in seconds: each packet or call comes after
// the real time since the one before, but never sooner than castMinGap
// (so a viewer can follow a loopback exchange of microseconds) nor later
// than castMaxGap (a quiet minute is not a minute of nothing).
const (
	castStart  = 0.5
	castMinGap = 0.4
	castMaxGap = 2.0
	castFrames = 4    // frames of an arrow crossing the wire
	castFrame  = 0.06 // seconds between two of them

)

// ANSI styles of the recording.
const (
	ansiReset  = "\x1b[0m"
	ansiHeader = "\x1b[1;36m"
	ansiArrow  = "\x1b[1;34m"
	ansiAlert  = "\x1b[1;31m"
	ansiMarks  = "\x1b[33m"
	ansiState  = "\x1b[35m"
)

// castHeader is the first line of an asciinema v2 file.
type castHeader struct {
	Version   int               `json:"version"`
	Width     int               `json:"width"`
	Height    int               `json:"height"`
	Timestamp int64             `json:"timestamp,omitempty"`
	Title     string            `json:"title,omitempty"`
	Env       map[string]string `json:"env"`
}

// castEvent is one output event: [time, "o", text].
type castEvent struct {
	t    float64
	text string
}

// writeCast writes an asciinema v2 recording of the ladder as the
// --no-tui ladder draws it, event after event at the packets' own pace
// (gaps capped), each arrow crossing the wire in a few frames, coloured
// with ANSI: headers, arrows (red for an RST or a drop), marks, states.
func writeCast(w io.Writer, in *Input, o Options) error {
	tw := new(bytes.Buffer)
	text := ladder.NewTextWriter(tw, o.Lang, o.Raw)
	roles := [2]string{narrate.Text(o.Lang, "ui.client"), narrate.Text(o.Lang, "ui.server")}
	var evs []castEvent
	t := castStart
	prev := int64(-1)
	width, lines := 80, 0
	for i := range in.Events {
		ev := &in.Events[i]
		at := ladder.EventTime(ev)
		if prev >= 0 {
			gap := float64(at-prev) / 1e9
			t += min(max(gap, castMinGap), castMaxGap)
			if n := len(evs); n > 0 {
				t = max(t, evs[n-1].t+castFrame) // after the last frame of a slow arrow
			}
		}
		prev = at
		tw.Reset()
		if err := text.Write(*ev, in.info(ev)); err != nil {
			return err
		}
		marks := ladder.Marks(o.Lang, ev)
		for _, line := range strings.Split(strings.TrimSuffix(tw.String(), "\n"), "\n") {
			width = max(width, cellWidth(line)+1)
			lines++
			at := t
			if n := len(evs); n > 0 {
				at = max(at, evs[n-1].t) // a line under an animated arrow comes after it
			}
			evs = append(evs, castLine(at, line, ev, marks, roles)...)
		}
	}
	var b bytes.Buffer
	h := castHeader{Version: 2, Width: width, Height: min(max(lines+2, 12), 40), Title: o.Title,
		Env: map[string]string{"TERM": "xterm-256color", "SHELL": "/bin/sh"}}
	if len(in.Events) > 0 {
		h.Timestamp = ladder.EventTime(&in.Events[0]) / 1e9
	}
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(h); err != nil {
		return err
	}
	for _, e := range evs {
		b.WriteByte('[')
		b.WriteString(strconv.FormatFloat(e.t, 'f', 3, 64))
		b.WriteString(`, "o", `)
		if err := enc.Encode(e.text); err != nil { // one JSON string and "\n"
			return err
		}
		b.Truncate(b.Len() - 1)
		b.WriteString("]\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// castLine returns the events that draw one line of the text ladder at t:
// headers in one go, an arrow line in frames (the arrow growing from its
// sender), every other line as is. The arrow is the ladder.TextArrowWidth cells
// between the two role names, as ladder.TextWriter writes it.
func castLine(t float64, line string, ev *session.Event, marks string, roles [2]string) []castEvent {
	trimmed := strings.TrimLeft(line, " ")
	switch {
	case line == "":
		return []castEvent{{t, "\r\n"}}
	case !strings.HasPrefix(line, " ") || strings.HasPrefix(trimmed, "-- "):
		return []castEvent{{t, ansiHeader + line + ansiReset + "\r\n"}}
	}
	start, end := -1, -1
	if i := strings.Index(line, " "+roles[0]+" "); i >= 0 {
		s := i + len(roles[0]) + 2
		rs := []rune(line[s:])
		if len(rs) > ladder.TextArrowWidth {
			if after := string(rs[ladder.TextArrowWidth:]); strings.HasPrefix(after, " "+roles[1]) {
				start, end = s, s+len(string(rs[:ladder.TextArrowWidth]))
			}
		}
	}
	if start < 0 || ev.Kind == session.KindCall {
		return []castEvent{{t, line + "\r\n"}}
	}
	colour := ansiArrow
	if ev.Seg.Verdict == capture.Dropped || ev.Seg.Flags.Has(capture.RST) {
		colour = ansiAlert
	}
	prefix, arrow, rest := line[:start], line[start:end], line[end:]
	if marks != "" {
		rest = strings.Replace(rest, marks, ansiMarks+marks+ansiReset, 1)
	}
	out := []castEvent{{t, colourStates(prefix)}}
	runes := []rune(arrow)
	leftward := ev.From == session.FromServer
	// An arrow the wire held crosses slower: each frame lasts longer, up to
	// five times for a delay of 200 ms or more.
	step := castFrame
	if ev.Seg.Verdict == capture.Delayed {
		step *= min(1+float64(ev.Seg.DelayNS)/50e6, 5)
	}
	for f := 1; f <= castFrames; f++ {
		n := len(runes) * f / (castFrames + 1)
		var part string
		if leftward {
			part = strings.Repeat(" ", len(runes)-n) + string(runes[len(runes)-n:])
		} else {
			part = string(runes[:n]) + strings.Repeat(" ", len(runes)-n)
		}
		out = append(out, castEvent{t + float64(f)*step, "\r" + colourStates(prefix) + colour + part + ansiReset})
	}
	final := "\r" + colourStates(prefix) + colour + arrow + ansiReset + colourStates(rest) + "\r\n"
	return append(out, castEvent{t + float64(castFrames+1)*step, final})
}

// colourStates colours the state names of a piece of a ladder line.
func colourStates(s string) string {
	for _, st := range []session.State{session.SynReceived, session.SynSent, session.Established, session.FinWait1,
		session.FinWait2, session.CloseWait, session.Closing, session.LastAck, session.TimeWait, session.Listen, session.Closed} {
		name := ladder.StateName(st, false)
		if i := strings.Index(s, name); i >= 0 && (i+len(name) == len(s) || s[i+len(name)] == ' ') {
			return s[:i] + ansiState + name + ansiReset + s[i+len(name):]
		}
	}
	return s
}

// cellWidth is the number of terminal cells of s: East Asian wide runes
// take two.
func cellWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) || (r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) || (r >= 0xffe0 && r <= 0xffe6)) {
			n++
		}
	}
	return n
}
