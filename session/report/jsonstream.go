package report

import (
	"io"
	"strconv"

	"github.com/handshake-viz/handshake-viz/session"
)

// streamBuf is the buffer of the streaming writers: handed to the
// underlying writer whenever it passes jsonFlushAt.
type streamBuf struct {
	w   io.Writer
	b   []byte
	err error
}

func newStreamBuf(w io.Writer) streamBuf {
	return streamBuf{w: w, b: make([]byte, 0, jsonFlushAt+4096)}
}

func (s *streamBuf) flushIfFull() error {
	if len(s.b) >= jsonFlushAt {
		return s.flush()
	}
	return s.err
}

func (s *streamBuf) flush() error {
	if s.err == nil && len(s.b) > 0 {
		_, s.err = s.w.Write(s.b)
	}
	s.b = s.b[:0]
	return s.err
}

// jsonDoc writes the v1 document of DESIGN.md as it goes: version, file
// and format first, then the streams, then what is known at the end.
type jsonDoc struct {
	streamBuf
	n   int   // streams written
	udp spool // the UDP flows, written after the warnings (udp.go)
}

// NewJSONWriter returns the Writer of `analyze --json`: one v1 document
// per capture, on one line. Its keys come in another order than
// WriteJSON's (streams before the totals) so that nothing is held.
func NewJSONWriter(w io.Writer) Writer { return &jsonDoc{streamBuf: newStreamBuf(w)} }

func (j *jsonDoc) Begin(file, format string) error {
	j.n = 0
	j.b = append(j.b, `{"version":`...)
	j.b = strconv.AppendInt(j.b, Version, 10)
	j.b = append(j.b, `,"file":`...)
	j.b = appendString(j.b, file)
	j.b = append(j.b, `,"format":`...)
	j.b = appendString(j.b, format)
	j.b = append(j.b, `,"streams":[`...)
	return j.flushIfFull()
}

func (j *jsonDoc) Streams(ss []session.StreamSummary) error {
	for i := range ss {
		if j.n > 0 {
			j.b = append(j.b, ',')
		}
		j.n++
		j.b = appendStream(j.b, &ss[i])
		if err := j.flushIfFull(); err != nil {
			return err
		}
	}
	return nil
}

func (j *jsonDoc) End(t *Totals) error {
	spoolWarning(&j.udp, t)
	j.b = append(j.b, ']')
	j.b = appendTotals(j.b, t)
	if err := j.endFlows(); err != nil {
		return err
	}
	j.b = append(j.b, `,"finished":`...)
	j.b = appendFinished(j.b, &t.Finished)
	j.b = append(j.b, "}\n"...)
	return j.flush()
}

// appendTotals appends the document's fields after the streams up to the
// warnings, each preceded by a comma; "udp_flows" and "finished" follow.
func appendTotals(b []byte, t *Totals) []byte {
	b = append(b, `,"link_types":`...)
	b = appendStrings(b, t.LinkTypes)
	b = append(b, `,"packets":`...)
	b = strconv.AppendUint(b, t.Packets, 10)
	b = append(b, `,"tcp_packets":`...)
	b = strconv.AppendUint(b, t.TCPPackets, 10)
	b = append(b, `,"udp_packets":`...)
	b = strconv.AppendUint(b, t.UDPPackets, 10)
	b = append(b, `,"warnings":`...)
	return appendStrings(b, t.Warnings)
}

func appendFinished(b []byte, c *session.FinishCounts) []byte {
	b = append(b, `{"idle":`...)
	b = strconv.AppendUint(b, c.Idle, 10)
	b = append(b, `,"syn_idle":`...)
	b = strconv.AppendUint(b, c.SYNIdle, 10)
	b = append(b, `,"max_conns":`...)
	b = strconv.AppendUint(b, c.MaxConns, 10)
	b = append(b, `,"linger_cut":`...)
	b = strconv.AppendUint(b, c.LingerCut, 10)
	b = append(b, `,"max_held":`...)
	b = strconv.AppendInt(b, int64(c.MaxHeld), 10)
	b = appendUDPFinished(b, c)
	return append(b, '}')
}

// ndjson writes one stream or UDP flow object per line, then one summary
// line.
type ndjson struct{ streamBuf }

// NewNDJSONWriter returns the Writer of `analyze --ndjson`: each stream
// object of the v1 document on its own line as soon as it is finished,
// each UDP flow too (with "udp_flow", its index), then a summary line: the
// document without "streams" and "udp_flows", with "tcp_streams" and
// "udp_flow_count" (their numbers) instead.
func NewNDJSONWriter(w io.Writer) Writer { return &ndjson{newStreamBuf(w)} }

func (n *ndjson) Begin(file, format string) error { return nil }

func (n *ndjson) Streams(ss []session.StreamSummary) error {
	for i := range ss {
		n.b = appendStream(n.b, &ss[i])
		n.b = append(n.b, '\n')
		if err := n.flushIfFull(); err != nil {
			return err
		}
	}
	return nil
}

func (n *ndjson) End(t *Totals) error {
	n.b = append(n.b, `{"version":`...)
	n.b = strconv.AppendInt(n.b, Version, 10)
	n.b = append(n.b, `,"file":`...)
	n.b = appendString(n.b, t.File)
	n.b = append(n.b, `,"format":`...)
	n.b = appendString(n.b, t.Format)
	n.b = append(n.b, `,"tcp_streams":`...)
	n.b = strconv.AppendUint(n.b, t.Streams, 10)
	n.b = append(n.b, `,"udp_flow_count":`...)
	n.b = strconv.AppendUint(n.b, t.Flows, 10)
	n.b = appendTotals(n.b, t)
	n.b = append(n.b, `,"finished":`...)
	n.b = appendFinished(n.b, &t.Finished)
	n.b = append(n.b, "}\n"...)
	return n.flush()
}
