package exchange

import (
	"errors"
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// dropped matches a segment the wire dropped.
func dropped(ev *session.Event) bool {
	return ev.Kind == session.KindSegment && ev.Seg.Verdict == capture.Dropped
}

// and matches what every f matches.
func and(fs ...func(*session.Event) bool) func(*session.Event) bool {
	return func(ev *session.Event) bool {
		for _, f := range fs {
			if !f(ev) {
				return false
			}
		}
		return true
	}
}

func not(f func(*session.Event) bool) func(*session.Event) bool {
	return func(ev *session.Event) bool { return !f(ev) }
}

// retransmitted matches a segment the Tracker marks as a retransmission.
func retransmitted(ev *session.Event) bool {
	return ev.Kind == session.KindSegment && ev.Analysis&session.Retransmission != 0
}

// lostThenResent finds the first dropped segment matching m and the next
// passed one matching m, which must be marked as a retransmission; it
// returns both positions in Events.
func lostThenResent(tr Trace, m func(*session.Event) bool, what string) (lost, again int, err error) {
	lost = tr.Index(-1, and(m, dropped))
	if lost < 0 {
		return -1, -1, fmt.Errorf("no %s was dropped by the wire", what)
	}
	again = tr.Index(lost, and(m, not(dropped)))
	if again < 0 {
		return lost, -1, fmt.Errorf("the dropped %s (event %d) was never sent again", what, lost)
	}
	if !retransmitted(&tr.Events[again]) {
		return lost, again, fmt.Errorf("the %s sent again (event %d) is not marked as a retransmission: %v", what, again, tr.Events[again].Analysis.Names())
	}
	return lost, again, nil
}

// lastSegment returns the trace's last segment event.
func lastSegment(tr Trace) (session.Event, error) {
	segs := tr.Segments()
	if len(segs) == 0 {
		return session.Event{}, errors.New("no segments")
	}
	return segs[len(segs)-1], nil
}

// endsLikeTheLoop: a four-way close whose final ACK leaves the server
// CLOSED with the client in TIME-WAIT. (A late copy of the server's FIN,
// sent again before the final ACK arrived, may still come after its socket
// is gone: the server answers the client's ACK of it with RST, which ends
// the client's TIME-WAIT early, RFC 1337's hazard; the trace may go on
// past this point.)
func endsLikeTheLoop(tr Trace) error {
	i := tr.Index(-1, func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.Server == session.Closed && ev.Close != session.CloseOpen
	})
	if i < 0 {
		last, err := lastSegment(tr)
		if err != nil {
			return err
		}
		return fmt.Errorf("the server never closed: after the last segment close %v, client %v, server %v", last.Close, last.Client, last.Server)
	}
	if ev := tr.Events[i]; ev.Close != session.CloseFIN4 || ev.Client != session.TimeWait {
		return fmt.Errorf("when the server closed (event %d): close %v, client %v; want fin4 with the client in TIME-WAIT", i, ev.Close, ev.Client)
	}
	return nil
}

// completed checks the handshake completed (after whatever was lost).
func completed(tr Trace, want session.HandshakeKind) error {
	i := tr.Index(-1, func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.Handshake == want && ev.Client == session.Established && ev.Server == session.Established
	})
	if i < 0 {
		return fmt.Errorf("the handshake never completed (%v, both ends ESTABLISHED)", want)
	}
	return nil
}

// sigLostSYN: the first SYN is dropped, the client (SYN-SENT) sends it
// again after its retransmission timeout (1 s), and the second SYN opens
// a complete handshake; the server was LISTEN until then.
func sigLostSYN(tr Trace) error {
	lost, again, err := lostThenResent(tr, Flags(c, capture.SYN), "SYN")
	if err != nil {
		return err
	}
	if ev := tr.Events[lost]; ev.Client != session.SynSent || ev.Server != session.Listen {
		return fmt.Errorf("after the dropped SYN: client %v, server %v; want SYN-SENT, LISTEN", ev.Client, ev.Server)
	}
	if tr.Index(-1, HasFlag(s, capture.SYN)) < again {
		return errors.New("the server answered before the second SYN")
	}
	if err := completed(tr, session.HandshakeComplete); err != nil {
		return err
	}
	return endsLikeTheLoop(tr)
}

// sigLostSYNACK: the SYN-ACK is dropped; the client stays SYN-SENT, a
// SYN-ACK comes again (the server's timer, or its answer to the client's
// second SYN) and completes the handshake.
func sigLostSYNACK(tr Trace) error {
	synack := Flags(s, capture.SYN|capture.ACK)
	lost, _, err := lostThenResent(tr, synack, "SYN-ACK")
	if err != nil {
		return err
	}
	if ev := tr.Events[lost]; ev.Client != session.SynSent || ev.Server != session.SynReceived {
		return fmt.Errorf("after the dropped SYN-ACK: client %v, server %v; want SYN-SENT, SYN-RECEIVED", ev.Client, ev.Server)
	}
	if err := completed(tr, session.HandshakeComplete); err != nil {
		return err
	}
	return endsLikeTheLoop(tr)
}

