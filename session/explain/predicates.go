package explain

import (
	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// segment reports whether ev is a TCP segment.
func segment(ev *session.Event) bool { return ev.Kind == session.KindSegment }

// IsSYN matches the first segment of a handshake: SYN without ACK.
func IsSYN(evs []session.Event, i int) bool {
	ev := &evs[i]
	return segment(ev) && ev.Seg.Flags.Has(capture.SYN) && !ev.Seg.Flags.Has(capture.ACK)
}

// IsSYNACK matches the SYN,ACK whose ack is the peer's ISN + 1 (relative
// ack 1).
func IsSYNACK(evs []session.Event, i int) bool {
	ev := &evs[i]
	return segment(ev) && ev.Seg.Flags.Has(capture.SYN|capture.ACK) && ev.RelAck == 1
}

// IsHandshakeACK matches the third segment of the handshake: the ACK that
// leaves both ends ESTABLISHED.
func IsHandshakeACK(evs []session.Event, i int) bool {
	return segment(&evs[i]) && evs[i].Note == session.NoteHandshakeACK
}

// IsData matches a segment carrying payload.
func IsData(evs []session.Event, i int) bool {
	return segment(&evs[i]) && evs[i].Seg.PayloadLen > 0
}

// IsClientData matches a data segment from the client.
func IsClientData(evs []session.Event, i int) bool {
	return IsData(evs, i) && evs[i].From == session.FromClient
}

// IsServerData matches a data segment from the server.
func IsServerData(evs []session.Event, i int) bool {
	return IsData(evs, i) && evs[i].From == session.FromServer
}

// IsDataACK matches a segment without payload that acknowledges the
// payload of the data segment before it from the other end.
func IsDataACK(evs []session.Event, i int) bool {
	ev := &evs[i]
	if !segment(ev) || ev.Seg.PayloadLen > 0 || !ev.Seg.Flags.Has(capture.ACK) || ev.Seg.Flags&(capture.SYN|capture.FIN|capture.RST) != 0 {
		return false
	}
	for j := i - 1; j >= 0; j-- {
		p := &evs[j]
		if p.Kind != session.KindSegment || p.Stream != ev.Stream || p.From == ev.From {
			continue
		}
		return p.Seg.PayloadLen > 0 && ev.RelAck == p.RelSeq+p.Seg.PayloadLen
	}
	return false
}

// IsEndMarker matches the client's "##": the two-byte message that ends
// the homework's turn.
func IsEndMarker(evs []session.Event, i int) bool {
	return IsClientData(evs, i) && evs[i].Seg.PayloadLen == 2
}

// IsFirstFIN matches the FIN that starts the close (the active closer's).
func IsFirstFIN(evs []session.Event, i int) bool {
	ev := &evs[i]
	return segment(ev) && ev.Seg.Flags.Has(capture.FIN) && !sawBefore(evs, i, func(p *session.Event) bool {
		return p.Stream == ev.Stream && p.Seg.Flags.Has(capture.FIN)
	})
}

// IsFINACKed matches the ACK of the first FIN that sends its sender to
// FIN-WAIT-2.
func IsFINACKed(evs []session.Event, i int) bool {
	return segment(&evs[i]) && evs[i].Note == session.NoteFINACKed
}

// IsSecondFIN matches the passive closer's FIN (alone or merged with the
// ACK of the first FIN).
func IsSecondFIN(evs []session.Event, i int) bool {
	n := evs[i].Note
	return segment(&evs[i]) && (n == session.NoteSecondFIN || n == session.NoteFINACK3Way || n == session.NoteSimultaneousFIN)
}

// IsFinalACK matches the ACK of the last FIN: its sender enters TIME-WAIT.
func IsFinalACK(evs []session.Event, i int) bool {
	n := evs[i].Note
	return segment(&evs[i]) && (n == session.NoteFinalACK || n == session.NoteClosingACK)
}

// IsRST matches a reset.
func IsRST(evs []session.Event, i int) bool {
	return segment(&evs[i]) && evs[i].Seg.Flags.Has(capture.RST)
}

// IsRetransmission matches bytes (or a SYN/FIN) sent again.
func IsRetransmission(evs []session.Event, i int) bool {
	return segment(&evs[i]) && evs[i].Analysis.Has(session.Retransmission)
}

// IsDatagram matches a UDP datagram.
func IsDatagram(evs []session.Event, i int) bool { return evs[i].Kind == session.KindDatagram }

// IsZeroWindow matches a segment advertising a zero receive window.
func IsZeroWindow(evs []session.Event, i int) bool {
	return segment(&evs[i]) && evs[i].Analysis.Has(session.ZeroWindow)
}

// IsKeepAlive matches a keep-alive probe.
func IsKeepAlive(evs []session.Event, i int) bool {
	return segment(&evs[i]) && evs[i].Analysis.Has(session.KeepAlive)
}

// Any matches an event that one of ps matches.
func Any(ps ...Predicate) Predicate {
	return func(evs []session.Event, i int) bool {
		for _, p := range ps {
			if p(evs, i) {
				return true
			}
		}
		return false
	}
}

func sawBefore(evs []session.Event, i int, f func(*session.Event) bool) bool {
	for j := 0; j < i; j++ {
		if evs[j].Kind == session.KindSegment && f(&evs[j]) {
			return true
		}
	}
	return false
}
