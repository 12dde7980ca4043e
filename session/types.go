package session

import (
	"net/netip"

	"github.com/handshake-viz/handshake-viz/capture"
)

// Dir is the direction of a segment within its connection.
type Dir uint8

// Directions. The client is the endpoint that sent the first SYN (without
// ACK); when no SYN was captured, the sender of the first packet.
const (
	FromClient Dir = iota
	FromServer
)

// String returns "client" or "server": who sent the segment.
func (d Dir) String() string {
	if d == FromServer {
		return "server"
	}
	return "client"
}

// State is an inferred TCP connection state, named as RFC 9293 names it.
type State uint8

// TCP states (RFC 9293 section 3.3.2).
const (
	Closed State = iota
	Listen
	SynSent
	SynReceived
	Established
	FinWait1
	FinWait2
	CloseWait
	Closing
	LastAck
	TimeWait
)

var stateNames = [...]string{
	Closed:      "CLOSED",
	Listen:      "LISTEN",
	SynSent:     "SYN-SENT",
	SynReceived: "SYN-RECEIVED",
	Established: "ESTABLISHED",
	FinWait1:    "FIN-WAIT-1",
	FinWait2:    "FIN-WAIT-2",
	CloseWait:   "CLOSE-WAIT",
	Closing:     "CLOSING",
	LastAck:     "LAST-ACK",
	TimeWait:    "TIME-WAIT",
}

// String returns the RFC 9293 name with hyphens, e.g. "SYN-SENT".
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "UNKNOWN"
}

// over reports whether an end is done with its connection: CLOSED, or
// TIME-WAIT (only waiting out 2*MSL).
func (s State) over() bool { return s == Closed || s == TimeWait }

// Phase groups the segments of a connection for the ladder.
type Phase uint8

// Phases of a connection.
const (
	PhaseHandshake Phase = iota
	PhaseData
	PhaseClose
	PhaseReset
)

// String returns "handshake", "data", "close" or "reset".
func (p Phase) String() string {
	switch p {
	case PhaseHandshake:
		return "handshake"
	case PhaseData:
		return "data"
	case PhaseClose:
		return "close"
	case PhaseReset:
		return "reset"
	}
	return "unknown"
}

// EventKind says what an Event records.
type EventKind uint8

// Event kinds.
const (
	KindSegment  EventKind = iota // a TCP segment
	KindDatagram                  // a UDP datagram
	KindCall                      // a socket call of the program's own client or server (Event.Call)
)

// String returns "segment", "datagram" or "call".
func (k EventKind) String() string {
	switch k {
	case KindDatagram:
		return "datagram"
	case KindCall:
		return "call"
	}
	return "segment"
}

// Analysis flags what TCP analysis found about a segment (Wireshark's
// tcp.analysis.* where they agree with RFC 9293).
type Analysis uint16

// Analysis bits.
const (
	Retransmission Analysis = 1 << iota
	OutOfOrder
	DupAck
	ZeroWindow
	WindowUpdate
	KeepAlive
	PreviousSegmentNotCaptured
	// Appended after the first seven: the JSON names keep their order.
	FastRetransmission     // a retransmission answering duplicate ACKs (Retransmission is set too)
	SpuriousRetransmission // bytes the peer had already acknowledged, sent again (Retransmission is set too)
	ZeroWindowProbe        // one byte sent into a zero window to see whether it opened
	KeepAliveACK           // the answer to a keep-alive probe
)

// Window scale shifts of Event.WinShift besides 0..14, as Wireshark's
// tcp.window_size_scalefactor names them.
const (
	WinShiftUnknown int8 = -1 // the handshake was not captured: the window may be scaled by an unknown factor
	WinShiftNone    int8 = -2 // no scaling: not negotiated, or a SYN (whose window is never scaled)
)

// Has reports whether every bit of b is set in a.
func (a Analysis) Has(b Analysis) bool { return a&b == b }

// Side is a bit set of connection ends.
type Side uint8

// Sides.
const (
	ClientSide Side = 1 << iota
	ServerSide
)

// NoteID keys a plain-words explanation of an event in the message catalog
// (package narrate). The tracker only chooses the key; all wording lives in
// the catalog.
type NoteID uint16

// StreamInfo identifies a connection (TCP) or flow (UDP).
type StreamInfo struct {
	Index  int // tcp.stream-like index; UDP flows have their own index space
	Proto  capture.Proto
	Client netip.AddrPort
	Server netip.AddrPort
}

// Event is what the tracker says about one packet: which connection, who
// sent it, relative numbers, the phase, the state of both ends afterwards and
// a narration key. It holds a copy of the Segment and may be retained.
type Event struct {
	Kind   EventKind
	Stream int // index of the connection or flow
	N      int // 1-based position of this packet within its stream
	From   Dir
	// PrevWindowSYN says the sender's previous segment was a SYN, whose
	// window is never scaled (RFC 7323 §2.2): PrevWindow is then in bytes.
	PrevWindowSYN bool
	// PrevWindow is the raw window of the sender's previous segment (the
	// same as Seg.Window for its first), so renderers can say it changed.
	PrevWindow uint16
	RelSeq     uint32 // sequence number relative to the sender's ISN
	RelAck     uint32 // acknowledgment number relative to the receiver's ISN (0 without ACK)
	Phase      Phase
	Client     State // client end's state after this packet
	Server     State // server end's state after this packet
	Changed    Side  // which ends changed state with this packet
	Analysis   Analysis
	Note       NoteID
	// DupAckOf is the frame number of the ACK this one duplicates and
	// DupAckN its count (Wireshark's [TCP Dup ACK 28#3]: DupAckOf 28,
	// DupAckN 3); both 0 unless Analysis has DupAck.
	DupAckOf uint32
	Seg      capture.Segment

	// What the Tracker has decided about the connection after this
	// packet; renderers draw these and never re-derive them from flags.
	Handshake HandshakeKind // how it opened, as known so far
	Close     CloseKind     // how it is closing or closed, as known so far
	DupAckN   uint16        // see DupAckOf
	// WinShift is the sender's window scale shift for this segment: the
	// calculated window is Seg.Window << WinShift (Wireshark's
	// tcp.window_size). WinShiftUnknown or WinShiftNone (negative) mean
	// the raw window is the one to show.
	WinShift int8

	Call   Call       // Kind == KindCall: the socket call
	Kernel KernelView // the kernel's states after this packet, where known

	// AckedBytes is how many payload bytes of the peer this segment
	// acknowledges for the first time (SYN and FIN not counted); 0 when
	// it acknowledges nothing new or the previous acknowledgment is unknown.
	AckedBytes uint32
}

var analysisNames = [...]string{
	"retransmission", "out_of_order", "dup_ack", "zero_window",
	"window_update", "keep_alive", "previous_segment_not_captured",
	"fast_retransmission", "spurious_retransmission", "zero_window_probe",
	"keep_alive_ack",
}

// Names returns the names of the set bits, e.g. ["retransmission"].
func (a Analysis) Names() []string {
	var names []string
	for i, n := range analysisNames {
		if a&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return names
}
