package ui

import (
	"encoding/json"
	"io"
	"time"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// JSONEvent is one line of `demo --json`: a TCP segment or UDP datagram with
// the state of both ends after it and its narration.
type JSONEvent struct {
	Kind        string   `json:"kind"`
	N           uint64   `json:"n"`
	Time        string   `json:"time"`
	Stream      int      `json:"stream"`
	From        string   `json:"from"`
	Flags       []string `json:"flags,omitempty"`
	Seq         uint32   `json:"seq"`
	Ack         uint32   `json:"ack"`
	Len         uint32   `json:"len"`
	Phase       string   `json:"phase,omitempty"`
	ClientState string   `json:"client_state,omitempty"`
	ServerState string   `json:"server_state,omitempty"`
	Analysis    []string `json:"analysis,omitempty"`
	Note        string   `json:"note"`
}

// JSONSummary is the last line(s) of `demo --json`: the stream object of the
// analyze format.
type JSONSummary struct {
	Kind   string                `json:"kind"`
	Stream session.StreamSummary `json:"stream"`
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

// WriteEvent writes one event line.
func (j *JSONWriter) WriteEvent(ev session.Event, info session.StreamInfo) error {
	out := JSONEvent{
		Kind:   ev.Kind.String(),
		N:      ev.Seg.Frame,
		Time:   ev.Seg.Time().Format(time.RFC3339Nano),
		Stream: ev.Stream,
		From:   ev.From.String(),
		Len:    ev.Seg.PayloadLen,
		Note:   narrate.Explain(j.lang, &ev, info, narrate.NumbersFor(j.raw)),
	}
	if ev.Kind == session.KindSegment {
		out.Flags = ev.Seg.Flags.Names()
		out.Seq, out.Ack = ev.RelSeq, ev.RelAck
		if j.raw {
			out.Seq, out.Ack = ev.Seg.Seq, ev.Seg.Ack
		}
		out.Phase = ev.Phase.String()
		out.ClientState = ev.Client.String()
		out.ServerState = ev.Server.String()
		out.Analysis = ev.Analysis.Names()
	}
	return j.enc.Encode(out)
}

// WriteSummary writes a summary line for one stream.
func (j *JSONWriter) WriteSummary(s session.StreamSummary) error {
	return j.enc.Encode(JSONSummary{Kind: "summary", Stream: s})
}
