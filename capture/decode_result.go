package capture

import "fmt"

// DecodeResult is what Decode made of one frame.
type DecodeResult struct {
	// OK is true when the Segment holds a TCP segment or a UDP datagram.
	OK bool
	// Held is true when the frame is an IP fragment kept for reassembly:
	// the Segment comes with the fragment that completes the datagram.
	Held bool
	// Verdict is what the lossy wire did with the frame (Passed for
	// captures); Decode copies it to the Segment too.
	Verdict Verdict
	// Warning says what is wrong with the frame's headers; its Kind is
	// WarnNone for a sound frame. A warning can come with a Segment (a
	// length cut to the bytes on the wire) or without one (a malformed
	// header: Warning.Malformed()).
	Warning DecodeWarning
}

// WarningKind is what Decode found wrong in a frame.
type WarningKind uint8

// Warning kinds. The texts follow what tshark reports for the same bytes.
const (
	WarnNone                  WarningKind = iota
	WarnIPVersion                         // the version nibble contradicts the link layer's protocol
	WarnIPHeaderCut                       // the frame ends, on the wire too, inside the IP header
	WarnIPv4HeaderLength                  // IHL under 5 words
	WarnIPv4TotalLengthShort              // total length shorter than the IPv4 header
	WarnIPv4LengthPastFrame               // total length larger than the frame: payload cut to the wire
	WarnIPv6LengthPastFrame               // payload length larger than the frame: payload cut to the wire
	WarnIPv6LengthZero                    // payload length 0 without a jumbo option
	WarnTCPDataOffsetShort                // data offset under 5 words
	WarnTCPDataOffsetPastData             // data offset past the end of the segment
	WarnFragmentOverlap                   // a fragment overlaps or contradicts the ones held: datagram dropped
	WarnFragmentPastMax                   // a fragment ends past the largest IP datagram: datagram dropped
	WarnFragmentsDropped                  // too many datagrams or holes pending: an incomplete datagram dropped
)

var warningKindNames = [...]string{
	WarnNone:                  "none",
	WarnIPVersion:             "ip-version",
	WarnIPHeaderCut:           "ip-header-cut",
	WarnIPv4HeaderLength:      "ipv4-header-length",
	WarnIPv4TotalLengthShort:  "ipv4-total-length-short",
	WarnIPv4LengthPastFrame:   "ipv4-length-past-frame",
	WarnIPv6LengthPastFrame:   "ipv6-length-past-frame",
	WarnIPv6LengthZero:        "ipv6-length-zero",
	WarnTCPDataOffsetShort:    "tcp-data-offset-short",
	WarnTCPDataOffsetPastData: "tcp-data-offset-past-data",
	WarnFragmentOverlap:       "fragment-overlap",
	WarnFragmentPastMax:       "fragment-past-max",
	WarnFragmentsDropped:      "fragments-dropped",
}

// String returns the kind's short name ("ipv4-length-past-frame").
func (k WarningKind) String() string {
	if int(k) < len(warningKindNames) {
		return warningKindNames[k]
	}
	return fmt.Sprintf("warning(%d)", uint8(k))
}

// Malformed reports whether a frame with this warning is malformed: a
// header cannot be read, so no Segment comes from it (tshark marks such
// frames malformed or with an expert error); only a tunnel's outer UDP
// datagram stands when the packet inside is malformed. The length
// warnings keep the Segment, cut to the bytes on the wire.
func (k WarningKind) Malformed() bool {
	switch k {
	case WarnNone, WarnIPv4LengthPastFrame, WarnIPv6LengthPastFrame, WarnFragmentsDropped:
		return false
	}
	return true
}

// DecodeWarning is one per-frame warning: the kind, the frame and the
// numbers its text names. It is a small value (24 bytes, and a
// DecodeResult 32): Decode returns it in registers and does not allocate.
type DecodeWarning struct {
	Kind WarningKind
	// Value is the header field read (a length, an offset, a version, a
	// datagram id), Limit what it is measured against (the bytes on the
	// wire, the minimum, the most allowed).
	Value, Limit uint32
	Frame        uint64 // 1-based frame number
}

// Malformed reports whether the frame yields no Segment because of it.
func (w DecodeWarning) Malformed() bool { return w.Kind.Malformed() }

// String is the warning as one line for a person: "frame 7: IPv4 total
// length 29474 is larger than the 52 bytes on the wire: cut to them".
func (w DecodeWarning) String() string {
	var what string
	switch w.Kind {
	case WarnNone:
		return fmt.Sprintf("frame %d: no warning", w.Frame)
	case WarnIPVersion:
		what = fmt.Sprintf("malformed: IP version %d in a frame whose link layer says IPv%d", w.Value, w.Limit)
	case WarnIPHeaderCut:
		what = fmt.Sprintf("malformed: the frame ends inside the IP header (%d of %d bytes)", w.Value, w.Limit)
	case WarnIPv4HeaderLength:
		what = fmt.Sprintf("malformed: IPv4 header length %d bytes, under the minimum %d", w.Value, w.Limit)
	case WarnIPv4TotalLengthShort:
		what = fmt.Sprintf("malformed: IPv4 total length %d is shorter than its %d-byte header", w.Value, w.Limit)
	case WarnIPv4LengthPastFrame:
		what = fmt.Sprintf("IPv4 total length %d is larger than the %d bytes on the wire: cut to them", w.Value, w.Limit)
	case WarnIPv6LengthPastFrame:
		what = fmt.Sprintf("IPv6 payload length %d is larger than the %d bytes after its header on the wire: cut to them", w.Value, w.Limit)
	case WarnIPv6LengthZero:
		what = "malformed: IPv6 payload length 0 without a jumbo payload option (captured before segmentation offload?)"
	case WarnTCPDataOffsetShort:
		what = fmt.Sprintf("malformed: TCP header length %d bytes, under the minimum %d", w.Value, w.Limit)
	case WarnTCPDataOffsetPastData:
		what = fmt.Sprintf("malformed: TCP header length %d bytes is past the %d bytes of the segment", w.Value, w.Limit)
	case WarnFragmentOverlap:
		what = fmt.Sprintf("IP fragment at byte %d overlaps or contradicts the fragments held (datagram id %#x): datagram dropped", w.Value, w.Limit)
	case WarnFragmentPastMax:
		what = fmt.Sprintf("malformed: IP fragment ends at byte %d, past the largest datagram (%d): datagram dropped", w.Value, w.Limit)
	case WarnFragmentsDropped:
		what = fmt.Sprintf("an incomplete IP datagram (id %#x) dropped: more than %d datagrams or holes pending", w.Value, w.Limit)
	default:
		what = w.Kind.String()
	}
	return fmt.Sprintf("frame %d: %s", w.Frame, what)
}
