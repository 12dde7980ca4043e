package ladder

import (
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// Literal exchange used by the tests: 127.0.0.1:40112 -> 127.0.0.1:8888,
// handshake, "hello" and a 27-byte answer, four-way close.
var (
	clientAP = netip.MustParseAddrPort("127.0.0.1:40112")
	serverAP = netip.MustParseAddrPort("127.0.0.1:8888")
)

const (
	clientISN = 1000000
	serverISN = 3000000
	t0        = int64(1_700_000_000_000_000_000)
)

var synOptions = capture.TCPOptions{MSS: 65495, WindowScale: 7, SACKPermitted: true, HasTimestamps: true, TSval: 1, TSecr: 0}

// pkt describes one literal packet of a test exchange.
type pkt struct {
	from     session.Dir
	flags    capture.TCPFlags
	seq, ack uint32 // relative
	payload  string
	phase    session.Phase
	c, s     session.State
	changed  session.Side
	analysis session.Analysis
	note     session.NoteID
}

// exchange is the literal handshake + data + four-way close, with the
// states of RFC 9293's rule (the sender's on sending, the receiver's on
// arrival; a Tracker gives the same, see TestLiteralFixtureStatesAreTheTrackers).
func exchange() []pkt {
	const (
		C = session.FromClient
		S = session.FromServer
	)
	both := session.ClientSide | session.ServerSide
	reply := "you said hello; bye for now"
	ps := []pkt{
		{C, capture.SYN, 0, 0, "", session.PhaseHandshake, session.SynSent, session.SynReceived, both, 0, 0},
		{S, capture.SYN | capture.ACK, 0, 1, "", session.PhaseHandshake, session.Established, session.SynReceived, session.ClientSide, 0, 0},
		{C, capture.ACK, 1, 1, "", session.PhaseHandshake, session.Established, session.Established, session.ServerSide, 0, 0},
		{C, capture.PSH | capture.ACK, 1, 1, "hello", session.PhaseData, session.Established, session.Established, 0, 0, 0},
		{S, capture.ACK, 1, 6, "", session.PhaseData, session.Established, session.Established, 0, 0, 0},
		{S, capture.PSH | capture.ACK, 1, 6, reply, session.PhaseData, session.Established, session.Established, 0, 0, 0},
		{C, capture.ACK, 6, 28, "", session.PhaseData, session.Established, session.Established, 0, 0, 0},
		{C, capture.FIN | capture.ACK, 6, 28, "", session.PhaseClose, session.FinWait1, session.CloseWait, both, 0, 0},
		{S, capture.ACK, 28, 7, "", session.PhaseClose, session.FinWait2, session.CloseWait, session.ClientSide, 0, 0},
		{S, capture.FIN | capture.ACK, 28, 7, "", session.PhaseClose, session.TimeWait, session.LastAck, both, 0, 0},
		{C, capture.ACK, 7, 29, "", session.PhaseClose, session.TimeWait, session.Closed, session.ServerSide, 0, 0},
	}
	notes := []session.NoteID{
		session.NoteSYN, session.NoteSYNACK, session.NoteHandshakeACK,
		session.NoteData, session.NotePureACK, session.NoteData, session.NotePureACK,
		session.NoteFirstFIN, session.NoteFINACKed, session.NoteSecondFIN, session.NoteFinalACK,
	}
	for i := range ps {
		ps[i].note = notes[i]
	}
	return ps
}

// events turns literal packets of stream into Events, frames numbered from
// firstFrame, one millisecond apart.
func events(stream int, firstFrame uint64, ps []pkt) []session.Event {
	out := make([]session.Event, len(ps))
	for i, p := range ps {
		seg := capture.Segment{
			Frame:      firstFrame + uint64(i),
			TimeNS:     t0 + int64(firstFrame+uint64(i))*1e6,
			Proto:      capture.ProtoTCP,
			Flags:      p.flags,
			PayloadLen: uint32(len(p.payload)),
			Window:     512,
			Options:    capture.TCPOptions{WindowScale: -1},
		}
		src, dst := clientAP, serverAP
		seg.Seq, seg.Ack = clientISN+p.seq, serverISN+p.ack
		if p.from == session.FromServer {
			src, dst = dst, src
			seg.Seq, seg.Ack = serverISN+p.seq, clientISN+p.ack
		}
		if !p.flags.Has(capture.ACK) {
			seg.Ack = 0
		}
		seg.Src, seg.SrcPort = src.Addr(), src.Port()
		seg.Dst, seg.DstPort = dst.Addr(), dst.Port()
		if p.flags.Has(capture.SYN) {
			seg.Options = synOptions
		}
		rack := p.ack
		if !p.flags.Has(capture.ACK) {
			rack = 0
		}
		out[i] = session.Event{
			Kind: session.KindSegment, Stream: stream, N: i + 1, From: p.from,
			RelSeq: p.seq, RelAck: rack, Phase: p.phase, Client: p.c, Server: p.s,
			Changed: p.changed, Analysis: p.analysis, Note: p.note, Seg: seg,
		}
	}
	return out
}

// streamInfo is the StreamInfo of the literal exchange.
func streamInfo(stream int) session.StreamInfo {
	return session.StreamInfo{Index: stream, Proto: capture.ProtoTCP, Client: clientAP, Server: serverAP}
}

// golden compares got with testdata/name (-update rewrites it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui/ladder -run %s -update to create it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// tracked runs the segments of literal events through a real Tracker and
// returns its events: the states, phases, decided handshake/close and
// analysis are the Tracker's, not the literal ones.
func tracked(t testing.TB, evs []session.Event) []session.Event {
	t.Helper()
	tr := session.NewTracker()
	out := make([]session.Event, 0, len(evs))
	for i := range evs {
		got := tr.Observe(&evs[i].Seg)
		if len(got) != 1 {
			t.Fatalf("segment %d: %d events", i, len(got))
		}
		out = append(out, got...)
	}
	return out
}
