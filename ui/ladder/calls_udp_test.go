package ladder

import (
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

func TestACallOnAUDPSocketGoesOnItsFlowNotOnTheTCPStreamOfTheSameIndex(t *testing.T) {
	dg := session.Event{Kind: session.KindDatagram, Stream: 0, Seg: capture.Segment{Proto: capture.ProtoUDP, PayloadLen: 5}}
	call := session.Event{Kind: session.KindCall, Stream: 0, Call: session.Call{Call: session.CallSend, Phase: session.CallReturn, Result: "ok", Bytes: 5}}
	call.Seg.Proto = capture.ProtoUDP
	tcpCall := call
	tcpCall.Seg.Proto = capture.ProtoTCP
	if NewLayout(session.KindSegment, 0).Accepts(&call) || !NewLayout(session.KindDatagram, 0).Accepts(&call) {
		t.Errorf("a UDP call must be on UDP flow 0's ladder only")
	}
	if !NewLayout(session.KindSegment, 0).Accepts(&tcpCall) {
		t.Errorf("a TCP call must be on TCP stream 0's ladder")
	}
	l := NewLayout(session.KindSegment, -1)
	l.Add(0, &dg, session.StreamInfo{})
	l.Add(1, &call, session.StreamInfo{})
	if l.Len() != 3 || l.Row(0).Kind != RowConnection || l.Row(2).Kind != RowCall || l.Row(2).Proto != session.KindDatagram {
		t.Errorf("rows: %d, want the flow's header, its datagram and the call under the same header", l.Len())
	}
}
