package report

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/handshake-viz/handshake-viz/session"
)

// UDP flows in the streamed writers. The tracker finishes a flow like a
// TCP stream (FinishOptions.UDPIdle, MaxConns) and hands it over in index
// order (Writer.Flows). --ndjson and --format zeek write it at once; the
// v1 document (--json) and the table put all UDP flows after the TCP
// streams, so they serialize each flow into a spool, copied out by End.

// spoolMemory is how many bytes of serialized UDP flows a writer holds in
// memory; past it they go to a temporary file (some 60,000 flows of JSON).
const spoolMemory = 4 << 20

// spoolChunk is the size of the writes to the temporary file.
const spoolChunk = 64 << 10

// spool holds serialized UDP flows until End: in memory up to its limit,
// then in a temporary file whose name is removed at once (it disappears
// when closed, or when the process ends, whatever happens).
type spool struct {
	b     []byte
	f     *os.File
	limit int    // 0: spoolMemory
	n     uint64 // flows spooled
	warn  string // why the flows stay in memory: no temporary file
	err   error
}

// spill moves the buffer to the temporary file once it is large enough.
func (s *spool) spill() error {
	if s.f == nil {
		limit := s.limit
		if limit == 0 {
			limit = spoolMemory
		}
		if len(s.b) < limit || s.warn != "" {
			return s.err
		}
		f, err := os.CreateTemp("", "handshake-viz-udp-*")
		if err != nil {
			s.warn = fmt.Sprintf("the UDP flows were held in memory, not in a temporary file (%v): set TMPDIR to a writable directory", err)
			return s.err
		}
		_ = os.Remove(f.Name())
		s.f = f
	} else if len(s.b) < spoolChunk {
		return s.err
	}
	if _, err := s.f.Write(s.b); err != nil && s.err == nil {
		s.err = fmt.Errorf("writing the UDP flows to a temporary file: %w (set TMPDIR to a directory with free space)", err)
	}
	if cap(s.b) > 4*spoolChunk {
		s.b = make([]byte, 0, spoolChunk+4096)
	} else {
		s.b = s.b[:0]
	}
	return s.err
}

// copyTo writes what was spooled to w, then empties the spool.
func (s *spool) copyTo(w io.Writer) error {
	defer s.reset()
	if s.err != nil {
		return s.err
	}
	if s.f != nil {
		if _, err := s.f.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("reading back the UDP flows: %w", err)
		}
		if _, err := io.Copy(w, s.f); err != nil {
			return err
		}
	}
	_, err := w.Write(s.b)
	return err
}

// reset closes the temporary file and empties the spool.
func (s *spool) reset() {
	if s.f != nil {
		_ = s.f.Close()
	}
	*s = spool{limit: s.limit, b: s.b[:0]}
}

// udpFinishWarnings says which UDP flows were finished early, and why.
func udpFinishWarnings(o session.FinishOptions, c session.FinishCounts) []string {
	var ws []string
	const later = "a later datagram of one starts a new flow"
	if c.UDPIdle > 0 {
		ws = append(ws, fmt.Sprintf("%s finished after %v without a datagram (--udp-idle); %s", flows(c.UDPIdle), o.UDPIdle, later))
	}
	if c.UDPMaxConns > 0 {
		ws = append(ws, fmt.Sprintf("%s finished early, the oldest first, to hold at most %d (--max-conns); %s", flows(c.UDPMaxConns), o.MaxConns, later))
	}
	return ws
}

func flows(n uint64) string {
	if n == 1 {
		return "1 UDP flow"
	}
	return fmt.Sprintf("%d UDP flows", n)
}

// appendUDPFinished appends the UDP counts of the "finished" object, only
// those that are not 0.
func appendUDPFinished(b []byte, c *session.FinishCounts) []byte {
	if c.UDPIdle > 0 {
		b = append(b, `,"udp_idle":`...)
		b = strconv.AppendUint(b, c.UDPIdle, 10)
	}
	if c.UDPMaxConns > 0 {
		b = append(b, `,"udp_max_conns":`...)
		b = strconv.AppendUint(b, c.UDPMaxConns, 10)
	}
	return b
}

// Flows spools the flows of the document's "udp_flows" array.
func (j *jsonDoc) Flows(fs []session.UDPFlow) error {
	s := &j.udp
	for i := range fs {
		if s.n > 0 {
			s.b = append(s.b, ',')
		}
		s.n++
		s.b = appendFlow(s.b, &fs[i])
		if err := s.spill(); err != nil {
			return err
		}
	}
	return nil
}

