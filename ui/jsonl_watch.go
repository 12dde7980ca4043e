package ui

import (
	"github.com/handshake-viz/handshake-viz/session"
)

// JSONProcess is the local process behind a stream in `watch --json`:
// which end of the connection is its socket ("client" or "server").
type JSONProcess struct {
	PID  int    `json:"pid"`
	Name string `json:"name"`
	End  string `json:"end"`
}

// JSONProcessLine is a line of `watch --json` saying that a stream's
// process became known, or changed, after its first event.
type JSONProcessLine struct {
	Kind    string      `json:"kind"` // "process"
	Stream  int         `json:"stream"`
	Process JSONProcess `json:"process"`
}

// jsonProcess is c's process, nil when none is known.
func jsonProcess(c session.LiveConn) *JSONProcess {
	if c.PID == 0 {
		return nil
	}
	end := "client"
	if c.ServerSide {
		end = "server"
	}
	return &JSONProcess{PID: c.PID, Name: c.Process, End: end}
}

// WriteLiveEvent writes one event line of a live capture, with its
// stream's process when known.
func (j *JSONWriter) WriteLiveEvent(ev *session.Event, info session.StreamInfo, c session.LiveConn) error {
	if ev.Kind == session.KindCall {
		return j.writeCall(ev) // a live capture has none; for completeness
	}
	out := j.event(ev, info)
	out.Process = jsonProcess(c)
	return j.enc.Encode(out)
}

// WriteProcess writes a "process" line: stream's process is now c's.
func (j *JSONWriter) WriteProcess(stream int, c session.LiveConn) error {
	p := jsonProcess(c)
	if p == nil {
		return nil
	}
	return j.enc.Encode(JSONProcessLine{Kind: "process", Stream: stream, Process: *p})
}

// WriteLiveSummary writes the summary line of a stream of a live capture,
// with its process when known.
func (j *JSONWriter) WriteLiveSummary(s session.StreamSummary, c session.LiveConn) error {
	return j.enc.Encode(JSONSummary{Kind: "summary", Stream: s, Process: jsonProcess(c)})
}
