package ui

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/cells"
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

// rowModel is the full list as built from one snapshot of the source: its
// compact rows (shared with the source), what a live capture knows of each
// TCP stream now, and the column widths. Cells are formatted only for the
// rows drawn. A model is immutable once built: the goroutine that builds
// it hands it to the UI goroutine.
type rowModel struct {
	list   session.StreamList
	conns  session.LiveConns // watch: by TCP stream index; empty for a file
	widths [numColumns]int
	// finalWidths are the widths of the list's first finalN TCP rows,
	// which never change (StreamList.Final): the next model of the same
	// source measures only the rows after them.
	finalWidths [numColumns]int
	finalN      int
}

// len is the number of rows.
func (m *rowModel) len() int { return m.list.Len() }

// key is the identity of row pos (the TCP streams held, then the UDP
// flows).
func (m *rowModel) key(pos int) rowKey {
	if n := m.list.HeldStreams(); pos >= n {
		return rowKey{session.KindDatagram, pos - n}
	}
	return rowKey{session.KindSegment, m.list.First() + pos}
}

// pos is the position of the row k, false when the list does not hold it
// (a stream older than the rows a live list keeps, or one not seen yet).
func (m *rowModel) pos(k rowKey) (int, bool) {
	if k.kind == session.KindDatagram {
		if k.index < 0 || k.index >= m.list.Flows() {
			return 0, false
		}
		return m.list.HeldStreams() + k.index, true
	}
	if !m.list.HasStream(k.index) {
		return 0, false
	}
	return k.index - m.list.First(), true
}

// live returns what a live capture knows of row r now, if anything.
func (m *rowModel) live(r *session.StreamRow) (*session.LiveConn, bool) {
	if r.Kind != session.KindSegment {
		return nil, false
	}
	return m.conns.At(int(r.Index))
}

// buildRows is the model of a list, with the widths of prev reused for
// the rows that were final in it: prev is the previous model of the same
// source, or the zero model. A 60,000-stream list whose rows are final
// rebuilds in the time of the rows that changed.
func buildRows(prev rowModel, list session.StreamList, lang narrate.Lang) rowModel {
	return buildLiveRows(prev, list, session.LiveConns{}, lang)
}

// buildLiveRows is buildRows with what a live capture knows of each TCP
// stream now (by index; nil for a file).
func buildLiveRows(prev rowModel, list session.StreamList, conns session.LiveConns, lang narrate.Lang) rowModel {
	m := rowModel{list: list, conns: conns, finalWidths: prev.finalWidths, finalN: prev.finalN}
	if m.finalN > list.Final() { // not the same source: start again
		m.finalWidths, m.finalN = [numColumns]int{}, 0
	}
	var buf [64]byte
	// finalN counts final TCP rows by index; rows a live list no longer
	// holds were measured by an earlier model, or are not shown.
	m.finalN = max(m.finalN, list.First())
	for ; m.finalN < list.Final(); m.finalN++ {
		m.measure(&m.finalWidths, m.finalN-list.First(), buf[:0])
	}
	m.widths = m.finalWidths
	for pos := list.Final() - list.First(); pos < m.len(); pos++ {
		m.measure(&m.widths, pos, buf[:0])
	}
	if m.len() > 0 {
		m.widths[colState], m.widths[colProcess] = 1, 1 // "-"
	}
	if conns.Len() > 0 { // the live columns change on every row
		for pos := range list.HeldStreams() {
			for _, c := range [...]column{colState, colProcess} {
				m.widths[c] = max(m.widths[c], utf8.RuneCount(m.appendCell(buf[:0], c, pos)))
			}
		}
	}
	for c := range numColumns {
		m.widths[c] = max(m.widths[c], cells.Width(narrate.Text(lang, columnKeys[c])))
	}
	return m
}

// measure widens ws to the cells of row pos but the live columns; buf is
// scratch space.
func (m *rowModel) measure(ws *[numColumns]int, pos int, buf []byte) {
	for c := range numColumns {
		if c == colState || c == colProcess {
			continue
		}
		ws[c] = max(ws[c], utf8.RuneCount(m.appendCell(buf[:0], c, pos)))
	}
}

