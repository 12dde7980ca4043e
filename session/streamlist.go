package session

import (
	"math"
	"net/netip"
)

// StreamRow is one TCP stream or UDP flow as a stream list holds it (the
// list of `open` and `watch`): fixed size and free of pointers, so that a
// list of 600,000 streams is a few flat arrays the garbage collector never
// scans. Text is made from it only for the rows on screen.
type StreamRow struct {
	BytesCS, BytesSC uint64 // TCP payload bytes client→server, server→client
	Packets          uint64
	DurationUS       int64  // first to last packet in µs; -1 unknown (UDP)
	Index            uint32 // the stream's or flow's index
	Retrans          uint32 // retransmissions (saturates at MaxUint32)
	RTTUS            int32  // handshake RTT in µs; -1 unknown; saturates at MaxInt32 (35 min)
	ClientPort       uint16 // for a UDP flow: A, the first sender
	ServerPort       uint16 // for a UDP flow: B
	client, server   [16]byte
	Kind             EventKind // KindSegment or KindDatagram
	Handshake        HandshakeKind
	Close            CloseKind
	ClosedBy         Closer
	family           uint8 // rowClient4|rowClient6|rowServer4|rowServer6
}

// Address families of a StreamRow's ends (neither bit: invalid address).
const (
	rowClient4 = 1 << iota
	rowClient6
	rowServer4
	rowServer6
)

// StreamRowOf is the row of a TCP stream.
func StreamRowOf(s *StreamSummary) StreamRow {
	r := StreamRow{
		BytesCS:    s.PayloadBytes.Client,
		BytesSC:    s.PayloadBytes.Server,
		Packets:    s.Packets,
		DurationUS: int64(s.Duration),
		Index:      uint32(s.Index),
		Retrans:    uint32(min(s.Retransmissions, math.MaxUint32)),
		RTTUS:      int32(max(-1, min(int64(s.RTT), math.MaxInt32))),
		Kind:       KindSegment,
		Handshake:  s.Handshake,
		Close:      s.Close,
		ClosedBy:   s.ClosedBy,
	}
	if !s.Duration.Known() {
		r.DurationUS = -1
	}
	r.setEnds(s.Client, s.Server)
	return r
}

// FlowRowOf is the row of UDP flow index: A in the client columns.
func FlowRowOf(f *UDPFlow, index int) StreamRow {
	r := StreamRow{Packets: f.Packets, DurationUS: -1, RTTUS: -1, Index: uint32(index), Kind: KindDatagram}
	r.setEnds(f.A, f.B)
	return r
}

func (r *StreamRow) setEnds(client, server netip.AddrPort) {
	r.ClientPort, r.ServerPort = client.Port(), server.Port()
	r.family = packAddr(&r.client, client.Addr(), rowClient4, rowClient6) |
		packAddr(&r.server, server.Addr(), rowServer4, rowServer6)
}

// packAddr stores a (its zone dropped: captures carry none) and returns
// its family bit.
func packAddr(dst *[16]byte, a netip.Addr, bit4, bit6 uint8) uint8 {
	switch {
	case a.Is4():
		b := a.As4()
		copy(dst[:], b[:])
		return bit4
	case a.Is6():
		*dst = a.As16()
		return bit6
	}
	return 0
}

func unpackAddr(b *[16]byte, family, bit4, bit6 uint8) netip.Addr {
	switch {
	case family&bit4 != 0:
		return netip.AddrFrom4([4]byte(b[:4]))
	case family&bit6 != 0:
		return netip.AddrFrom16(*b)
	}
	return netip.Addr{}
}

// Client is the stream's client (a UDP flow's A).
func (r *StreamRow) Client() netip.AddrPort {
	return netip.AddrPortFrom(unpackAddr(&r.client, r.family, rowClient4, rowClient6), r.ClientPort)
}

// Server is the stream's server (a UDP flow's B).
func (r *StreamRow) Server() netip.AddrPort {
	return netip.AddrPortFrom(unpackAddr(&r.server, r.family, rowServer4, rowServer6), r.ServerPort)
}

// streamListChunk is the number of rows in one chunk of a StreamList.
const streamListChunk = 1024

// StreamList is a stream list at one moment: the TCP streams by index,
// then the UDP flows by index. It is an immutable value, cheap to copy and
// safe to read from any goroutine while the StreamListBuilder that made it
// goes on: its rows are shared, never modified (do not modify them).
//
// The first Final() TCP rows are final: every later list of the same
// builder holds them unchanged, so a reader may keep what it derived from
// them (the list's widths, the text of its endpoints).
//
// A list of a source that never ends (open -) holds the newest final rows
// only (StreamListBuilder.Keep): the TCP streams before First() are
// counted in Streams() but their rows are gone. Positions (At, Len) are
// over the rows held: TCP streams First()…Streams()-1, then the flows.
type StreamList struct {
	chunks [][]StreamRow // final TCP rows from first; each chunk has streamListChunk rows
	first  int           // index of the first held TCP row (a multiple of streamListChunk)
	final  int
	open   []StreamRow // TCP rows final…final+len(open)-1, still changing
	flows  []StreamRow
}

