package narrate

import (
	"strconv"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// Numbers says which sequence numbers a screen shows, so the narration
// uses the same ones.
type Numbers uint8

// Numberings.
const (
	Relative Numbers = iota // from each end's ISN, as Wireshark shows them (the default)
	Raw                     // the numbers on the wire
)

// NumbersFor returns Raw when raw is set (the `n` key, `--raw`), else Relative.
func NumbersFor(raw bool) Numbers {
	if raw {
		return Raw
	}
	return Relative
}

// String returns "relative" or "raw".
func (n Numbers) String() string {
	if n == Raw {
		return "raw"
	}
	return "relative"
}

// Explain returns the plain-words narration of one event in lang, with
// every number in the numbering num (the one the ladder shows). It is the
// event's note (see the argument list in notes.go) followed by a sentence
// for each other role the segment plays that the note does not cover: data
// it carries, bytes it acknowledges, a window change, a retransmission or
// another analysis mark (in Wireshark's words), and, in relative numbers,
// how the shown numbers relate to the raw ones. info names the connection
// or flow. NoteNone explains nothing: the result is "".
func Explain(lang Lang, ev *session.Event, info session.StreamInfo, num Numbers) string {
	if ev.Note == session.NoteNone {
		return ""
	}
	out := Text(lang, Key(ev.Note.Key()), noteArgs(lang, ev, info, num)...)
	if ev.Kind != session.KindSegment {
		return out
	}
	sep := Text(lang, "note.sentence_sep")
	for _, s := range roles(lang, ev, num) {
		out += sep + s
	}
	return out
}

// shown holds an event's numbers in the numbering shown.
type shown struct{ seq, ack, next, fin uint32 }

func numbersOf(ev *session.Event, num Numbers) shown {
	seg := &ev.Seg
	n := shown{seq: ev.RelSeq, ack: ev.RelAck}
	if num == Raw {
		n.seq, n.ack = seg.Seq, seg.Ack
	}
	n.next = n.seq + seg.SeqSpace()
	n.fin = n.seq + seg.PayloadLen
	if seg.Flags&capture.SYN != 0 {
		n.fin++
	}
	return n
}

func noteArgs(lang Lang, ev *session.Event, info session.StreamInfo, num Numbers) []any {
	seg := &ev.Seg
	from, to := seg.SrcEndpoint().String(), seg.DstEndpoint().String()
	if ev.Kind == session.KindDatagram && info.Client.IsValid() {
		// A UDP flow has no client and server: name the endpoints.
		if ev.From == session.FromServer {
			from, to = info.Server.String(), info.Client.String()
		} else {
			from, to = info.Client.String(), info.Server.String()
		}
	}
	senderState, receiverState := ev.Client, ev.Server
	if ev.From == session.FromServer {
		senderState, receiverState = ev.Server, ev.Client
	}
	n := numbersOf(ev, num)
	return []any{
		n.seq, n.ack, n.next, seg.PayloadLen,
		Text(lang, roleKey(ev.From)), Text(lang, roleKey(1-ev.From)),
		window(seg.Window, ev.WinShift),
		senderState.String(), receiverState.String(),
		from, to, seg.SrcPort, seg.Flags.String(), n.fin, seg.DstPort,
	}
}

// window is the calculated window as Wireshark shows it: "64 × 1024 =
// 65536" when a scale is in effect, the raw value otherwise.
func window(raw uint16, shift int8) string {
	if shift <= 0 {
		return strconv.Itoa(int(raw))
	}
	return strconv.Itoa(int(raw)) + " × " + strconv.Itoa(1<<shift) + " = " + strconv.Itoa(int(raw)<<shift)
}

// windowBytes is the calculated window (the raw one when the shift is
// unknown or there is none).
func windowBytes(raw uint16, shift int8) int {
	if shift <= 0 {
		return int(raw)
	}
	return int(raw) << shift
}

// windowChangeWorthSaying reports whether the narration speaks of a
// window change: Wireshark's window marks (update, zero) always; otherwise
// a change to or from zero, or by a quarter or more (the window scaling
// taking effect after the SYN, a receiver falling behind). The many small
// moves of a busy window (4095 × 64 then 4096 × 64) are not a step to
// explain.
func windowChangeWorthSaying(ev *session.Event, prev, cur int) bool {
	if cur == prev {
		return false
	}
	if ev.Analysis.Has(session.WindowUpdate) || ev.Analysis.Has(session.ZeroWindow) || cur == 0 || prev == 0 {
		return true
	}
	d := cur - prev
	if d < 0 {
		d = -d
	}
	return 4*d >= prev
}

// role is a part a segment can play besides its note.
type role uint8

const (
	roleData    role = 1 << iota // says what payload it carries
	roleAck                      // says what it acknowledges (the number)
	roleWindow                   // says what window it announces
	roleRetrans                  // says it is a retransmission
	roleOOO                      // says it is out of order
)

// covered says which roles a note's sentence already tells.
var covered = map[session.NoteID]role{
	session.NoteSYNRetransmit:      roleRetrans,
	session.NoteSYNACK:             roleAck,
	session.NoteSYNACKRetransmit:   roleAck | roleRetrans,
	session.NoteSimultaneousSYNACK: roleAck | roleRetrans, // the SYN+ACK repeats the SYN by design
	session.NoteHandshakeACK:       roleAck,
	session.NoteData:               roleData,
	session.NoteDataACK:            roleData | roleAck,
	session.NotePureACK:            roleAck,
	session.NoteFINACKed:           roleAck,
	session.NoteFINACK3Way:         roleAck,
	session.NoteFinalACK:           roleAck,
	session.NoteClosingACK:         roleAck,
	session.NoteHalfCloseData:      roleData,
	session.NoteRefused:            roleAck,
	session.NoteRefusedKnown:       roleAck,
	session.NoteRSTIgnored:         roleAck,
	session.NoteRetransmission:     roleData | roleRetrans,
	session.NoteOutOfOrder:         roleData | roleOOO,
	session.NoteDupACK:             roleAck,
	session.NoteWindowUpdate:       roleAck | roleWindow,
	session.NoteZeroWindow:         roleWindow,
	session.NoteKeepAlive:          roleData | roleAck,
}

// roles returns a sentence for every role of the segment its note leaves
// out, in a fixed order.
func roles(lang Lang, ev *session.Event, num Numbers) []string {
	seg := &ev.Seg
	a := ev.Analysis
	has := covered[ev.Note]
	sender, receiver := Text(lang, roleKey(ev.From)), Text(lang, roleKey(1-ev.From))
	n := numbersOf(ev, num)
	var out []string
	add := func(key Key, args ...any) { out = append(out, Text(lang, key, args...)) }

	if num == Relative {
		switch {
		case seg.Flags&capture.SYN != 0 && ev.Note != session.NoteSYNRetransmit && ev.Note != session.NoteSYNACKRetransmit:
			add("note.also.isn", sender, seg.Seq-ev.RelSeq)
		case ev.Note == session.NoteMidStream:
			add("note.also.base", sender, seg.Seq, ev.RelSeq)
		}
	}
	if seg.PayloadLen > 0 && has&roleData == 0 {
		add("note.also.data", seg.PayloadLen, n.seq)
	}
	if ev.AckedBytes > 0 {
		if has&roleAck != 0 {
			add("note.also.acked", ev.AckedBytes)
		} else {
			add("note.also.ack", ev.AckedBytes, receiver, n.ack)
		}
	}
	if seg.Flags&(capture.SYN|capture.RST) == 0 && has&roleWindow == 0 {
		// A SYN's window is never scaled (RFC 7323 §2.2): compare bytes.
		// An RST announces no window a peer could use.
		prevShift := ev.WinShift
		if ev.PrevWindowSYN {
			prevShift = 0
		}
		if windowChangeWorthSaying(ev, windowBytes(ev.PrevWindow, prevShift), windowBytes(seg.Window, ev.WinShift)) {
			add("note.also.window", window(seg.Window, ev.WinShift), window(ev.PrevWindow, prevShift))
		}
	}
	switch {
	case a.Has(session.FastRetransmission):
		add("note.also.fast_retransmission")
	case a.Has(session.SpuriousRetransmission):
		add("note.also.spurious_retransmission", receiver)
	case a.Has(session.Retransmission) && has&roleRetrans == 0:
		add("note.also.retransmission", sender)
	}
	if a.Has(session.OutOfOrder) && has&roleOOO == 0 {
		add("note.also.out_of_order")
	}
	if a.Has(session.DupAck) && ev.DupAckN > 0 {
		add("note.also.dup_ack", ev.DupAckOf, ev.DupAckN)
	}
	if a.Has(session.PreviousSegmentNotCaptured) {
		add("note.also.previous_not_captured", n.seq)
	}
	if a.Has(session.ZeroWindowProbe) {
		add("note.also.zero_window_probe")
	}
	if a.Has(session.KeepAliveACK) {
		add("note.also.keep_alive_ack")
	}
	return out
}

func roleKey(d session.Dir) Key {
	if d == session.FromServer {
		return "note.role.server"
	}
	return "note.role.client"
}
