package ui

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"net/netip"
	"slices"
	"strings"

	"github.com/handshake-viz/handshake-viz/session"
)

// The filter and the sort of the stream list work on the compact rows
// (session.StreamRow): the filter formats a row's endpoints only for a
// word that can occur in them, and the live words (watch); a sort formats
// no cell but, on a text column, those of rows whose first eight bytes tie.
// The endpoint columns sort by address, then port, as numbers.

// wordMatch is one word of the filter and the values of a row's enums
// whose text holds it, worked out once per filter. A row matches the word
// when one of its words does: TCP or UDP, its endpoints, handshake, close,
// "by-" and who closed it (not "none"), "retrans" when it has any, and in
// watch its ends' states and its process.
type wordMatch struct {
	w                    []byte
	tcp, udp             bool
	handshake, close, by uint64 // bit v: the text of value v holds the word
	retrans              bool
	ends                 bool // the word can occur in an endpoint's text
}

func newWordMatch(w string) wordMatch {
	m := wordMatch{
		w:       []byte(w),
		tcp:     strings.Contains("tcp", w),
		udp:     strings.Contains("udp", w),
		retrans: strings.Contains("retrans", w),
		ends:    strings.Trim(w, "0123456789abcdef.:[]%") == "",
	}
	for v := range 64 {
		if strings.Contains(session.HandshakeKind(v).String(), w) {
			m.handshake |= 1 << v
		}
		if strings.Contains(session.CloseKind(v).String(), w) {
			m.close |= 1 << v
		}
		if strings.Contains("by-"+session.Closer(v).String(), w) {
			m.by |= 1 << v
		}
	}
	return m
}

// matches reports whether row r holds the word; scratch is space for the
// text of its endpoints and live words.
func (m *wordMatch) matches(model *rowModel, r *session.StreamRow, scratch *[]byte) bool {
	if r.Kind == session.KindDatagram {
		if m.udp {
			return true
		}
	} else if m.tcp || m.handshake>>r.Handshake&1 != 0 || m.close>>r.Close&1 != 0 ||
		(r.ClosedBy != session.ClosedByNone && m.by>>r.ClosedBy&1 != 0) || (m.retrans && r.Retrans > 0) {
		return true
	}
	if m.ends {
		b := r.Client().AppendTo((*scratch)[:0])
		b = r.Server().AppendTo(append(b, ' '))
		*scratch = b
		if bytes.Contains(b, m.w) {
			return true
		}
	}
	if lc, ok := model.live(r); ok {
		b := append((*scratch)[:0], lc.Client.String()...)
		b = append(append(b, ' '), lc.Server.String()...)
		if lc.PID != 0 {
			b = append(append(b, ' '), lc.Process...)
		}
		*scratch = b
		return bytes.Contains(bytes.ToLower(b), m.w)
	}
	return false
}

// filter appends to dst[:0] the positions of the rows matching every word
// of filter (case does not matter), in list order.
func (m *rowModel) filter(dst []uint32, filter string) []uint32 {
	words := strings.Fields(strings.ToLower(filter))
	dst = dst[:0]
	n := m.len()
	if len(words) == 0 {
		for pos := range n {
			dst = append(dst, uint32(pos))
		}
		return dst
	}
	ws := make([]wordMatch, len(words))
	for i, w := range words {
		ws[i] = newWordMatch(w)
	}
	var scratch []byte
rows:
	for pos := range n {
		r := m.list.At(pos)
		for k := range ws {
			if !ws[k].matches(m, r, &scratch) {
				continue rows
			}
		}
		dst = append(dst, uint32(pos))
	}
	return dst
}

// sortEntry is one row of a sort: a key that orders most rows, and its
// position in the list (the order of kind and index, which breaks ties).
type sortEntry struct {
	key uint64
	pos uint32
}

// sort orders view (positions in list order) by column by, then kind and
// index, reversed when asked; entries is scratch space, returned for reuse.
func (m *rowModel) sort(view []uint32, by column, reverse bool, entries []sortEntry) []sortEntry {
	if by != colIndex { // list order is the index order
		entries = entries[:0]
		key, text := m.sortKey(by)
		endpoint := by == colClient || by == colServer
		for _, pos := range view {
			entries = append(entries, sortEntry{key(int(pos)), pos})
		}
		slices.SortFunc(entries, func(a, b sortEntry) int {
			if a.key != b.key {
				return cmp.Compare(a.key, b.key)
			}
			if text != nil && (!endpoint || a.key>>62 == 2) { // an IPv4 endpoint's key is exact
				if c := text(int(a.pos), int(b.pos)); c != 0 {
					return c
				}
			}
			return cmp.Compare(a.pos, b.pos)
		})
		for i := range entries {
			view[i] = entries[i].pos
		}
	}
	if reverse {
		slices.Reverse(view)
	}
	return entries
}

// sortKey returns the key of column c for a row and, for a text column
// (whose key is its first eight bytes), the full comparison of two rows.
func (m *rowModel) sortKey(c column) (key func(pos int) uint64, text func(a, b int) int) {
	row := m.list.At
	signed := func(v int64) uint64 { return uint64(v) ^ 1<<63 }
	switch c {
	case colPackets:
		return func(pos int) uint64 { return row(pos).Packets }, nil
	case colBytesCS:
		return func(pos int) uint64 { return row(pos).BytesCS }, nil
	case colBytesSC:
		return func(pos int) uint64 { return row(pos).BytesSC }, nil
	case colRetrans:
		return func(pos int) uint64 { return uint64(row(pos).Retrans) }, nil
	case colRTT:
		return func(pos int) uint64 { return signed(int64(row(pos).RTTUS)) }, nil
	case colDuration:
		return func(pos int) uint64 { return signed(row(pos).DurationUS) }, nil
	case colProto:
		return func(pos int) uint64 { return uint64(row(pos).Kind) }, nil
	case colClient, colServer:
		end := func(pos int) netip.AddrPort {
			if c == colClient {
				return row(pos).Client()
			}
			return row(pos).Server()
		}
		return func(pos int) uint64 { return endpointKey(end(pos)) },
			func(a, b int) int { return end(a).Compare(end(b)) }
	}
	var x, y [64]byte
	return func(pos int) uint64 { return prefixKey(m.appendCell(x[:0], c, pos)) },
		func(a, b int) int { return bytes.Compare(m.appendCell(x[:0], c, a), m.appendCell(y[:0], c, b)) }
}

// endpointKey orders endpoints as netip.AddrPort.Compare does (IPv4
// before IPv6, then address, then port), exactly for IPv4, up to ties for
// IPv6.
func endpointKey(e netip.AddrPort) uint64 {
	a := e.Addr()
	switch {
	case a.Is4():
		b := a.As4()
		return 1<<62 | uint64(binary.BigEndian.Uint32(b[:]))<<16 | uint64(e.Port())
	case a.Is6():
		b := a.As16()
		return 2<<62 | binary.BigEndian.Uint64(b[:8])>>2
	}
	return 0
}

// prefixKey is the first eight bytes of b as a number that orders as b
// does (up to ties).
func prefixKey(b []byte) uint64 {
	var k [8]byte
	copy(k[:], b)
	return binary.BigEndian.Uint64(k[:])
}
