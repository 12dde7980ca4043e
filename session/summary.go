package session

import (
	"fmt"
	"net/netip"
	"strconv"
	"time"
)

// HandshakeKind classifies how a connection was opened.
type HandshakeKind uint8

// Handshake kinds (the "handshake" field of `analyze --json`).
const (
	HandshakeNone         HandshakeKind = iota // no SYN captured
	HandshakeComplete                          // SYN, SYN+ACK, ACK
	HandshakeSimultaneous                      // both ends sent a SYN (simultaneous open), then completed
	HandshakeRefused                           // SYN answered by RST
	HandshakeIncomplete                        // a SYN was seen but SYN+ACK or the final ACK is missing
)

var handshakeNames = [...]string{
	HandshakeNone:         "none",
	HandshakeComplete:     "complete",
	HandshakeSimultaneous: "simultaneous",
	HandshakeRefused:      "refused",
	HandshakeIncomplete:   "incomplete",
}

// String returns the JSON name, e.g. "complete".
func (h HandshakeKind) String() string { return enumName(handshakeNames[:], int(h)) }

// MarshalText implements encoding.TextMarshaler.
func (h HandshakeKind) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// CloseKind classifies how a connection ended.
type CloseKind uint8

// Close kinds (the "close" field of `analyze --json`).
const (
	CloseOpen         CloseKind = iota // no FIN, no RST
	CloseFIN4                          // FIN, ACK, FIN, ACK
	CloseFIN3                          // FIN, FIN+ACK, ACK
	CloseSimultaneous                  // the two FINs crossed
	CloseRST                           // ended by a reset
	CloseHalfClosed                    // one FIN only
)

var closeNames = [...]string{
	CloseOpen:         "open",
	CloseFIN4:         "fin4",
	CloseFIN3:         "fin3",
	CloseSimultaneous: "simultaneous",
	CloseRST:          "rst",
	CloseHalfClosed:   "half-closed",
}

// String returns the JSON name, e.g. "fin4".
func (c CloseKind) String() string { return enumName(closeNames[:], int(c)) }

// MarshalText implements encoding.TextMarshaler.
func (c CloseKind) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Closer says who started closing a connection.
type Closer uint8

// Closers (the "closed_by" field of `analyze --json`).
const (
	ClosedByNone Closer = iota
	ClosedByClient
	ClosedByServer
	ClosedByBoth // simultaneous close
)

var closerNames = [...]string{
	ClosedByNone:   "none",
	ClosedByClient: "client",
	ClosedByServer: "server",
	ClosedByBoth:   "both",
}

// String returns the JSON name, e.g. "client".
func (c Closer) String() string { return enumName(closerNames[:], int(c)) }

// MarshalText implements encoding.TextMarshaler.
func (c Closer) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (h *HandshakeKind) UnmarshalText(b []byte) error {
	return parseEnum(handshakeNames[:], "handshake", b, (*uint8)(h))
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *CloseKind) UnmarshalText(b []byte) error {
	return parseEnum(closeNames[:], "close", b, (*uint8)(c))
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Closer) UnmarshalText(b []byte) error {
	return parseEnum(closerNames[:], "closed_by", b, (*uint8)(c))
}

func parseEnum(names []string, field string, b []byte, out *uint8) error {
	for i, n := range names {
		if n == string(b) {
			*out = uint8(i)
			return nil
		}
	}
	return fmt.Errorf("unknown %s %q: expected one of %v", field, b, names)
}

func enumName(names []string, i int) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return "unknown"
}

// Completeness bits, as Wireshark's tcp.completeness.
const (
	CompleteSYN    uint8 = 1
	CompleteSYNACK uint8 = 2
	CompleteACK    uint8 = 4
	CompleteData   uint8 = 8
	CompleteFIN    uint8 = 16
	CompleteRST    uint8 = 32
)

// Micros is a duration in microseconds; negative means unknown and
// marshals to JSON null.
type Micros int64

// Known reports whether the value is known.
func (m Micros) Known() bool { return m >= 0 }

// MarshalJSON writes the number, or null when unknown.
func (m Micros) MarshalJSON() ([]byte, error) {
	if m < 0 {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, int64(m), 10), nil
}

