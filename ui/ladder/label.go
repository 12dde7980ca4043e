package ladder

import (
	"strconv"
	"strings"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// Label returns the arrow label of an event as Wireshark's Info column
// writes it: "SYN Seq=0", "SYN, ACK Seq=0 Ack=1", "PSH, ACK Seq=1 Ack=1
// Len=5"; "UDP Len=N" for a datagram. raw selects the raw sequence and
// acknowledgment numbers instead of the relative ones. Flag names and
// field names are protocol notation, the same in every language.
func Label(ev *session.Event, raw bool) string {
	var b strings.Builder
	b.Grow(40)
	if ev.Kind == session.KindDatagram {
		b.WriteString("UDP Len=")
		b.WriteString(strconv.FormatUint(uint64(ev.Seg.PayloadLen), 10))
		return b.String()
	}
	seq, ack := ev.RelSeq, ev.RelAck
	if raw {
		seq, ack = ev.Seg.Seq, ev.Seg.Ack
	}
	b.WriteString(ev.Seg.Flags.String())
	b.WriteString(" Seq=")
	b.WriteString(strconv.FormatUint(uint64(seq), 10))
	if ev.Seg.Flags.Has(capture.ACK) {
		b.WriteString(" Ack=")
		b.WriteString(strconv.FormatUint(uint64(ack), 10))
	}
	if ev.Seg.PayloadLen > 0 {
		b.WriteString(" Len=")
		b.WriteString(strconv.FormatUint(uint64(ev.Seg.PayloadLen), 10))
	}
	return b.String()
}

// HasOptionsLine reports whether the ladder shows a TCP options line under
// the arrow of ev: SYNs that carry MSS, window scale, SACK-permitted or
// timestamps.
func HasOptionsLine(ev *session.Event) bool {
	return ev.Kind == session.KindSegment && ev.Seg.Flags.Has(capture.SYN) && OptionsLine(ev.Seg.Options) != ""
}

// OptionsLine returns the TCP options of a SYN as Wireshark abbreviates
// them: "MSS=65495 WS=128 SACK_PERM TS". WS is the multiplier (2^shift).
// It returns "" when no such option is present.
func OptionsLine(o capture.TCPOptions) string {
	parts := make([]string, 0, 4)
	if o.MSS != 0 {
		parts = append(parts, "MSS="+strconv.Itoa(int(o.MSS)))
	}
	if o.WindowScale >= 0 && o.WindowScale <= maxWindowShift {
		parts = append(parts, "WS="+strconv.Itoa(1<<o.WindowScale))
	}
	if o.SACKPermitted {
		parts = append(parts, "SACK_PERM")
	}
	if o.HasTimestamps {
		parts = append(parts, "TS")
	}
	return strings.Join(parts, " ")
}

// maxWindowShift is the largest window scale shift RFC 7323 allows.
const maxWindowShift = 14

// markNames lists the analysis bits in the order their marks are
// written, in Wireshark's own words (its Info column and expert info),
// which are the same in every language so that anyone can look them up.
// A fast or spurious retransmission is written as that only, as
// Wireshark does, not also as "[TCP Retransmission]".
var markNames = [...]struct {
	bit  session.Analysis
	text string
}{
	{session.PreviousSegmentNotCaptured, "[TCP Previous segment not captured]"},
	{session.SpuriousRetransmission, "[TCP Spurious Retransmission]"},
	{session.FastRetransmission, "[TCP Fast Retransmission]"},
	{session.Retransmission, "[TCP Retransmission]"},
	{session.OutOfOrder, "[TCP Out-Of-Order]"},
	{session.DupAck, "[TCP Dup ACK]"},
	{session.ZeroWindowProbe, "[TCP ZeroWindowProbe]"},
	{session.ZeroWindow, "[TCP ZeroWindow]"},
	{session.WindowUpdate, "[TCP Window Update]"},
	{session.KeepAliveACK, "[TCP Keep-Alive ACK]"},
	{session.KeepAlive, "[TCP Keep-Alive]"},
}

// AnalysisMarks returns the TCP analysis marks of ev as Wireshark writes
// them ("[TCP Fast Retransmission]", "[TCP Dup ACK 28#3]"), joined by
// spaces; "" when there are none.
func AnalysisMarks(ev *session.Event) string {
	a := ev.Analysis
	if a == 0 {
		return ""
	}
	var b strings.Builder
	for _, m := range markNames {
		if !a.Has(m.bit) {
			continue
		}
		if m.bit == session.Retransmission && a&(session.FastRetransmission|session.SpuriousRetransmission) != 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if m.bit == session.DupAck && ev.DupAckN > 0 {
			// Wireshark: "[TCP Dup ACK <frame of the original ACK>#<count>]".
			b.WriteString("[TCP Dup ACK ")
			b.WriteString(strconv.FormatUint(uint64(ev.DupAckOf), 10))
			b.WriteByte('#')
			b.WriteString(strconv.FormatUint(uint64(ev.DupAckN), 10))
			b.WriteByte(']')
			continue
		}
		b.WriteString(m.text)
	}
	return b.String()
}

// WireMark returns what the program's lossy wire did with the packet of
// ev, in lang: "[dropped by the wire]", "[delayed 200 ms by the wire]";
// "" for a packet delivered at once (every packet of a capture file).
func WireMark(lang narrate.Lang, ev *session.Event) string {
	switch ev.Seg.Verdict {
	case capture.Dropped:
		return narrate.Text(lang, "ladder.wire.dropped")
	case capture.Delayed:
		return narrate.Text(lang, "ladder.wire.delayed", FormatDuration(ev.Seg.DelayNS))
	}
	return ""
}

// HasMarks reports whether the arrow of ev has a marks line.
func HasMarks(ev *session.Event) bool {
	return ev.Kind == session.KindSegment && ev.Analysis != 0 || ev.Seg.Verdict != capture.Passed
}

// Marks returns the marks line of ev: its analysis marks, then the wire's
// verdict; "" when it has neither.
func Marks(lang narrate.Lang, ev *session.Event) string {
	a, w := AnalysisMarks(ev), WireMark(lang, ev)
	if a == "" || w == "" {
		return a + w
	}
	return a + " " + w
}

// CallText writes a socket call as code does: "connect()" when called,
// "connect() → ok", "accept() → ok", "connect() → ECONNREFUSED" or, for
// send and recv, "recv() → 5" (bytes moved) when it returns. It is
// notation, the same in every language.
func CallText(c *session.Call) string {
	s := c.Call.String() + "()"
	if c.Phase != session.CallReturn {
		return s
	}
	switch {
	case (c.Call == session.CallSend || c.Call == session.CallRecv) && (c.Result == "" || c.Result == "ok"):
		return s + " → " + strconv.Itoa(c.Bytes)
	case c.Result == "":
		return s + " → ok"
	}
	return s + " → " + c.Result
}
