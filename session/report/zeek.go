package report

import (
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"time"

	"github.com/handshake-viz/handshake-viz/session"
)

// zeekFields are the columns of Zeek's conn.log (base/protocols/conn) and
// their types, as its TSV writer names them.
const (
	zeekFields = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents"
	zeekTypes  = "time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]"
	zeekTime   = "2006-01-02-15-04-05"
)

// zeekLog writes a Zeek conn.log (TSV) of the TCP streams.
type zeekLog struct {
	streamBuf
	warn io.Writer
	now  func() time.Time
}

// NewZeekWriter returns the Writer of `analyze --format zeek`: a conn.log
// in Zeek's TSV format (#separator, #fields and #types header lines, then
// one line per TCP stream, then #close), which zeek-cut reads. Fields this
// program does not know (service, local_orig/resp, packet and IP byte
// counts, tunnel parents) are unset ("-"); uid is "C" and the stream
// index. Warnings go to warn; now stamps #open and #close.
func NewZeekWriter(w, warn io.Writer, now func() time.Time) Writer {
	return &zeekLog{streamBuf: newStreamBuf(w), warn: warn, now: now}
}

func (z *zeekLog) Begin(file, format string) error {
	z.b = append(z.b, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t"...)
	z.b = z.now().UTC().AppendFormat(z.b, zeekTime)
	z.b = append(z.b, "\n#fields\t"+zeekFields+"\n#types\t"+zeekTypes+"\n"...)
	return z.flushIfFull()
}

func (z *zeekLog) Streams(ss []session.StreamSummary) error {
	for i := range ss {
		z.b = appendZeekConn(z.b, &ss[i])
		if err := z.flushIfFull(); err != nil {
			return err
		}
	}
	return nil
}

// appendZeekID appends the columns a conn.log line starts with: ts, uid
// (uidPrefix and the index), the 4-tuple, proto and an unset service,
// with the tab after it.
func appendZeekID(b []byte, ns int64, uidPrefix string, index int, orig, resp netip.AddrPort, proto string) []byte {
	b = strconv.AppendInt(b, ns/1e9, 10)
	b = append(b, '.')
	b = appendFrac6(b, (ns%1e9)/1e3)
	b = append(b, '\t')
	b = append(b, uidPrefix...)
	b = strconv.AppendInt(b, int64(index), 10)
	b = append(b, '\t')
	b = zeekAddr(b, orig)
	b = append(b, '\t')
	b = strconv.AppendUint(b, uint64(orig.Port()), 10)
	b = append(b, '\t')
	b = zeekAddr(b, resp)
	b = append(b, '\t')
	b = strconv.AppendUint(b, uint64(resp.Port()), 10)
	b = append(b, '\t')
	b = append(b, proto...)
	return append(b, "\t-\t"...)
}

// appendZeekConn appends one conn.log line.
func appendZeekConn(b []byte, s *session.StreamSummary) []byte {
	b = appendZeekID(b, s.Start.UnixNano(), "C", s.Index, s.Client, s.Server, "tcp")
	if s.Duration > 0 {
		// Zeek sets duration and the byte counts only for a duration > 0.
		b = strconv.AppendInt(b, int64(s.Duration)/1e6, 10)
		b = append(b, '.')
		b = appendFrac6(b, int64(s.Duration)%1e6)
		b = append(b, '\t')
		b = strconv.AppendUint(b, s.ZeekBytes.Client, 10)
		b = append(b, '\t')
		b = strconv.AppendUint(b, s.ZeekBytes.Server, 10)
	} else {
		b = append(b, "-\t-\t-"...)
	}
	b = append(b, '\t')
	b = append(b, s.ConnState...)
	b = append(b, "\t-\t-\t0\t"...)
	if s.History == "" {
		b = append(b, '-')
	} else {
		b = append(b, s.History...)
	}
	return append(b, "\t-\t-\t-\t-\t-\n"...)
}

// zeekAddr appends the address of an endpoint (IPv6 without brackets).
func zeekAddr(b []byte, ap netip.AddrPort) []byte { return ap.Addr().Unmap().AppendTo(b) }

// appendFrac6 appends v (0..999999) as six digits.
func appendFrac6(b []byte, v int64) []byte {
	var d [6]byte
	for i := 5; i >= 0; i-- {
		d[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, d[:]...)
}

func (z *zeekLog) End(t *Totals) error {
	if z.warn != nil {
		for _, w := range t.Warnings {
			fmt.Fprintf(z.warn, "handshake-viz: %s: warning: %s\n", t.File, w)
		}
	}
	z.b = append(z.b, "#close\t"...)
	z.b = z.now().UTC().AppendFormat(z.b, zeekTime)
	z.b = append(z.b, '\n')
	return z.flush()
}