// endFlows writes the "udp_flows" array after the warnings, from the spool.
func (j *jsonDoc) endFlows() error {
	j.b = append(j.b, `,"udp_flows":[`...)
	if err := j.flush(); err != nil {
		return err
	}
	if err := j.udp.copyTo(j.w); err != nil {
		j.err = err
		return err
	}
	j.b = append(j.b, ']')
	return nil
}

// spoolWarning adds the spool's warning, if any, to the totals.
func spoolWarning(s *spool, t *Totals) {
	if s.warn != "" {
		t.Warnings = append(t.Warnings, s.warn)
	}
}

// Flows writes one line per UDP flow: the document's flow object with
// "udp_flow" (the flow's index) first, which no stream line has.
func (n *ndjson) Flows(fs []session.UDPFlow) error {
	for i := range fs {
		f := &fs[i]
		n.b = append(n.b, `{"udp_flow":`...)
		n.b = strconv.AppendInt(n.b, int64(f.Index), 10)
		n.b = append(n.b, `,"a":`...)
		n.b = appendAddrPort(n.b, f.A)
		n.b = append(n.b, `,"b":`...)
		n.b = appendAddrPort(n.b, f.B)
		n.b = append(n.b, `,"packets":`...)
		n.b = strconv.AppendUint(n.b, f.Packets, 10)
		n.b = append(n.b, "}\n"...)
		if err := n.flushIfFull(); err != nil {
			return err
		}
	}
	return nil
}

// Flows spools the rows of the table's UDP section, written by End after
// the TCP streams.
func (t *table) Flows(fs []session.UDPFlow) error {
	s := &t.udp
	for i := range fs {
		f := &fs[i]
		s.n++
		s.b = fmt.Appendf(s.b, "%-8d  %-21s  %-21s  %d\n", f.Index, f.A, f.B, f.Packets)
		if err := s.spill(); err != nil {
			return err
		}
	}
	return nil
}

// endFlows writes the table's UDP section, if there are flows.
func (t *table) endFlows() error {
	if t.udp.n == 0 {
		return nil
	}
	t.b = fmt.Appendf(t.b, "\n%-8s  %-21s  %-21s  %s\n", "UDP FLOW", "A", "B", "PACKETS")
	if err := t.flush(); err != nil {
		return err
	}
	if err := t.udp.copyTo(t.w); err != nil {
		t.err = err
		return err
	}
	return nil
}

// Flows writes one conn.log line per UDP flow as it is finished, as Zeek
// does: proto udp, conn_state S0 or SF, history D or Dd; uid is "CU" and
// the flow's index; orig_pkts and resp_pkts are set.
func (z *zeekLog) Flows(fs []session.UDPFlow) error {
	for i := range fs {
		z.b = appendZeekFlow(z.b, &fs[i])
		if err := z.flushIfFull(); err != nil {
			return err
		}
	}
	return nil
}

// appendZeekFlow appends one conn.log line of a UDP flow.
func appendZeekFlow(b []byte, f *session.UDPFlow) []byte {
	b = appendZeekID(b, f.FirstNS, "CU", f.Index, f.A, f.B, "udp")
	if us := (f.LastNS - f.FirstNS) / 1e3; us > 0 {
		// As for TCP: Zeek sets duration and the byte counts only for
		// a duration > 0.
		b = strconv.AppendInt(b, us/1e6, 10)
		b = append(b, '.')
		b = appendFrac6(b, us%1e6)
		b = append(b, '\t')
		b = strconv.AppendUint(b, f.Bytes.Client, 10)
		b = append(b, '\t')
		b = strconv.AppendUint(b, f.Bytes.Server, 10)
	} else {
		b = append(b, "-\t-\t-"...)
	}
	b = append(b, '\t')
	b = append(b, f.ConnState()...)
	b = append(b, "\t-\t-\t0\t"...)
	b = append(b, f.History()...)
	b = append(b, '\t')
	b = strconv.AppendUint(b, f.APackets, 10)
	b = append(b, "\t-\t"...)
	b = strconv.AppendUint(b, f.Packets-f.APackets, 10)
	return append(b, "\t-\t-\n"...)
}