// sigLostACK: the handshake's third ACK is dropped; the client is
// ESTABLISHED and sends data while the server is still SYN-RECEIVED; that
// data's arrival (it acknowledges the SYN-ACK again) makes the server
// ESTABLISHED, and only then does accept return.
func sigLostACK(tr Trace) error {
	lost := tr.Index(-1, and(Flags(c, capture.ACK), dropped))
	if lost < 0 {
		return errors.New("the third ACK was not dropped")
	}
	if ev := tr.Events[lost]; ev.Client != session.Established || ev.Server != session.SynReceived {
		return fmt.Errorf("after the dropped ACK: client %v, server %v; want ESTABLISHED, SYN-RECEIVED", ev.Client, ev.Server)
	}
	data := tr.Index(lost, func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.From == c && ev.Seg.PayloadLen > 0
	})
	est := tr.Index(-1, func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.Server == session.Established
	})
	if data < 0 || est != data {
		return fmt.Errorf("the server is first ESTABLISHED at event %d, want the client's first data segment (event %d)", est, data)
	}
	if tr.Events[data-1].Kind == session.KindSegment && tr.Events[data-1].Server != session.SynReceived {
		return errors.New("the server was not SYN-RECEIVED before the client's data arrived")
	}
	if tr.Calls() != nil {
		if err := tr.After(Flags(c, capture.PSH|capture.ACK), CallIs(s, session.CallAccept, session.CallReturn), "accept returns after the client's data"); err != nil {
			return err
		}
	}
	return endsLikeTheLoop(tr)
}

// sigLostData: one data segment of a burst is dropped; the later ones
// draw duplicate ACKs from the server, and the client retransmits the
// lost one (fast, after the duplicate ACKs); the close is the loop's.
func sigLostData(tr Trace) error {
	isData := func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.From == c && ev.Seg.PayloadLen > 0
	}
	lost := tr.Index(-1, and(isData, dropped))
	if lost < 0 {
		return errors.New("no client data segment was dropped")
	}
	seq := tr.Events[lost].Seg.Seq
	again := tr.Index(lost, func(ev *session.Event) bool { return isData(ev) && ev.Seg.Seq == seq && !dropped(ev) })
	if again < 0 {
		return fmt.Errorf("the dropped segment (event %d, seq %d) was never sent again", lost, seq)
	}
	if !retransmitted(&tr.Events[again]) {
		return fmt.Errorf("the segment sent again (event %d) is not marked as a retransmission: %v", again, tr.Events[again].Analysis.Names())
	}
	// Duplicate ACKs in RFC 6675's sense: pure ACKs that keep asking for
	// the lost bytes, each with SACK blocks of what arrived after them.
	// (Wireshark marks them dup_ack only while the window stays the same;
	// a receiver whose buffer grows marks some as window updates.)
	dups := 0
	for i := lost + 1; i < again; i++ {
		if ev := &tr.Events[i]; ev.Kind == session.KindSegment && ev.From == s && ev.Seg.PayloadLen == 0 &&
			ev.Seg.Flags == capture.ACK && ev.Seg.Ack == seq {
			dups++
		}
	}
	if dups < 2 {
		return fmt.Errorf("%d duplicate ACKs (acknowledging the lost segment's sequence number) before the retransmission, want at least 2", dups)
	}
	syn, synack := tr.Index(-1, Flags(c, capture.SYN)), tr.Index(-1, Flags(s, capture.SYN|capture.ACK))
	if syn < 0 || synack < 0 || !tr.Events[syn].Seg.Options.SACKPermitted || !tr.Events[synack].Seg.Options.SACKPermitted {
		return errors.New("SACK was not negotiated (SACK-permitted in both SYNs)")
	}
	return endsLikeTheLoop(tr)
}

// sigLostFIN: the client's FIN is dropped: the client is FIN-WAIT-1, the
// server still ESTABLISHED; the FIN sent again makes it CLOSE-WAIT.
func sigLostFIN(tr Trace) error {
	lost, again, err := lostThenResent(tr, HasFlag(c, capture.FIN), "client FIN")
	if err != nil {
		return err
	}
	if ev := tr.Events[lost]; ev.Client != session.FinWait1 || ev.Server != session.Established {
		return fmt.Errorf("after the dropped FIN: client %v, server %v; want FIN-WAIT-1, ESTABLISHED", ev.Client, ev.Server)
	}
	if ev := tr.Events[again]; ev.Server != session.CloseWait {
		return fmt.Errorf("after the FIN sent again: server %v, want CLOSE-WAIT", ev.Server)
	}
	return endsLikeTheLoop(tr)
}

