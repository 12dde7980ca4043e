package session

import (
	"net/netip"
	"reflect"
	"testing"
	"unsafe"
)

// hasPointers reports whether values of t hold any pointer the garbage
// collector must scan (pointers, strings, slices, maps, interfaces, …).
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	}
	return true
}

func TestStreamRowIs88BytesWithoutPointers(t *testing.T) {
	if got := unsafe.Sizeof(StreamRow{}); got != 88 {
		t.Errorf("StreamRow is %d bytes, want 88 (a 60,000-stream list is 60,000 of them)", got)
	}
	if hasPointers(reflect.TypeFor[StreamRow]()) {
		t.Error("StreamRow holds a pointer: the list's rows must be flat, unscanned memory")
	}
	// The walk itself must see pointers where they are.
	for _, typ := range []reflect.Type{reflect.TypeFor[netip.Addr](), reflect.TypeFor[StreamSummary](), reflect.TypeFor[[2]string]()} {
		if !hasPointers(typ) {
			t.Errorf("hasPointers(%v) = false", typ)
		}
	}
}

func TestStreamRowKeepsWhatTheListShows(t *testing.T) {
	s := StreamSummary{
		Index:           7,
		Client:          netip.MustParseAddrPort("[2001:db8::1]:40000"),
		Server:          netip.MustParseAddrPort("10.0.0.1:80"),
		Packets:         1 << 40,
		PayloadBytes:    PayloadBytes{Client: 5 << 32, Server: 12},
		Handshake:       HandshakeSimultaneous,
		Close:           CloseRST,
		ClosedBy:        ClosedByServer,
		Retransmissions: 1 << 33, // saturates
		RTT:             -1,
		Duration:        1 << 40,
	}
	r := StreamRowOf(&s)
	if r.Client() != s.Client || r.Server() != s.Server || r.Packets != s.Packets || r.BytesCS != s.PayloadBytes.Client ||
		r.BytesSC != 12 || r.Handshake != s.Handshake || r.Close != s.Close || r.ClosedBy != s.ClosedBy ||
		r.Index != 7 || r.Kind != KindSegment || r.RTTUS != -1 || r.DurationUS != 1<<40 || r.Retrans != 1<<32-1 {
		t.Errorf("row %+v of %+v", r, s)
	}
	s.RTT = 1 << 40
	mapped := netip.AddrPortFrom(netip.AddrFrom16(netip.MustParseAddr("10.1.2.3").As16()), 9)
	s.Client = mapped
	if r := StreamRowOf(&s); r.RTTUS != 1<<31-1 || r.Client() != mapped || r.Client().Addr().Is4() {
		t.Errorf("RTT %d (want saturated), client %v (want the 4-in-6 address kept)", r.RTTUS, r.Client())
	}
	f := FlowRowOf(&UDPFlow{A: netip.MustParseAddrPort("10.0.0.2:53000"), B: netip.MustParseAddrPort("10.0.0.53:53"), Packets: 2}, 3)
	if f.Kind != KindDatagram || f.Index != 3 || f.Client().String() != "10.0.0.2:53000" || f.Server().Port() != 53 || f.RTTUS != -1 || f.DurationUS != -1 {
		t.Errorf("flow row %+v", f)
	}
	var zero StreamRow
	if zero.Client().IsValid() {
		t.Error("the zero row has a valid client")
	}
}

func TestStreamListKeepsFinalRowsWhileItGrows(t *testing.T) {
	var b StreamListBuilder
	row := func(i int) StreamRow { return StreamRow{Index: uint32(i), Packets: uint64(i)} }
	for i := range 1500 {
		b.AppendFinal(row(i))
	}
	b.SetOpen([]StreamRow{row(1500), row(1501)})
	b.SetFlows([]StreamRow{{Kind: KindDatagram}})
	old := b.List()
	for i := 1500; i < 3000; i++ {
		b.AppendFinal(row(i))
	}
	now := b.List()
	if old.Streams() != 1502 || old.Final() != 1500 || old.Flows() != 1 || old.Len() != 1503 {
		t.Errorf("old list: %d streams, %d final, %d flows, %d rows", old.Streams(), old.Final(), old.Flows(), old.Len())
	}
	if now.Streams() != 3000 || now.Final() != 3000 || now.Flows() != 1 {
		t.Errorf("new list: %d streams, %d final, %d flows", now.Streams(), now.Final(), now.Flows())
	}
	for i := range 1502 {
		if old.Stream(i).Index != uint32(i) || now.Stream(i).Index != uint32(i) {
			t.Fatalf("row %d: %d in the old list, %d in the new", i, old.Stream(i).Index, now.Stream(i).Index)
		}
	}
	if old.At(1502).Kind != KindDatagram || now.At(3000).Kind != KindDatagram {
		t.Error("At past the streams is not the flow")
	}
}

// A list that keeps its newest rows (open -) drops the oldest a chunk at a
// time: it holds between Keep and Keep+streamListChunk final rows however
// many streams came, Streams still counts them all, positions start at
// First, and a list taken before a drop still reads every row it had.
func TestStreamListKeepingTheNewestRowsDropsTheOldestAndLeavesEarlierListsWhole(t *testing.T) {
	b := StreamListBuilder{Keep: 2048}
	row := func(i int) StreamRow { return StreamRow{Index: uint32(i), Packets: uint64(i) * 3} }
	var early StreamList
	for i := range 20_000 {
		b.AppendFinal(row(i))
		l := b.List()
		if held := l.Final() - l.First(); held > b.Keep+streamListChunk {
			t.Fatalf("after %d rows: %d held, want at most %d", i+1, held, b.Keep+streamListChunk)
		}
		if l.Final() >= b.Keep && l.Final()-l.First() < b.Keep {
			t.Fatalf("after %d rows: %d held, want at least Keep = %d", i+1, l.Final()-l.First(), b.Keep)
		}
		if i == 2999 {
			early = l
		}
	}
	b.SetOpen([]StreamRow{row(20_000)})
	b.SetFlows([]StreamRow{{Kind: KindDatagram, Index: 0}})
	l := b.List()
	if l.Streams() != 20_001 || l.Final() != 20_000 || l.First()%streamListChunk != 0 || l.First() == 0 {
		t.Fatalf("list: %d streams, %d final, first %d", l.Streams(), l.Final(), l.First())
	}
	if l.HeldStreams() != l.Streams()-l.First() || l.Len() != l.HeldStreams()+1 {
		t.Errorf("held %d, len %d for %d streams from %d", l.HeldStreams(), l.Len(), l.Streams(), l.First())
	}
	for pos := range l.HeldStreams() {
		want := l.First() + pos
		if r := l.At(pos); r.Index != uint32(want) || r.Packets != uint64(want)*3 {
			t.Fatalf("position %d: stream %d (%d packets), want stream %d", pos, r.Index, r.Packets, want)
		}
		if !l.HasStream(want) || l.Stream(want).Index != uint32(want) {
			t.Fatalf("Stream(%d) is not held or not that stream", want)
		}
	}
	if l.HasStream(l.First()-1) || l.HasStream(l.Streams()) {
		t.Error("HasStream says yes to a dropped or unseen stream")
	}
	if l.At(l.HeldStreams()).Kind != KindDatagram {
		t.Error("At past the TCP rows held is not the flow")
	}
	for pos := range early.Len() {
		if want := early.First() + pos; early.At(pos).Index != uint32(want) {
			t.Fatalf("the list taken at 3000 rows: position %d is stream %d, want %d (rows changed after later drops)", pos, early.At(pos).Index, want)
		}
	}
}
