package ui

import (
	"fmt"
	"strconv"
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

// rowModel is the full list as built from one snapshot of the source: its
// compact rows (shared with the source), the text of their endpoints, what
// a live capture knows of each TCP stream now, and the column widths.
// Cells are formatted only for the rows drawn. A model is immutable once
// built: the goroutine that builds it hands it to the UI goroutine.
type rowModel struct {
	list     session.StreamList
	conns    []session.LiveConn // watch: by TCP stream index; nil for a file
	tcp, udp endText            // the endpoints of the TCP streams and UDP flows
	widths   [numColumns]int
	// finalWidths are the widths of the list's first finalN TCP rows,
	// which never change (StreamList.Final): the next model of the same
	// source measures only the rows after them.
	finalWidths [numColumns]int
	finalN      int
}

// len is the number of rows.
func (m *rowModel) len() int { return m.list.Len() }

// row returns row pos (TCP streams, then UDP flows) and its endpoints.
func (m *rowModel) row(pos int) (*session.StreamRow, *endText, int) {
	if n := m.list.Streams(); pos >= n {
		return m.list.Flow(pos - n), &m.udp, pos - n
	}
	return m.list.Stream(pos), &m.tcp, pos
}

// key is the identity of row pos.
func (m *rowModel) key(pos int) rowKey {
	if n := m.list.Streams(); pos >= n {
		return rowKey{session.KindDatagram, pos - n}
	}
	return rowKey{session.KindSegment, pos}
}

// live returns what a live capture knows of row pos now, if anything.
func (m *rowModel) live(r *session.StreamRow) (*session.LiveConn, bool) {
	if r.Kind != session.KindSegment || int(r.Index) >= len(m.conns) {
		return nil, false
	}
	return &m.conns[r.Index], true
}

// endText is the text of the endpoints of rows, made once per row:
// "client server" of row i is buf[off[i]:off[i+1]], the client its first
// cut[i] bytes. It only grows: the models of one source share its arrays,
// each reading the rows it has (the endpoints of a stream never change).
type endText struct {
	buf []byte
	off []uint32 // len n+1 (or 0 when empty)
	cut []uint8
	// The widest client and server.
	clientW, serverW int
}

func (e *endText) n() int { return len(e.cut) }

// add appends the text of the next row.
func (e *endText) add(r *session.StreamRow) {
	if len(e.off) == 0 {
		e.off = append(e.off, 0)
	}
	start := len(e.buf)
	e.buf = r.Client().AppendTo(e.buf)
	cut := len(e.buf) - start
	e.buf = append(e.buf, ' ')
	e.buf = r.Server().AppendTo(e.buf)
	e.off = append(e.off, uint32(len(e.buf)))
	e.cut = append(e.cut, uint8(cut))
	e.clientW = max(e.clientW, cut)
	e.serverW = max(e.serverW, len(e.buf)-start-cut-1)
}

func (e *endText) both(i int) []byte   { return e.buf[e.off[i]:e.off[i+1]] }
func (e *endText) client(i int) []byte { return e.buf[e.off[i] : e.off[i]+uint32(e.cut[i])] }
func (e *endText) server(i int) []byte { return e.buf[e.off[i]+uint32(e.cut[i])+1 : e.off[i+1]] }

// buildRows is the model of a list, with the text and widths of prev
// reused for the rows it already had: prev is the previous model of the
// same source, or the zero model. A 60,000-stream list whose rows are
// final rebuilds in the time of the rows that changed.
func buildRows(prev rowModel, list session.StreamList, lang narrate.Lang) rowModel {
	return buildLiveRows(prev, list, nil, lang)
}

// buildLiveRows is buildRows with what a live capture knows of each TCP
// stream now (by index; nil for a file).
func buildLiveRows(prev rowModel, list session.StreamList, conns []session.LiveConn, lang narrate.Lang) rowModel {
	m := rowModel{list: list, conns: conns, tcp: prev.tcp, udp: prev.udp}
	if prev.tcp.n() > list.Streams() || prev.udp.n() > list.Flows() || prev.finalN > list.Final() {
		m.tcp, m.udp, prev = endText{}, endText{}, rowModel{} // not the same source: start again
	}
	for i := m.tcp.n(); i < list.Streams(); i++ {
		m.tcp.add(list.Stream(i))
	}
	for i := m.udp.n(); i < list.Flows(); i++ {
		m.udp.add(list.Flow(i))
	}
	var buf [64]byte
	m.finalWidths, m.finalN = prev.finalWidths, prev.finalN
	for ; m.finalN < list.Final(); m.finalN++ {
		m.measure(&m.finalWidths, m.finalN, buf[:0])
	}
	m.widths = m.finalWidths
	for pos := m.finalN; pos < m.len(); pos++ {
		m.measure(&m.widths, pos, buf[:0])
	}
	if m.len() > 0 {
		m.widths[colState], m.widths[colProcess] = 1, 1 // "-"
	}
	if conns != nil { // the live columns change on every row
		for pos := range list.Streams() {
			for _, c := range [...]column{colState, colProcess} {
				m.widths[c] = max(m.widths[c], utf8.RuneCount(m.appendCell(buf[:0], c, pos)))
			}
		}
	}
	for c := range numColumns {
		m.widths[c] = max(m.widths[c], cellsWidth(narrate.Text(lang, columnKeys[c])))
	}
	m.widths[colClient] = max(m.widths[colClient], m.tcp.clientW, m.udp.clientW)
	m.widths[colServer] = max(m.widths[colServer], m.tcp.serverW, m.udp.serverW)
	return m
}

// measure widens ws to the cells of row pos, but its endpoints (which
// endText measures) and the live columns; buf is scratch space.
func (m *rowModel) measure(ws *[numColumns]int, pos int, buf []byte) {
	for c := range numColumns {
		switch c {
		case colClient, colServer, colState, colProcess:
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
	r, ends, i := m.row(pos)
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
		return append(dst, ends.client(i)...)
	case colServer:
		return append(dst, ends.server(i)...)
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
