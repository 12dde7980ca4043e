package report

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/handshake-viz/handshake-viz/session"
)

// tableColumns are the table's columns and their widths: wide enough for
// an IPv4 address:port, a year of microseconds and every verdict name; a
// longer value (an IPv6 address) pushes the rest of its row right by what
// it overflows, keeping two spaces.
var tableColumns = [...]struct {
	title string
	width int
}{
	{"STREAM", 6}, {"CLIENT", 21}, {"SERVER", 21}, {"PACKETS", 7},
	{"BYTES C→S", 10}, {"BYTES S→C", 10}, {"HANDSHAKE", 12}, {"CLOSE", 12},
	{"CLOSED BY", 9}, {"RETRANS", 7}, {"RTT", 10}, {"DURATION", 12},
}

// tableGap is the space between two columns.
const tableGap = 2

// table writes the human report row by row (fixed column widths: nothing
// is held to measure the columns).
type table struct {
	streamBuf
	warn io.Writer // nil: warnings are left out
	file string
	udp  spool // the UDP section's rows, written by End (udp.go)
}

// NewTableWriter returns the Writer of the human table: a header, one row
// per TCP stream as it is finished, the UDP flows and a summary line; the
// warnings go to warn (prefixed "handshake-viz: FILE: warning: ").
func NewTableWriter(w, warn io.Writer) Writer {
	return &table{streamBuf: newStreamBuf(w), warn: warn}
}

func (t *table) Begin(file, format string) error {
	t.file = file
	col := 0
	for i, c := range tableColumns {
		t.b, col = t.cell(t.b, col, i, c.title)
	}
	t.b = append(t.b, '\n')
	return t.flushIfFull()
}

// cell appends column i's value v, padded from the column where the row
// is (col) to where the column starts; it returns the new position.
func (t *table) cell(b []byte, col, i int, v string) ([]byte, int) { return cell(b, col, i, v) }

// cell is table.cell for a string or the bytes of one.
func cell[T string | []byte](b []byte, col, i int, v T) ([]byte, int) {
	start := 0
	for k := range i {
		start += tableColumns[k].width + tableGap
	}
	if i > 0 {
		pad := max(start-col, tableGap)
		for range pad {
			b = append(b, ' ')
		}
		col += pad
	}
	b = append(b, v...)
	n := 0
	for range string(v) {
		n++
	}
	return b, col + n
}

func (t *table) Streams(ss []session.StreamSummary) error {
	var num [24]byte
	var addr [64]byte
	for k := range ss {
		s := &ss[k]
		b, col := t.b, 0
		b, col = cell(b, col, 0, (strconv.AppendInt(num[:0], int64(s.Index), 10)))
		b, col = cell(b, col, 1, s.Client.AppendTo(addr[:0]))
		b, col = cell(b, col, 2, s.Server.AppendTo(addr[:0]))
		b, col = cell(b, col, 3, (strconv.AppendUint(num[:0], s.Packets, 10)))
		b, col = cell(b, col, 4, (strconv.AppendUint(num[:0], s.PayloadBytes.Client, 10)))
		b, col = cell(b, col, 5, (strconv.AppendUint(num[:0], s.PayloadBytes.Server, 10)))
		b, col = cell(b, col, 6, s.Handshake.String())
		b, col = cell(b, col, 7, s.Close.String())
		b, col = cell(b, col, 8, s.ClosedBy.String())
		b, col = cell(b, col, 9, (strconv.AppendUint(num[:0], s.Retransmissions, 10)))
		b, col = cell(b, col, 10, micros(s.RTT))
		b, _ = cell(b, col, 11, micros(s.Duration))
		t.b = append(b, '\n')
		if err := t.flushIfFull(); err != nil {
			return err
		}
	}
	return nil
}

func (t *table) End(r *Totals) error {
	spoolWarning(&t.udp, r)
	if t.warn != nil {
		for _, w := range r.Warnings {
			fmt.Fprintf(t.warn, "handshake-viz: %s: warning: %s\n", r.File, w)
		}
	}
	if err := t.endFlows(); err != nil {
		return err
	}
	t.b = fmt.Appendf(t.b, "%s: %s, %s (%d TCP, %d UDP), %s, %s, %s, %s\n",
		r.File, r.Format, count(r.Packets, "packet"), r.TCPPackets, r.UDPPackets,
		count(r.Streams, "TCP stream"), count(r.Flows, "UDP flow"),
		count(r.Retransmissions, "retransmission"), count(uint64(len(r.Warnings)), "warning"))
	return t.flush()
}

// WriteTable prints a whole Report as the human table (NewTableWriter),
// warnings left out.
func WriteTable(w io.Writer, r Report) error {
	t := NewTableWriter(w, nil)
	if err := t.Begin(r.File, r.Format); err != nil {
		return err
	}
	if err := t.Streams(r.Streams); err != nil {
		return err
	}
	if err := t.Flows(r.UDPFlows); err != nil {
		return err
	}
	return t.End(r.totals())
}

// totals is the Totals of a whole Report.
func (r *Report) totals() *Totals {
	t := &Totals{File: r.File, Format: r.Format, LinkTypes: r.LinkTypes, Packets: r.Packets,
		TCPPackets: r.TCPPackets, UDPPackets: r.UDPPackets, Streams: uint64(len(r.Streams)),
		Warnings: r.Warnings, Flows: uint64(len(r.UDPFlows))}
	for _, s := range r.Streams {
		t.Retransmissions += s.Retransmissions
	}
	return t
}

// count writes "1 packet" or "2 packets".
func count(n uint64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// micros formats a duration in microseconds for people: "1.234ms", "-" when unknown.
func micros(m session.Micros) string {
	if !m.Known() {
		return "-"
	}
	return (time.Duration(m) * time.Microsecond).String()
}
