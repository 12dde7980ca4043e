package ui

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// column is a column of the stream list.
type column uint8

// Columns of the stream list, in display order.
const (
	colIndex column = iota
	colProto
	colClient
	colServer
	colState   // watch only: the current state of both ends
	colProcess // watch only: the local process
	colPackets
	colBytesCS
	colBytesSC
	colHandshake
	colClose
	colClosedBy
	colRetrans
	colRTT
	colDuration
	numColumns
)

var columnKeys = [numColumns]narrate.Key{
	"browser.col.index", "browser.col.proto", "browser.col.client", "browser.col.server",
	"browser.col.state", "browser.col.process",
	"browser.col.packets", "browser.col.bytes_cs", "browser.col.bytes_sc",
	"browser.col.handshake", "browser.col.close", "browser.col.closed_by",
	"browser.col.retrans", "browser.col.rtt", "browser.col.duration",
}

// String returns the column's catalog key, for test messages.
func (c column) String() string {
	if c < numColumns {
		return string(columnKeys[c])
	}
	return "column(" + strconv.Itoa(int(c)) + ")"
}

// rightAligned reports whether the column holds numbers.
func (c column) rightAligned() bool {
	switch c {
	case colIndex, colPackets, colBytesCS, colBytesSC, colRetrans, colRTT, colDuration:
		return true
	}
	return false
}

// streamFacts is what the list shows of one TCP stream or UDP flow: a
// comparable copy, so that unchanged rows are recognised and reused.
type streamFacts struct {
	Kind                 session.EventKind
	Index                int
	Client, Server       netip.AddrPort
	Packets              uint64
	BytesCS, BytesSC     uint64
	Handshake, Close, By string
	Retrans              uint64
	RTT                  time.Duration // < 0 when not measured
	Duration             time.Duration
	State, Process       string // watch: the ends' states now, the local process ("" when unknown)
}

// streamRow is one row of the list. Rows are immutable once built: the
// goroutine that builds them hands them to the UI goroutine.
type streamRow struct {
	facts  streamFacts
	cells  [numColumns]string
	search string // lower-case words the filter matches against
}

func newRow(f streamFacts) *streamRow {
	r := &streamRow{facts: f}
	proto := "TCP"
	if f.Kind == session.KindDatagram {
		proto = "UDP"
	}
	client, server := f.Client.String(), f.Server.String()
	r.cells = [numColumns]string{
		strconv.Itoa(f.Index), proto, client, server, orDash(f.State), orDash(f.Process),
		strconv.FormatUint(f.Packets, 10), humanBytes(f.BytesCS), humanBytes(f.BytesSC),
		f.Handshake, f.Close, f.By, strconv.FormatUint(f.Retrans, 10),
		humanDuration(f.RTT), humanDuration(f.Duration),
	}
	if f.Kind == session.KindDatagram {
		for _, c := range []column{colBytesCS, colBytesSC, colHandshake, colClose, colClosedBy, colRetrans, colRTT} {
			r.cells[c] = "-"
		}
	}
	words := []string{strings.ToLower(proto), client, server, f.Handshake, f.Close}
	if f.Process != "" {
		words = append(words, f.Process)
	}
	if f.State != "" {
		words = append(words, strings.ReplaceAll(f.State, "/", " "))
	}
	if f.By != "" && f.By != "none" {
		words = append(words, "by-"+f.By)
	}
	if f.Retrans > 0 {
		words = append(words, "retrans")
	}
	r.search = " " + strings.ToLower(strings.Join(words, " ")) + " "
	return r
}

// matches reports whether every word of the filter occurs in the row.
func (r *streamRow) matches(words []string) bool {
	for _, w := range words {
		if !strings.Contains(r.search, w) {
			return false
		}
	}
	return true
}

// rowModel is the full list as built from one snapshot of the source.
type rowModel struct {
	rows   []*streamRow
	widths [numColumns]int
}

// buildRows turns stream summaries and UDP flows into rows, reusing the
// rows of prev whose facts did not change. It allocates only for changed
// rows, so a 60,000-stream list with few changes rebuilds quickly.
func buildRows(prev rowModel, streams []session.StreamSummary, flows []session.UDPFlow, lang narrate.Lang) rowModel {
	return buildLiveRows(prev, streams, flows, nil, lang)
}

// buildLiveRows is buildRows with what a live capture knows of each TCP
// stream now (by index; nil for a file).
func buildLiveRows(prev rowModel, streams []session.StreamSummary, flows []session.UDPFlow, conns []session.LiveConn, lang narrate.Lang) rowModel {
	m := rowModel{rows: make([]*streamRow, 0, len(streams)+len(flows))}
	reuse := func(f streamFacts, i int) {
		if i < len(prev.rows) && prev.rows[i].facts == f {
			m.rows = append(m.rows, prev.rows[i])
			return
		}
		m.rows = append(m.rows, newRow(f))
	}
	for i := range streams {
		f := streamFactsOf(&streams[i])
		if idx := streams[i].Index; idx >= 0 && idx < len(conns) {
			f = withLive(f, conns[idx])
		}
		reuse(f, i)
	}
	for i := range flows {
		reuse(flowFactsOf(&flows[i], i), len(m.rows))
	}
	for c := range numColumns {
		m.widths[c] = cellsWidth(narrate.Text(lang, columnKeys[c]))
	}
	for _, r := range m.rows {
		for c := range numColumns {
			m.widths[c] = max(m.widths[c], utf8.RuneCountInString(r.cells[c]))
		}
	}
	return m
}

// viewRows filters and sorts rows into a new slice.
func viewRows(rows []*streamRow, filter string, by column, reverse bool) []*streamRow {
	words := strings.Fields(strings.ToLower(filter))
	out := make([]*streamRow, 0, len(rows))
	for _, r := range rows {
		if r.matches(words) {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b *streamRow) int {
		c := compareRows(a, b, by)
		if c == 0 {
			c = cmp.Or(cmp.Compare(a.facts.Kind, b.facts.Kind), cmp.Compare(a.facts.Index, b.facts.Index))
		}
		if reverse {
			return -c
		}
		return c
	})
	return out
}

func compareRows(a, b *streamRow, by column) int {
	x, y := &a.facts, &b.facts
	switch by {
	case colIndex:
		return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Index, y.Index))
	case colPackets:
		return cmp.Compare(x.Packets, y.Packets)
	case colBytesCS:
		return cmp.Compare(x.BytesCS, y.BytesCS)
	case colBytesSC:
		return cmp.Compare(x.BytesSC, y.BytesSC)
	case colRetrans:
		return cmp.Compare(x.Retrans, y.Retrans)
	case colRTT:
		return cmp.Compare(x.RTT, y.RTT)
	case colDuration:
		return cmp.Compare(x.Duration, y.Duration)
	}
	return strings.Compare(a.cells[by], b.cells[by])
}

// orDash is s, or "-" when empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// humanBytes writes a byte count in at most 6 characters: 999, 12.3k, 4.5M.
func humanBytes(n uint64) string {
	const unit = 1000
	if n < 10*unit {
		return strconv.FormatUint(n, 10)
	}
	v := float64(n)
	for _, suffix := range []string{"k", "M", "G", "T"} {
		v /= unit
		if v < unit {
			return strconv.FormatFloat(v, 'f', 1, 64) + suffix
		}
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + "P"
}

// humanDuration writes a duration in at most 7 characters: 850µs, 12.3ms,
// 4.56s, 3m07s, 2h05m; "-" when negative (not measured).
func humanDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "-"
	case d < time.Millisecond:
		return strconv.FormatInt(d.Microseconds(), 10) + "µs"
	case d < time.Second:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
