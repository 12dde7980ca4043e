package narrate

import (
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

func TestExplainCallSaysWhyConnectAndAcceptReturnWhenTheyDo(t *testing.T) {
	for _, tc := range []struct {
		call session.Call
		want string
	}{
		{session.Call{Side: session.FromClient, Call: session.CallConnect, Phase: session.CallReturn, Result: "ok"}, "SYN-ACK has arrived"},
		{session.Call{Side: session.FromServer, Call: session.CallAccept, Phase: session.CallReturn, Result: "ok"}, "third ACK"},
		{session.Call{Side: session.FromClient, Call: session.CallConnect, Phase: session.CallReturn, Result: "ECONNREFUSED"}, "connect() fails on the client with ECONNREFUSED"},
		{session.Call{Side: session.FromServer, Call: session.CallRecv, Phase: session.CallReturn, Result: "ok", Bytes: 5}, "recv() returns on the server: 5 bytes"},
		{session.Call{Side: session.FromServer, Call: session.CallRecv, Phase: session.CallReturn, Result: "ok"}, "peer's FIN arrived"},
		{session.Call{Side: session.FromClient, Call: session.CallSend, Phase: session.CallEnter}, "The client calls send()"},
		{session.Call{Side: session.FromServer, Call: session.CallClose, Phase: session.CallEnter}, "The server calls close(): its kernel sends a FIN"},
	} {
		ev := session.Event{Kind: session.KindCall, Call: tc.call}
		if got := ExplainCall(English, &ev); !strings.Contains(got, tc.want) {
			t.Errorf("%v %v %v: %q, want it to say %q", tc.call.Side, tc.call.Call, tc.call.Phase, got, tc.want)
		}
		if zh := ExplainCall(Chinese, &ev); zh == "" || zh == ExplainCall(English, &ev) || strings.Contains(zh, "%!") {
			t.Errorf("%v %v: Chinese narration %q", tc.call.Call, tc.call.Phase, zh)
		}
	}
}

func TestExplainCallOnAUDPSocketSendsNoFIN(t *testing.T) {
	ev := session.Event{Kind: session.KindCall, Call: session.Call{Side: session.FromClient, Call: session.CallClose, Phase: session.CallEnter}}
	ev.Seg.Proto = capture.ProtoUDP
	got := ExplainCall(English, &ev)
	if strings.Contains(got, "FIN") || !strings.Contains(got, "nothing is sent") {
		t.Errorf("UDP close(): %q", got)
	}
	ev.Call = session.Call{Side: session.FromServer, Call: session.CallRecv, Phase: session.CallReturn, Result: "ok", Bytes: 0}
	if got := ExplainCall(English, &ev); strings.Contains(got, "FIN") {
		t.Errorf("UDP recv() of an empty datagram: %q", got)
	}
}

// Every socket call's narration, on either end, entering or returning with
// any kind of result, on a TCP or a UDP socket, in both languages, is a
// whole sentence: no verb of the format left unfilled or extra argument
// ("%!(EXTRA string=client)" once ended connect()'s note).
func TestExplainCallFillsEveryFormatExactly(t *testing.T) {
	for call := session.CallSocket; call <= session.CallClose; call++ {
		for _, side := range []session.Dir{session.FromClient, session.FromServer} {
			for _, phase := range []session.CallPhase{session.CallEnter, session.CallReturn} {
				for _, res := range []struct {
					result string
					bytes  int
				}{{"ok", 0}, {"ok", 5}, {"", 0}, {"ECONNRESET", 0}, {"ECONNREFUSED", 0}, {"EPIPE", 0}} {
					for _, proto := range []capture.Proto{capture.ProtoTCP, capture.ProtoUDP} {
						ev := session.Event{Kind: session.KindCall, Call: session.Call{Side: side, Call: call, Phase: phase, Result: res.result, Bytes: res.bytes}}
						ev.Seg.Proto = proto
						for _, lang := range []Lang{English, Chinese} {
							if got := ExplainCall(lang, &ev); got == "" || strings.Contains(got, "%!") || strings.Contains(got, "%[") {
								t.Errorf("%v %v %v %v result %q bytes %d, %v: %q", proto, side, call, phase, res.result, res.bytes, lang, got)
							}
						}
					}
				}
			}
		}
	}
}