// Streams is the number of TCP streams (their indexes are 0…Streams()-1,
// held or not); Flows the number of UDP flows; Len the rows held, TCP
// then UDP; Final the number of final TCP rows (see StreamList); First
// the index of the oldest TCP row held.
func (l *StreamList) Streams() int { return l.final + len(l.open) }
func (l *StreamList) Flows() int   { return len(l.flows) }
func (l *StreamList) Len() int     { return l.final - l.first + len(l.open) + len(l.flows) }
func (l *StreamList) Final() int   { return l.final }
func (l *StreamList) First() int   { return l.first }

// HeldStreams is the number of TCP rows held: Streams() - First().
func (l *StreamList) HeldStreams() int { return l.Streams() - l.first }

// Stream returns TCP stream i (First() <= i < Streams()).
func (l *StreamList) Stream(i int) *StreamRow {
	if i < l.final {
		i -= l.first
		return &l.chunks[i/streamListChunk][i%streamListChunk]
	}
	return &l.open[i-l.final]
}

// HasStream reports whether TCP stream i's row is held.
func (l *StreamList) HasStream(i int) bool { return i >= l.first && i < l.Streams() }

// Flow returns UDP flow i (0 <= i < Flows()).
func (l *StreamList) Flow(i int) *StreamRow { return &l.flows[i] }

// At returns row pos of the rows held: the TCP streams from First(),
// then the UDP flows.
func (l *StreamList) At(pos int) *StreamRow {
	if n := l.HeldStreams(); pos >= n {
		return &l.flows[pos-n]
	}
	return l.Stream(l.first + pos)
}

// StreamListBuilder makes the StreamLists of one growing capture. It is
// used by one goroutine; the lists it returns may be read by any.
type StreamListBuilder struct {
	list StreamList
	// Keep, when positive, is the most final TCP rows held: past it the
	// oldest are dropped, a chunk of streamListChunk at a time, so that
	// the list of a source that never ends stays within Keep +
	// streamListChunk rows. Zero keeps every row.
	Keep int
}

// AppendFinal adds the next TCP row, which will not change any more. The
// rows given to SetOpen are dropped: set them again after.
func (b *StreamListBuilder) AppendFinal(r StreamRow) {
	l := &b.list
	l.open = nil
	held := l.final - l.first
	if held%streamListChunk == 0 && held/streamListChunk == len(l.chunks) {
		if b.Keep > 0 && held >= b.Keep+streamListChunk {
			// Drop the oldest chunk. Lists made before still hold
			// it (each has its own copy of the chunk slice), so
			// the chunks go into a new array, never shifted in
			// place.
			chunks := make([][]StreamRow, len(l.chunks), cap(l.chunks))
			copy(chunks, l.chunks[1:])
			chunks[len(chunks)-1] = make([]StreamRow, streamListChunk)
			l.chunks = chunks
			l.first += streamListChunk
		} else {
			l.chunks = append(l.chunks, make([]StreamRow, streamListChunk))
		}
		held = l.final - l.first
	}
	l.chunks[held/streamListChunk][held%streamListChunk] = r
	l.final++
}

// SetOpen sets the TCP rows after the final ones, which may still change:
// the builder keeps rows, which must not be modified after.
func (b *StreamListBuilder) SetOpen(rows []StreamRow) { b.list.open = rows }

// SetFlows sets the UDP rows: the builder keeps rows, which must not be
// modified after.
func (b *StreamListBuilder) SetFlows(rows []StreamRow) { b.list.flows = rows }

// Final is the number of final TCP rows so far.
func (b *StreamListBuilder) Final() int { return b.list.final }

// List returns the list as it is now.
func (b *StreamListBuilder) List() StreamList { return b.list }

// NewStreamList is the list of streams and flows whose summaries are all
// known (every stream final).
func NewStreamList(streams []StreamSummary, flows []UDPFlow) StreamList {
	var b StreamListBuilder
	for i := range streams {
		b.AppendFinal(StreamRowOf(&streams[i]))
	}
	rows := make([]StreamRow, len(flows))
	for i := range flows {
		rows[i] = FlowRowOf(&flows[i], i)
	}
	b.SetFlows(rows)
	return b.List()
}