// sigLostFinalACK: the client's ACK of the server's FIN is dropped: the
// client is already TIME-WAIT, the server stays LAST-ACK and sends its FIN
// again; the client, still in TIME-WAIT (this is why it waits), ACKs
// again and the server is CLOSED.
func sigLostFinalACK(tr Trace) error {
	lost := tr.Index(-1, and(Flags(c, capture.ACK), dropped))
	if lost < 0 {
		return errors.New("the final ACK was not dropped")
	}
	if ev := tr.Events[lost]; ev.Client != session.TimeWait || ev.Server != session.LastAck {
		return fmt.Errorf("after the dropped ACK: client %v, server %v; want TIME-WAIT, LAST-ACK", ev.Client, ev.Server)
	}
	if n := tr.Count(HasFlag(s, capture.FIN)); n < 2 {
		return fmt.Errorf("the server sent %d FINs, want its FIN twice", n)
	}
	again := tr.Index(lost, HasFlag(s, capture.FIN))
	if again < 0 || !retransmitted(&tr.Events[again]) {
		return errors.New("the server's FIN after the lost ACK is missing or not a retransmission")
	}
	if ev := tr.Events[again]; ev.Client != session.TimeWait {
		return fmt.Errorf("when the FIN came again the client was %v, want TIME-WAIT", ev.Client)
	}
	return endsLikeTheLoop(tr)
}

// sigFiltered: every SYN is dropped, the client sends it at least twice,
// nothing answers, and connect returns ETIMEDOUT after the last SYN.
func sigFiltered(tr Trace) error {
	segs := tr.Segments()
	if len(segs) < 2 {
		return fmt.Errorf("%d segments, want the SYN and at least one retransmission", len(segs))
	}
	for i, ev := range segs {
		if ev.From != c || ev.Seg.Flags != capture.SYN || ev.Seg.Verdict != capture.Dropped {
			return fmt.Errorf("segment %d is %v %v %v, want only dropped SYNs from the client", i+1, ev.From, ev.Seg.Flags, ev.Seg.Verdict)
		}
		if i > 0 && !retransmitted(&ev) {
			return fmt.Errorf("SYN %d is not marked as a retransmission", i+1)
		}
	}
	if last := segs[len(segs)-1]; last.Client != session.SynSent || last.Server != session.Listen {
		return fmt.Errorf("after the last SYN: client %v, server %v; want SYN-SENT, LISTEN", last.Client, last.Server)
	}
	if calls := tr.Calls(); calls != nil {
		ret := tr.Index(-1, CallIs(c, session.CallConnect, session.CallReturn))
		if ret < 0 || tr.Events[ret].Call.Result != "ETIMEDOUT" {
			return errors.New("connect did not return ETIMEDOUT")
		}
		if ret < tr.Index(-1, func(ev *session.Event) bool {
			return ev.Kind == session.KindSegment && ev.Seg.Frame == segs[len(segs)-1].Seg.Frame
		}) {
			return errors.New("connect returned before the last SYN")
		}
	}
	return nil
}

// sigSimultaneousOpen: both ends send a SYN before the other's arrives;
// both are SYN-RECEIVED, then ESTABLISHED (handshake "simultaneous"); then
// the loop's close.
func sigSimultaneousOpen(tr Trace) error {
	if tr.Index(-1, Flags(c, capture.SYN)) < 0 || tr.Index(-1, Flags(s, capture.SYN)) < 0 {
		return errors.New("want a SYN without ACK from both ends")
	}
	both := tr.Index(-1, func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.Client == session.SynReceived && ev.Server == session.SynReceived
	})
	if both < 0 {
		return errors.New("the two ends were never SYN-RECEIVED at once")
	}
	if tr.Count(HasFlag(c, capture.SYN|capture.ACK)) == 0 {
		return errors.New("the client never sent a SYN-ACK (each end answers the other's SYN)")
	}
	if err := completed(tr, session.HandshakeSimultaneous); err != nil {
		return err
	}
	if tr.Calls() != nil && tr.Index(-1, CallIs(s, session.CallAccept, session.CallEnter)) >= 0 {
		return errors.New("the server called accept: a simultaneous open has no listener")
	}
	return endsLikeTheLoop(tr)
}

// sigSimultaneousClose: the FINs cross; both ends go through CLOSING and
// end in TIME-WAIT (close "simultaneous", closed by both).
func sigSimultaneousClose(tr Trace) error {
	if err := handshake(tr); err != nil {
		return err
	}
	closing := func(d session.Dir) bool {
		return tr.Index(-1, func(ev *session.Event) bool {
			st := ev.Client
			if d == s {
				st = ev.Server
			}
			return ev.Kind == session.KindSegment && st == session.Closing
		}) >= 0
	}
	if !closing(c) || !closing(s) {
		return fmt.Errorf("CLOSING: client %v, server %v; want both", closing(c), closing(s))
	}
	i := tr.Index(-1, func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.Client == session.TimeWait && ev.Server == session.TimeWait
	})
	if i < 0 {
		return errors.New("the two ends were never both in TIME-WAIT")
	}
	if ev := tr.Events[i]; ev.Close != session.CloseSimultaneous {
		return fmt.Errorf("close %v, want simultaneous", ev.Close)
	}
	return nil
}
