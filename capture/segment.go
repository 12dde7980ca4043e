package capture

import (
	"net/netip"
	"strings"
	"time"
)

// Proto is the transport protocol of a Segment.
type Proto uint8

// Transport protocols a Segment can carry.
const (
	ProtoUnknown Proto = iota
	ProtoTCP
	ProtoUDP
)

// String returns "TCP", "UDP" or "unknown".
func (p Proto) String() string {
	switch p {
	case ProtoTCP:
		return "TCP"
	case ProtoUDP:
		return "UDP"
	}
	return "unknown"
}

// TCPFlags holds the TCP control bits, with the bit values of the header.
type TCPFlags uint16

// TCP control bits as they appear in the header (RFC 9293, RFC 3168).
const (
	FIN TCPFlags = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
	ECE
	CWR
	AE // accurate-ECN bit (formerly NS)
)

// flagOrder is the order flags are written in labels and JSON:
// SYN, FIN, RST, PSH, ACK, URG, then the ECN bits.
var flagOrder = [...]struct {
	f    TCPFlags
	name string
}{
	{SYN, "SYN"}, {FIN, "FIN"}, {RST, "RST"}, {PSH, "PSH"}, {ACK, "ACK"},
	{URG, "URG"}, {ECE, "ECE"}, {CWR, "CWR"}, {AE, "AE"},
}

// Has reports whether every bit of g is set in f.
func (f TCPFlags) Has(g TCPFlags) bool { return f&g == g }

// Names returns the names of the set flags in label order
// (SYN, FIN, RST, PSH, ACK, URG, ECE, CWR, AE).
func (f TCPFlags) Names() []string {
	names := make([]string, 0, 4)
	for _, e := range flagOrder {
		if f&e.f != 0 {
			names = append(names, e.name)
		}
	}
	return names
}

// String returns the set flags joined as Wireshark labels them: "SYN, ACK".
// No flag at all is "<none>".
func (f TCPFlags) String() string {
	if f == 0 {
		return "<none>"
	}
	return strings.Join(f.Names(), ", ")
}

// TCPOptions holds the TCP options the ladder shows on SYNs.
type TCPOptions struct {
	MSS           uint16 // 0 when absent
	WindowScale   int8   // -1 when absent
	SACKPermitted bool
	HasTimestamps bool
	TSval, TSecr  uint32
}

// Segment is the compact record of one TCP segment or UDP datagram: what
// the session tracker and the ladder need, copied out of the packet buffer.
// Its fields are laid out to fill 128 bytes, two cache lines, without a
// hole: analyze's reader writes segments that its tracker reads on the
// other CPU, and each line crosses between them (a test pins the size).
type Segment struct {
	Frame      uint64 // 1-based frame number in the source
	Offset     int64  // byte offset of the frame's record in the input; -1 when live
	TimeNS     int64  // capture timestamp, Unix nanoseconds
	Src, Dst   netip.Addr
	SrcPort    uint16
	DstPort    uint16
	Window     uint16 // raw window field (unscaled)
	Flags      TCPFlags
	Proto      Proto
	Truncated  bool    // the capture holds fewer bytes than the IP header announces
	Verdict    Verdict // what a lossy wire did with the packet (Passed for captures)
	Seq, Ack   uint32  // raw sequence and acknowledgment numbers
	PayloadLen uint32  // transport payload length, from the IP length (snaplen-proof)
	CapLen     uint32  // bytes captured
	WireLen    uint32  // bytes on the wire
	Options    TCPOptions
	DelayNS    int64 // Verdict == Delayed: how long the wire held it
}

// Verdict is what the program's lossy wire did with a packet. Packets of
// a capture file or of a plain live capture are Passed.
type Verdict uint8

// Verdicts.
const (
	Passed  Verdict = iota // delivered at once
	Dropped                // never delivered: the arrow stops mid-wire
	Delayed                // delivered after DelayNS
)

// String returns "passed", "dropped" or "delayed".
func (v Verdict) String() string {
	switch v {
	case Dropped:
		return "dropped"
	case Delayed:
		return "delayed"
	}
	return "passed"
}

// Time returns the capture timestamp.
func (s *Segment) Time() time.Time { return time.Unix(0, s.TimeNS).UTC() }

// SrcEndpoint returns the source address and port.
func (s *Segment) SrcEndpoint() netip.AddrPort { return netip.AddrPortFrom(s.Src, s.SrcPort) }

// DstEndpoint returns the destination address and port.
func (s *Segment) DstEndpoint() netip.AddrPort { return netip.AddrPortFrom(s.Dst, s.DstPort) }

// SeqSpace is the sequence space the segment occupies: its payload plus one
// for SYN and one for FIN.
func (s *Segment) SeqSpace() uint32 {
	n := s.PayloadLen
	if s.Flags&SYN != 0 {
		n++
	}
	if s.Flags&FIN != 0 {
		n++
	}
	return n
}
