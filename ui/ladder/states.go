package ladder

import (
	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// End is one end of an arrow: where it leaves its sender or where it
// reaches its receiver.
type End uint8

// Arrow ends.
const (
	SendEnd    End = iota // the sender's lifeline, the send moment
	ArrivalEnd            // the receiver's lifeline, the arrival moment
)

// String returns "send" or "arrival".
func (e End) String() string {
	if e == ArrivalEnd {
		return "arrival"
	}
	return "send"
}

// LifelineState is a state written beside one end's lifeline, as the
// textbook figure writes SYN-SENT beside the client where its SYN starts.
type LifelineState struct {
	Show  bool          // false: nothing is written beside this lifeline
	State session.State // the end's state from this moment on
	At    End           // which end of the arrow the change belongs to
}

// States returns what the arrow row r of ev writes beside the client's
// and the server's lifelines. The rule is RFC 9293's (section 3.10): the
// sender's state changes when it sends, so its new state stands at the
// send end; the receiver's when the segment arrives, at the arrival end.
// The states are the Tracker's (Event.Client, Event.Server after arrival)
// where it says they changed (Event.Changed); the first arrow of a
// connection shows both ends, so a ladder that starts mid-connection
// still says where it starts. A dropped segment never arrives: its
// receiver shows nothing. Datagrams have no state.
func States(r *Row, ev *session.Event) (client, server LifelineState) {
	if ev.Kind != session.KindSegment {
		return
	}
	side := func(d session.Dir, st session.State, bit session.Side) LifelineState {
		at := ArrivalEnd
		if d == ev.From {
			at = SendEnd
		}
		show := r.First || ev.Changed&bit != 0
		if at == ArrivalEnd && ev.Seg.Verdict == capture.Dropped {
			show = false
		}
		return LifelineState{Show: show, State: st, At: at}
	}
	return side(session.FromClient, ev.Client, session.ClientSide),
		side(session.FromServer, ev.Server, session.ServerSide)
}

// shortStates are the state names of narrow ladders, at most 8 cells
// (RFC 793's figures write ESTAB; BSD's netstat SYN_RCVD).
var shortStates = [...]string{
	session.Closed:      "CLOSED",
	session.Listen:      "LISTEN",
	session.SynSent:     "SYN-SENT",
	session.SynReceived: "SYN-RCVD",
	session.Established: "ESTAB",
	session.FinWait1:    "FIN-WT-1",
	session.FinWait2:    "FIN-WT-2",
	session.CloseWait:   "CLOSE-WT",
	session.Closing:     "CLOSING",
	session.LastAck:     "LAST-ACK",
	session.TimeWait:    "TIME-WT",
}

// Widths of the state names: the longest full name (SYN-RECEIVED) and
// the longest short one.
const (
	FullStateWidth  = 12
	ShortStateWidth = 8
)

// StateName returns the RFC 9293 name of s ("SYN-RECEIVED"), or its short
// form of at most ShortStateWidth cells ("SYN-RCVD") when short is set.
// State names are protocol notation, the same in every language.
func StateName(s session.State, short bool) string {
	if short && int(s) < len(shortStates) {
		return shortStates[s]
	}
	return s.String()
}

// KernelDiffers reports whether the kernel's own view of the ends (read
// where the program owns the sockets) differs from the inferred states.
// The ladder always shows such a disagreement.
func KernelDiffers(ev *session.Event) bool {
	k := &ev.Kernel
	return ev.Kind == session.KindSegment && k.Known && (k.Client != ev.Client || k.Server != ev.Server)
}

// KernelLine returns the line that shows a disagreement with the kernel
// in lang ("⚠ the kernel says: client ESTABLISHED"), "" when there is none.
func KernelLine(lang narrate.Lang, ev *session.Event) string {
	if !KernelDiffers(ev) {
		return ""
	}
	k := &ev.Kernel
	switch {
	case k.Client != ev.Client && k.Server != ev.Server:
		return narrate.Text(lang, "ladder.kernel.both", k.Client, k.Server)
	case k.Client != ev.Client:
		return narrate.Text(lang, "ladder.kernel.client", k.Client)
	}
	return narrate.Text(lang, "ladder.kernel.server", k.Server)
}