// cell is the text of column c of row pos.
func (m *rowModel) cell(c column, pos int) string {
	var buf [64]byte
	return string(m.appendCell(buf[:0], c, pos))
}

// appendCell appends the text of column c of row pos to dst.
func (m *rowModel) appendCell(dst []byte, c column, pos int) []byte {
	r := m.list.At(pos)
	udp := r.Kind == session.KindDatagram
	switch c {
	case colIndex:
		return strconv.AppendUint(dst, uint64(r.Index), 10)
	case colProto:
		if udp {
			return append(dst, "UDP"...)
		}
		return append(dst, "TCP"...)
	case colClient:
		return r.Client().AppendTo(dst)
	case colServer:
		return r.Server().AppendTo(dst)
	case colState:
		if lc, ok := m.live(r); ok {
			return append(append(append(dst, lc.Client.String()...), '/'), lc.Server.String()...)
		}
		return append(dst, '-')
	case colProcess:
		if lc, ok := m.live(r); ok && lc.PID != 0 {
			return strconv.AppendInt(append(append(dst, lc.Process...), ' '), int64(lc.PID), 10)
		}
		return append(dst, '-')
	case colPackets:
		return strconv.AppendUint(dst, r.Packets, 10)
	}
	if udp && c != colDuration {
		return append(dst, '-')
	}
	switch c {
	case colBytesCS:
		return appendHumanBytes(dst, r.BytesCS)
	case colBytesSC:
		return appendHumanBytes(dst, r.BytesSC)
	case colHandshake:
		return append(dst, r.Handshake.String()...)
	case colClose:
		return append(dst, r.Close.String()...)
	case colClosedBy:
		return append(dst, r.ClosedBy.String()...)
	case colRetrans:
		return strconv.AppendUint(dst, uint64(r.Retrans), 10)
	case colRTT:
		return appendHumanDuration(dst, micros(int64(r.RTTUS)))
	case colDuration:
		return appendHumanDuration(dst, micros(r.DurationUS))
	}
	return dst
}

// micros converts a row's µs; unknown (negative) stays negative.
func micros(us int64) time.Duration {
	if us < 0 {
		return -1
	}
	return time.Duration(us) * time.Microsecond
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
	var buf [16]byte
	return string(appendHumanBytes(buf[:0], n))
}

// appendHumanBytes appends humanBytes(n) to dst.
func appendHumanBytes(dst []byte, n uint64) []byte {
	const unit = 1000
	if n < 10*unit {
		return strconv.AppendUint(dst, n, 10)
	}
	v := float64(n)
	for _, suffix := range [...]byte{'k', 'M', 'G', 'T'} {
		v /= unit
		if v < unit {
			return append(strconv.AppendFloat(dst, v, 'f', 1, 64), suffix)
		}
	}
	return append(strconv.AppendFloat(dst, v, 'f', 0, 64), 'P')
}

// humanDuration writes a duration in at most 7 characters: 850µs, 12.3ms,
// 4.56s, 3m07s, 2h05m; "-" when negative (not measured).
func humanDuration(d time.Duration) string {
	var buf [16]byte
	return string(appendHumanDuration(buf[:0], d))
}

// appendHumanDuration appends humanDuration(d) to dst.
func appendHumanDuration(dst []byte, d time.Duration) []byte {
	switch {
	case d < 0:
		return append(dst, '-')
	case d < time.Millisecond:
		return append(strconv.AppendInt(dst, d.Microseconds(), 10), "µs"...)
	case d < time.Second:
		return append(strconv.AppendFloat(dst, float64(d)/float64(time.Millisecond), 'f', 1, 64), "ms"...)
	case d < time.Minute:
		return append(strconv.AppendFloat(dst, d.Seconds(), 'f', 2, 64), 's')
	case d < time.Hour:
		return fmt.Appendf(dst, "%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Appendf(dst, "%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