// UnmarshalJSON reads a number or null.
func (m *Micros) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = -1
		return nil
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("rtt/duration must be an integer number of microseconds or null: %w", err)
	}
	*m = Micros(v)
	return nil
}

// PayloadBytes counts transport payload bytes per side (retransmitted
// bytes included: it is what crossed the wire).
type PayloadBytes struct {
	Client uint64 `json:"client"`
	Server uint64 `json:"server"`
}

// StreamSummary is the final view of one TCP connection: the stream object
// of `analyze --json`.
type StreamSummary struct {
	Index           int            `json:"index"`
	Client          netip.AddrPort `json:"client"`
	Server          netip.AddrPort `json:"server"`
	Packets         uint64         `json:"packets"`
	PayloadBytes    PayloadBytes   `json:"payload_bytes"`
	Handshake       HandshakeKind  `json:"handshake"`
	Close           CloseKind      `json:"close"`
	ClosedBy        Closer         `json:"closed_by"`
	Completeness    uint8          `json:"completeness"`
	Retransmissions uint64         `json:"retransmissions"`
	OutOfOrder      uint64         `json:"out_of_order"`
	RTT             Micros         `json:"rtt_us"`
	Start           time.Time      `json:"start"`
	Duration        Micros         `json:"duration_us"`
	// Zeek's verdicts (conn.log): conn_state and history.
	ConnState string `json:"conn_state"`
	History   string `json:"history"`
	// Zeek's orig_bytes and resp_bytes (from sequence numbers), for
	// --format zeek.
	ZeekBytes PayloadBytes `json:"-"`
}

// UDPFlow is one UDP flow (unordered 4-tuple): A is the first sender.
// The fields without a JSON name are not in the v1 document's udp_flows
// objects (their bytes are fixed); --format zeek writes them.
type UDPFlow struct {
	A        netip.AddrPort `json:"a"`
	B        netip.AddrPort `json:"b"`
	Packets  uint64         `json:"packets"`
	Index    int            `json:"-"` // in the UDP flows' own index space
	APackets uint64         `json:"-"` // datagrams from A (the rest are B's)
	Bytes    PayloadBytes   `json:"-"` // UDP payload bytes from A (Client) and B (Server)
	FirstNS  int64          `json:"-"` // capture time of the first and the last datagram, Unix ns
	LastNS   int64          `json:"-"`
}

// recChunk is the number of streamRecs in one chunk of a recStore.
const recChunk = 1024

// recStore holds the streamRecs in fixed chunks: adding one never moves
// the others (no copying of a growing slice, and pointers stay valid).
// With FinishOptions.Stream the chunks of taken streams leave the store
// whole (dropBefore), go out in FinishedStreams, and come back to free
// once those are handed back (recycle): a record is never copied.
type recStore struct {
	chunks  [][]streamRec
	n       int
	dropped int           // chunks[:dropped] left the store (dropBefore)
	free    [][]streamRec // chunks back from FinishedStreams, reused by add
}

// maxFreeChunks bounds recStore.free (each chunk is some 264 KiB).
const maxFreeChunks = 8

func (s *recStore) len() int { return s.n }

// at returns record i (0 <= i < len).
func (s *recStore) at(i int) *streamRec { return &s.chunks[i/recChunk][i%recChunk] }

// add appends a record and returns it: the caller sets it whole (a
// recycled chunk still holds the records of earlier streams).
func (s *recStore) add() *streamRec {
	if s.n%recChunk == 0 {
		var c []streamRec
		if n := len(s.free); n > 0 {
			c, s.free = s.free[n-1], s.free[:n-1]
		} else {
			c = make([]streamRec, recChunk)
		}
		s.chunks = append(s.chunks, c)
	}
	s.n++
	return s.at(s.n - 1)
}

// recycle takes back a chunk that left the store, for add to reuse.
func (s *recStore) recycle(c []streamRec) {
	if len(s.free) < maxFreeChunks {
		s.free = append(s.free, c)
	}
}

