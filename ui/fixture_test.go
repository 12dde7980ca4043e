package ui

import (
	"net/netip"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

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
	// What the Tracker decides about the connection (how it opened and
	// closed) comes from a real Tracker over the same segments.
	tr := session.NewTracker()
	for i := range out {
		if got := tr.Observe(&out[i].Seg); len(got) == 1 {
			out[i].Handshake, out[i].Close = got[0].Handshake, got[0].Close
		}
	}
	return out
}

// streamInfo is the StreamInfo of the literal exchange.
func streamInfo(stream int) session.StreamInfo {
	return session.StreamInfo{Index: stream, Proto: capture.ProtoTCP, Client: clientAP, Server: serverAP}
}

// lookup answers Timeline.Append with the literal connection.
type lookup struct{}

func (lookup) StreamInfo(kind session.EventKind, index int) session.StreamInfo {
	return streamInfo(index)
}

// frameOf serializes the Ethernet frame of a literal packet.
func frameOf(t testing.TB, ev *session.Event, payload string) []byte {
	t.Helper()
	seg := &ev.Seg
	eth := &layers.Ethernet{SrcMAC: make([]byte, 6), DstMAC: make([]byte, 6), EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, Flags: layers.IPv4DontFragment,
		SrcIP: seg.Src.AsSlice(), DstIP: seg.Dst.AsSlice(), Id: uint16(seg.Frame)}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(seg.SrcPort), DstPort: layers.TCPPort(seg.DstPort),
		Seq: seg.Seq, Ack: seg.Ack, Window: seg.Window,
		SYN: seg.Flags.Has(capture.SYN), ACK: seg.Flags.Has(capture.ACK), FIN: seg.Flags.Has(capture.FIN),
		PSH: seg.Flags.Has(capture.PSH), RST: seg.Flags.Has(capture.RST)}
	if seg.Flags.Has(capture.SYN) {
		tcp.Options = []layers.TCPOption{
			{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0xff, 0xd7}},
			{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
			{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: make([]byte, 8)},
			{OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
		}
	}
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, eth, ip, tcp, gopacket.Payload(payload)); err != nil {
		t.Fatalf("serializing frame %d: %v", seg.Frame, err)
	}
	return buf.Bytes()
}

// fixture is a timeline of the literal exchange and a store of its frames.
func fixture(t testing.TB) (*session.Timeline, *capture.MemoryStore) {
	t.Helper()
	ps := exchange()
	evs := events(0, 1, ps)
	tl := session.NewTimeline()
	store := capture.NewMemoryStore()
	for i := range evs {
		data := frameOf(t, &evs[i], ps[i].payload)
		store.Add(&capture.RawPacket{Data: data, LinkType: layers.LinkTypeEthernet, Frame: evs[i].Seg.Frame})
	}
	tl.Append(lookup{}, evs...)
	tl.Finish()
	return tl, store
}
