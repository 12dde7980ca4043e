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

// markKeys lists the analysis bits in the order their marks are written.
var markKeys = [...]struct {
	bit session.Analysis
	key narrate.Key
}{
	{session.Retransmission, "ui.mark.retransmission"},
	{session.OutOfOrder, "ui.mark.outoforder"},
	{session.DupAck, "ui.mark.dupack"},
	{session.ZeroWindow, "ui.mark.zerowindow"},
	{session.WindowUpdate, "ui.mark.windowupdate"},
	{session.KeepAlive, "ui.mark.keepalive"},
	{session.PreviousSegmentNotCaptured, "ui.mark.prevlost"},
}

// Marks returns the TCP analysis marks of a, like Wireshark's
// "[TCP Retransmission]", joined by spaces; "" when a is zero.
func Marks(lang narrate.Lang, a session.Analysis) string {
	if a == 0 {
		return ""
	}
	parts := make([]string, 0, 2)
	for _, m := range markKeys {
		if a.Has(m.bit) {
			parts = append(parts, narrate.Text(lang, m.key))
		}
	}
	return strings.Join(parts, " ")
}