// streamRec is what the tracker keeps for every stream for the whole run:
// the numbers of the summary. The live per-connection state (conn) is
// freed when the connection is over; this record stays.
type streamRec struct {
	client, server netip.AddrPort
	packets        uint64
	payload        [2]uint64 // by Dir
	completeness   uint8
	retrans, ooo   uint64
	rttNS          int64 // -1 unknown
	firstNS        int64
	lastNS         int64

	sawSYN      bool // pure SYN from the client
	sawPeerSYN  bool // pure SYN from the server (simultaneous open)
	sawSYNACK   bool
	handshakeOK bool // the ACK completing the handshake was seen
	refused     bool

	finSent   [2]bool // by Dir
	firstFIN  Dir
	closeKind CloseKind // fin3/fin4/simultaneous once the second FIN is seen
	finsDone  bool      // both FINs acknowledged before any RST
	rstSeen   bool
	firstRST  Dir
	rstBefore bool // a RST came before the first FIN

	zeek zeekConn // zeek.go: Zeek's endpoint states and history
}

func (r *streamRec) summary(index int) StreamSummary {
	var s StreamSummary
	r.summaryInto(&s, index, nil)
	return s
}

// summaryInto is summary into *s, which must be zero; the history string
// comes from h unless h is nil.
func (r *streamRec) summaryInto(s *StreamSummary, index int, h *histories) {
	*s = StreamSummary{
		Index:           index,
		Client:          r.client,
		Server:          r.server,
		Packets:         r.packets,
		PayloadBytes:    PayloadBytes{Client: r.payload[FromClient], Server: r.payload[FromServer]},
		Completeness:    r.completeness,
		Retransmissions: r.retrans,
		OutOfOrder:      r.ooo,
		RTT:             -1,
		Start:           time.Unix(0, r.firstNS).UTC(),
		Duration:        Micros((r.lastNS - r.firstNS) / int64(time.Microsecond)),
	}
	if r.rttNS >= 0 {
		s.RTT = Micros(r.rttNS / int64(time.Microsecond))
	}
	s.Handshake = r.handshake()
	s.Close, s.ClosedBy = r.closing()
	s.ConnState = r.zeek.ConnState()
	if h != nil {
		s.History = h.of(&r.zeek)
	} else {
		s.History = r.zeek.History()
	}
	s.ZeekBytes = PayloadBytes{Client: r.zeek.size(FromClient), Server: r.zeek.size(FromServer)}
}

func (r *streamRec) handshake() HandshakeKind {
	switch {
	case !r.sawSYN && !r.sawPeerSYN && !r.sawSYNACK:
		// Not one packet of the handshake was captured. A SYN+ACK alone
		// (the SYN before the capture started) is a handshake with parts
		// missing: incomplete.
		return HandshakeNone
	case r.refused:
		return HandshakeRefused
	case r.sawSYN && r.sawPeerSYN && r.handshakeOK:
		return HandshakeSimultaneous
	case r.sawSYN && r.sawSYNACK && r.handshakeOK:
		return HandshakeComplete
	}
	return HandshakeIncomplete
}

// opening is how the connection is opening as known so far: the
// summary's handshake, except that a simultaneous open is named as soon as
// the two SYNs have crossed (the summary waits for it to complete, and
// calls one that never does incomplete).
func (r *streamRec) opening() HandshakeKind {
	if r.sawSYN && r.sawPeerSYN && !r.refused {
		return HandshakeSimultaneous
	}
	return r.handshake()
}

func (r *streamRec) closing() (CloseKind, Closer) {
	by := func(d Dir) Closer {
		if d == FromServer {
			return ClosedByServer
		}
		return ClosedByClient
	}
	anyFIN := r.finSent[FromClient] || r.finSent[FromServer]
	switch {
	case r.rstSeen && (r.rstBefore || !r.finsDone):
		if r.rstBefore || !anyFIN {
			return CloseRST, by(r.firstRST)
		}
		if r.closeKind == CloseSimultaneous {
			return CloseRST, ClosedByBoth
		}
		return CloseRST, by(r.firstFIN)
	case r.finSent[FromClient] && r.finSent[FromServer]:
		if r.closeKind == CloseSimultaneous {
			return CloseSimultaneous, ClosedByBoth
		}
		return r.closeKind, by(r.firstFIN)
	case anyFIN:
		return CloseHalfClosed, by(r.firstFIN)
	}
	return CloseOpen, ClosedByNone
}
