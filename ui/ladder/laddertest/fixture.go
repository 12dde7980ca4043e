package laddertest

import (
	"net/netip"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// The fixture's sequence-number and time origins.
const (
	ClientISN = 1000000
	ServerISN = 3000000
	T0        = int64(1_700_000_000_000_000_000) // Unix ns of frame 0
)

// Reply is the server's answer to "hello" in the literal exchange.
const Reply = "you said hello; bye for now"

// ClientAP is the client's address and port in the literal exchange.
func ClientAP() netip.AddrPort { return netip.MustParseAddrPort("127.0.0.1:40112") }

// ServerAP is the server's address and port in the literal exchange.
func ServerAP() netip.AddrPort { return netip.MustParseAddrPort("127.0.0.1:8888") }

// SYNOptions are the TCP options of both SYNs of the literal exchange
// (Linux loopback's: MSS 65495, window scale 7, SACK permitted, timestamps).
func SYNOptions() capture.TCPOptions {
	return capture.TCPOptions{MSS: 65495, WindowScale: 7, SACKPermitted: true, HasTimestamps: true, TSval: 1, TSecr: 0}
}

// Pkt describes one literal packet of a test exchange: who sends it, its
// flags, relative numbers and payload, and the event fields the tests
// expect for it (phase, both ends' states after arrival, which end
// changed, analysis, note).
type Pkt struct {
	From     session.Dir
	Flags    capture.TCPFlags
	Seq, Ack uint32 // relative
	Payload  string
	Phase    session.Phase
	Client   session.State
	Server   session.State
	Changed  session.Side
	Analysis session.Analysis
	Note     session.NoteID
}

// Exchange is the literal handshake + data + four-way close, with the
// states of RFC 9293's rule (the sender's on sending, the receiver's on
// arrival; a Tracker gives the same, see this package's test).
func Exchange() []Pkt {
	const (
		C = session.FromClient
		S = session.FromServer
	)
	both := session.ClientSide | session.ServerSide
	ps := []Pkt{
		{C, capture.SYN, 0, 0, "", session.PhaseHandshake, session.SynSent, session.SynReceived, both, 0, 0},
		{S, capture.SYN | capture.ACK, 0, 1, "", session.PhaseHandshake, session.Established, session.SynReceived, session.ClientSide, 0, 0},
		{C, capture.ACK, 1, 1, "", session.PhaseHandshake, session.Established, session.Established, session.ServerSide, 0, 0},
		{C, capture.PSH | capture.ACK, 1, 1, "hello", session.PhaseData, session.Established, session.Established, 0, 0, 0},
		{S, capture.ACK, 1, 6, "", session.PhaseData, session.Established, session.Established, 0, 0, 0},
		{S, capture.PSH | capture.ACK, 1, 6, Reply, session.PhaseData, session.Established, session.Established, 0, 0, 0},
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
		ps[i].Note = notes[i]
	}
	return ps
}

// Events turns literal packets of stream into Events, frames numbered from
// firstFrame, one millisecond apart. The states, phases, analysis and
// notes are the literal ones; how the connection opened and closed
// (Handshake, Close) is what a real Tracker decides over the same
// segments.
func Events(stream int, firstFrame uint64, ps []Pkt) []session.Event {
	client, server := ClientAP(), ServerAP()
	out := make([]session.Event, len(ps))
	for i, p := range ps {
		seg := capture.Segment{
			Frame:      firstFrame + uint64(i),
			TimeNS:     T0 + int64(firstFrame+uint64(i))*1e6,
			Proto:      capture.ProtoTCP,
			Flags:      p.Flags,
			PayloadLen: uint32(len(p.Payload)),
			Window:     512,
			Options:    capture.TCPOptions{WindowScale: -1},
		}
		src, dst := client, server
		seg.Seq, seg.Ack = ClientISN+p.Seq, ServerISN+p.Ack
		if p.From == session.FromServer {
			src, dst = dst, src
			seg.Seq, seg.Ack = ServerISN+p.Seq, ClientISN+p.Ack
		}
		rack := p.Ack
		if !p.Flags.Has(capture.ACK) {
			seg.Ack, rack = 0, 0
		}
		seg.Src, seg.SrcPort = src.Addr(), src.Port()
		seg.Dst, seg.DstPort = dst.Addr(), dst.Port()
		if p.Flags.Has(capture.SYN) {
			seg.Options = SYNOptions()
		}
		out[i] = session.Event{
			Kind: session.KindSegment, Stream: stream, N: i + 1, From: p.From,
			RelSeq: p.Seq, RelAck: rack, Phase: p.Phase, Client: p.Client, Server: p.Server,
			Changed: p.Changed, Analysis: p.Analysis, Note: p.Note, Seg: seg,
		}
	}
	tr := session.NewTracker()
	for i := range out {
		if got := tr.Observe(&out[i].Seg); len(got) == 1 {
			out[i].Handshake, out[i].Close = got[0].Handshake, got[0].Close
		}
	}
	return out
}

// Tracked runs the segments of literal events through a real Tracker and
// returns its events: the states, phases, decided handshake/close and
// analysis are the Tracker's, not the literal ones.
func Tracked(t testing.TB, evs []session.Event) []session.Event {
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

// StreamInfo is the StreamInfo of the literal exchange.
func StreamInfo(stream int) session.StreamInfo {
	return session.StreamInfo{Index: stream, Proto: capture.ProtoTCP, Client: ClientAP(), Server: ServerAP()}
}

// Lookup answers Timeline.Append with the literal connection.
type Lookup struct{}

// StreamInfo is the literal connection under every index.
func (Lookup) StreamInfo(kind session.EventKind, index int) session.StreamInfo {
	return StreamInfo(index)
}

// Frame serializes the Ethernet frame of a literal packet: ev's segment
// carrying payload, with the SYN options the segment has.
func Frame(t testing.TB, ev *session.Event, payload string) []byte {
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

// Store is a store of the Ethernet frames of literal packets ps, whose
// events are evs.
func Store(t testing.TB, evs []session.Event, ps []Pkt) *capture.MemoryStore {
	t.Helper()
	store := capture.NewMemoryStore()
	for i := range evs {
		data := Frame(t, &evs[i], ps[i].Payload)
		store.Add(&capture.RawPacket{Data: data, LinkType: layers.LinkTypeEthernet, Frame: evs[i].Seg.Frame})
	}
	return store
}

// Fixture is a finished timeline of the literal exchange (stream 0, frames
// from 1) and a store of its frames.
func Fixture(t testing.TB) (*session.Timeline, *capture.MemoryStore) {
	t.Helper()
	ps := Exchange()
	evs := Events(0, 1, ps)
	store := Store(t, evs, ps)
	tl := session.NewTimeline()
	tl.Append(Lookup{}, evs...)
	tl.Finish()
	return tl, store
}
