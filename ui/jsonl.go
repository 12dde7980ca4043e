package ui

import (
	"encoding/json"
	"io"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// JSONEvent is one line of `demo --json`: a TCP segment with the state of
// both ends after it, or a UDP datagram (no flags, numbers or states), and
// its narration.
type JSONEvent struct {
	Kind        string       `json:"kind"`
	N           uint64       `json:"n"`
	Time        string       `json:"time"`
	Stream      int          `json:"stream"`
	From        string       `json:"from"`
	Flags       []string     `json:"flags,omitempty"`
	Seq         *uint32      `json:"seq,omitempty"` // segments only (always there, 0 too)
	Ack         *uint32      `json:"ack,omitempty"` // segments only
	Len         uint32       `json:"len"`
	Phase       string       `json:"phase,omitempty"`
	ClientState string       `json:"client_state,omitempty"`
	ServerState string       `json:"server_state,omitempty"`
	Analysis    []string     `json:"analysis,omitempty"`
	Wire        string       `json:"wire,omitempty"`     // the lossy wire's verdict: "dropped" or "delayed" (passed packets have none)
	DelayMS     float64      `json:"delay_ms,omitempty"` // "delayed": how long the wire held it
	Note        string       `json:"note"`
	Process     *JSONProcess `json:"process,omitempty"` // watch: the local process of the stream, when known
}

// JSONCall is a socket call line of `demo --json`: which end called what,
// the call or its return with the result ("ok", "ECONNREFUSED", …), the
// bytes a send or recv moved, on the capture's clock, and its narration.
type JSONCall struct {
	Kind        string `json:"kind"`  // "call"
	Side        string `json:"side"`  // "client" or "server"
	Proto       string `json:"proto"` // the socket's: "tcp" or "udp"; stream is then a TCP stream or a UDP flow
	Call        string `json:"call"`  // "connect", "accept", "send", "recv", "shutdown", "close", …
	Phase       string `json:"phase"`
	Time        string `json:"time"`
	Stream      int    `json:"stream"`
	Result      string `json:"result,omitempty"`       // on return
	Bytes       *int   `json:"bytes,omitempty"`        // send and recv returns
	ClientState string `json:"client_state,omitempty"` // TCP only: UDP has no states
	ServerState string `json:"server_state,omitempty"`
	Note        string `json:"note"`
}

// JSONSource is the first line of a live `demo --json` run: what runs and
// where it is captured ("lo", "lossy wire"), and how ("live", "live (user
// namespace)").
type JSONSource struct {
	Kind     string `json:"kind"` // "source"
	Scenario string `json:"scenario"`
	Source   string `json:"source"`
	Capture  string `json:"capture"`
	Notice   string `json:"notice,omitempty"`
}

// JSONSummary is the last line(s) of `demo --json`: the stream object of the
// analyze format.
type JSONSummary struct {
	Kind    string                `json:"kind"`
	Stream  session.StreamSummary `json:"stream"`
	Process *JSONProcess          `json:"process,omitempty"` // watch: the local process of the stream, when known
}

// JSONWriter writes the timeline as NDJSON, one object per event.
type JSONWriter struct {
	enc  *json.Encoder
	lang narrate.Lang
	raw  bool
}

// NewJSONWriter writes to w with narration in lang; raw selects raw instead
// of relative sequence numbers.
func NewJSONWriter(w io.Writer, lang narrate.Lang, raw bool) *JSONWriter {
	return &JSONWriter{enc: json.NewEncoder(w), lang: lang, raw: raw}
}

// WriteSource writes the source line (first, before any event).
func (j *JSONWriter) WriteSource(src JSONSource) error {
	src.Kind = "source"
	return j.enc.Encode(src)
}

// WriteEvent writes one event line: a segment, datagram or call.
func (j *JSONWriter) WriteEvent(ev session.Event, info session.StreamInfo) error {
	if ev.Kind == session.KindCall {
		return j.writeCall(&ev)
	}
	return j.enc.Encode(j.event(&ev, info))
}

// event is the line of one segment or datagram.
func (j *JSONWriter) event(ev *session.Event, info session.StreamInfo) JSONEvent {
	out := JSONEvent{
		Kind:   ev.Kind.String(),
		N:      ev.Seg.Frame,
		Time:   ev.Seg.Time().Format(time.RFC3339Nano),
		Stream: ev.Stream,
		From:   ev.From.String(),
		Len:    ev.Seg.PayloadLen,
		Note:   narrate.Explain(j.lang, ev, info, narrate.NumbersFor(j.raw)),
	}
	if ev.Kind == session.KindSegment {
		out.Flags = ev.Seg.Flags.Names()
		seq, ack := ev.RelSeq, ev.RelAck
		if j.raw {
			seq, ack = ev.Seg.Seq, ev.Seg.Ack
		}
		out.Seq, out.Ack = &seq, &ack
		out.Phase = ev.Phase.String()
		out.ClientState = ev.Client.String()
		out.ServerState = ev.Server.String()
		out.Analysis = ev.Analysis.Names()
	}
	switch ev.Seg.Verdict {
	case capture.Dropped:
		out.Wire = "dropped"
	case capture.Delayed:
		out.Wire, out.DelayMS = "delayed", float64(ev.Seg.DelayNS)/1e6
	}
	return out
}

// WriteSummary writes a summary line for one stream.
func (j *JSONWriter) WriteSummary(s session.StreamSummary) error {
	return j.enc.Encode(JSONSummary{Kind: "summary", Stream: s})
}

func (j *JSONWriter) writeCall(ev *session.Event) error {
	c := &ev.Call
	out := JSONCall{
		Kind:   "call",
		Side:   c.Side.String(),
		Call:   c.Call.String(),
		Phase:  c.Phase.String(),
		Proto:  "tcp",
		Time:   ev.Seg.Time().Format(time.RFC3339Nano),
		Stream: ev.Stream,
		Note:   narrate.ExplainCall(j.lang, ev),
	}
	if ev.StreamKind() == session.KindDatagram {
		out.Proto = "udp"
	} else {
		out.ClientState, out.ServerState = ev.Client.String(), ev.Server.String()
	}
	if c.Phase == session.CallReturn {
		out.Result = c.Result
		if out.Result == "" {
			out.Result = "ok"
		}
		if c.Call == session.CallSend || c.Call == session.CallRecv {
			n := c.Bytes
			out.Bytes = &n
		}
	}
	return j.enc.Encode(out)
}
