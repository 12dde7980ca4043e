package ladder

import (
	"reflect"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// layoutOf lays out evs with the literal connection info.
func layoutOf(stream int, evs []session.Event) *Layout {
	l := NewLayout(session.KindSegment, stream)
	for i := range evs {
		l.Add(i, &evs[i], laddertest.StreamInfo(evs[i].Stream))
	}
	return l
}

// shape lists the rows as "conn", "phase:<title>" and "arrow:<event>".
func shape(l *Layout) []string {
	var out []string
	for i := 0; i < l.Len(); i++ {
		r := l.Row(i)
		switch r.Kind {
		case RowConnection:
			out = append(out, "conn")
		case RowPhase:
			out = append(out, "phase:"+r.Title.String())
		default:
			out = append(out, "arrow")
		}
	}
	return out
}

func TestLayoutGroupsHandshakeDataAndFourWayClose(t *testing.T) {
	l := layoutOf(-1, laddertest.Tracked(t, laddertest.Events(0, 1, laddertest.Exchange())))
	want := []string{"conn", "phase:handshake", "arrow", "arrow", "arrow",
		"phase:data", "arrow", "arrow", "arrow", "arrow",
		"phase:fin4", "arrow", "arrow", "arrow", "arrow"}
	if got := shape(l); !reflect.DeepEqual(got, want) {
		t.Errorf("rows = %v\nwant  %v", got, want)
	}
	if l.Arrows() != 11 {
		t.Errorf("Arrows = %d, want 11", l.Arrows())
	}
	if got := l.HeaderText(narrate.English, l.Row(0)); got != "Stream 0 · 127.0.0.1:40112 → 127.0.0.1:8888" {
		t.Errorf("connection header = %q", got)
	}
	if got := l.HeaderText(narrate.English, l.Row(1)); got != "Three-way handshake" {
		t.Errorf("phase header = %q", got)
	}
}

// closeOf returns the literal exchange with its close replaced.
func closeOf(close []laddertest.Pkt) []session.Event {
	ps := laddertest.Exchange()[:7]
	return laddertest.Events(0, 1, append(ps, close...))
}

func TestLayoutTitlesTheCloseAsTheTrackerDecided(t *testing.T) {
	const (
		C = session.FromClient
		S = session.FromServer
	)
	fa := capture.FIN | capture.ACK
	cl := session.PhaseClose
	cases := []struct {
		name  string
		close []laddertest.Pkt
		want  Title
	}{
		{"three-way: FIN, FIN+ACK, ACK", []laddertest.Pkt{
			{From: C, Flags: fa, Seq: 6, Ack: 28, Phase: cl},
			{From: S, Flags: fa, Seq: 28, Ack: 7, Phase: cl},
			{From: C, Flags: capture.ACK, Seq: 7, Ack: 29, Phase: cl},
		}, TitleThreeWayClose},
		{"simultaneous: FINs cross", []laddertest.Pkt{
			{From: C, Flags: fa, Seq: 6, Ack: 28, Phase: cl},
			{From: S, Flags: fa, Seq: 28, Ack: 6, Phase: cl},
			{From: C, Flags: capture.ACK, Seq: 7, Ack: 29, Phase: cl},
			{From: S, Flags: capture.ACK, Seq: 29, Ack: 7, Phase: cl},
		}, TitleSimultaneousClose},
		{"half-close: one FIN only", []laddertest.Pkt{
			{From: C, Flags: fa, Seq: 6, Ack: 28, Phase: cl},
			{From: S, Flags: capture.ACK, Seq: 28, Ack: 7, Phase: cl},
		}, TitleClose},
		{"server closes first, four-way", []laddertest.Pkt{
			{From: S, Flags: fa, Seq: 28, Ack: 6, Phase: cl},
			{From: C, Flags: capture.ACK, Seq: 6, Ack: 29, Phase: cl},
			{From: C, Flags: fa, Seq: 6, Ack: 29, Phase: cl},
			{From: S, Flags: capture.ACK, Seq: 29, Ack: 7, Phase: cl},
		}, TitleFourWayClose},
	}
	for _, c := range cases {
		l := layoutOf(-1, laddertest.Tracked(t, closeOf(c.close)))
		rows := shape(l)
		if got := rows[10]; got != "phase:"+c.want.String() {
			t.Errorf("%s: close header = %s, want %s (rows %v)", c.name, got, c.want, rows)
		}
	}
}

func TestLayoutReportsRetitleOfAnEarlierCloseHeader(t *testing.T) {
	evs := laddertest.Tracked(t, laddertest.Events(0, 1, laddertest.Exchange()))
	l := NewLayout(session.KindSegment, -1)
	var retitled []int
	for i := range evs {
		if res := l.Add(i, &evs[i], laddertest.StreamInfo(0)); res.Retitled >= 0 {
			retitled = append(retitled, i)
			if l.Row(res.Retitled).Kind != RowPhase {
				t.Errorf("Retitled row %d is a %s, want a phase header", res.Retitled, l.Row(res.Retitled).Kind)
			}
		}
	}
	// The second FIN (event index 9) decides the close.
	if !reflect.DeepEqual(retitled, []int{9}) {
		t.Errorf("retitled at events %v, want [9]", retitled)
	}
}

func TestLayoutShowsResetPhase(t *testing.T) {
	ps := laddertest.Exchange()[:4]
	ps = append(ps, laddertest.Pkt{From: session.FromServer, Flags: capture.RST | capture.ACK, Seq: 1, Ack: 6, Phase: session.PhaseReset})
	l := layoutOf(-1, laddertest.Events(0, 1, ps))
	rows := shape(l)
	if got := rows[len(rows)-2]; got != "phase:reset" {
		t.Errorf("header before the RST = %s, want phase:reset", got)
	}
	if got := TitleReset.Text(narrate.English); got != "Connection reset" {
		t.Errorf("reset title = %q", got)
	}
}

func TestLayoutPutsAConnectionHeaderBeforeEachConnection(t *testing.T) {
	a := laddertest.Events(0, 1, laddertest.Exchange())
	b := laddertest.Events(1, 12, laddertest.Exchange())
	l := layoutOf(-1, append(a, b...))
	var headers []string
	for i := 0; i < l.Len(); i++ {
		if r := l.Row(i); r.Kind == RowConnection {
			headers = append(headers, l.HeaderText(narrate.English, r))
		}
	}
	want := []string{
		"Stream 0 · 127.0.0.1:40112 → 127.0.0.1:8888",
		"Stream 1 · 127.0.0.1:40112 → 127.0.0.1:8888",
	}
	if !reflect.DeepEqual(headers, want) {
		t.Errorf("connection headers = %q, want %q", headers, want)
	}
	if l.Arrows() != 22 {
		t.Errorf("Arrows = %d, want 22", l.Arrows())
	}
}

func TestLayoutOfOneStreamSkipsTheOthers(t *testing.T) {
	a := laddertest.Events(0, 1, laddertest.Exchange())
	b := laddertest.Events(1, 12, laddertest.Exchange())
	l := layoutOf(1, append(a, b...))
	if l.Arrows() != 11 {
		t.Fatalf("Arrows = %d, want 11", l.Arrows())
	}
	if first := l.Row(l.ArrowRow(0)).Event; first != 11 {
		t.Errorf("first arrow is timeline event %d, want 11", first)
	}
}

func TestLayoutDrawsDatagramsWithoutPhaseHeaders(t *testing.T) {
	evs := []session.Event{
		{Kind: session.KindDatagram, Stream: 0, From: session.FromClient, Seg: capture.Segment{Proto: capture.ProtoUDP, PayloadLen: 12}},
		{Kind: session.KindDatagram, Stream: 0, From: session.FromServer, Seg: capture.Segment{Proto: capture.ProtoUDP, PayloadLen: 40}},
	}
	l := layoutOf(-1, evs)
	if got, want := shape(l), []string{"conn", "arrow", "arrow"}; !reflect.DeepEqual(got, want) {
		t.Errorf("rows = %v, want %v", got, want)
	}
	if got := l.HeaderText(narrate.English, l.Row(0)); got != "UDP flow 0 · 127.0.0.1:40112 → 127.0.0.1:8888" {
		t.Errorf("flow header = %q", got)
	}
}

func TestLayoutLinesMapBackToRows(t *testing.T) {
	evs := laddertest.Events(0, 1, laddertest.Exchange())
	evs[4].Analysis = session.DupAck
	l := layoutOf(-1, evs)
	line := 0
	for i := 0; i < l.Len(); i++ {
		r := l.Row(i)
		if r.Line != line {
			t.Fatalf("row %d starts at line %d, want %d", i, r.Line, line)
		}
		for j := 0; j < r.Height(); j++ {
			if got := l.RowAtLine(line + j); got != i {
				t.Errorf("RowAtLine(%d) = %d, want %d", line+j, got, i)
			}
		}
		line += r.Height()
	}
	if l.Lines() != line {
		t.Errorf("Lines = %d, want %d", l.Lines(), line)
	}
	if l.RowAtLine(line) != -1 || l.RowAtLine(-1) != -1 {
		t.Error("RowAtLine outside the ladder is not -1")
	}
	// SYN and SYN-ACK carry an options line, the dup ACK a marks line.
	for _, k := range []int{0, 1, 4} {
		if h := l.Row(l.ArrowRow(k)).Height(); h != 3 {
			t.Errorf("arrow %d height = %d, want 3", k, h)
		}
	}
	for k := 0; k < l.Arrows(); k++ {
		if got := l.ArrowOfRow(l.ArrowRow(k)); got != k {
			t.Errorf("ArrowOfRow(ArrowRow(%d)) = %d", k, got)
		}
	}
	if l.ArrowOfRow(0) != -1 {
		t.Error("ArrowOfRow of the connection header is not -1")
	}
}

func TestLayoutOfOneUDPFlowSkipsTheTCPStreamWithTheSameIndex(t *testing.T) {
	evs := append(laddertest.Events(0, 1, laddertest.Exchange()),
		session.Event{Kind: session.KindDatagram, Stream: 0, From: session.FromClient, Seg: capture.Segment{Proto: capture.ProtoUDP, PayloadLen: 12}},
		session.Event{Kind: session.KindDatagram, Stream: 1, From: session.FromClient, Seg: capture.Segment{Proto: capture.ProtoUDP, PayloadLen: 7}},
	)
	l := NewLayout(session.KindDatagram, 0)
	for i := range evs {
		l.Add(i, &evs[i], laddertest.StreamInfo(evs[i].Stream))
	}
	if l.Arrows() != 1 {
		t.Fatalf("Arrows = %d, want only the datagram of flow 0", l.Arrows())
	}
	if got := l.Row(l.ArrowRow(0)).Event; got != len(evs)-2 {
		t.Errorf("arrow is timeline event %d, want %d", got, len(evs)-2)
	}
}
