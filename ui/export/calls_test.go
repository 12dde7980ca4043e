package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// lossy is withCalls through a lossy wire: event 5 dropped, event 7
// delayed by 200 ms (the input of the lossy goldens).
func lossy(t *testing.T) Input {
	in := withCalls(t)
	in.Events[5].Seg.Verdict = capture.Dropped
	in.Events[7].Seg.Verdict, in.Events[7].Seg.DelayNS = capture.Delayed, 200e6
	return in
}

// withCalls is a real stream with the socket calls the demo's exchange
// records: the client's connect() before its SYN, the server's accept()
// after the handshake, and a kernel that disagrees once.
func withCalls(t *testing.T) Input {
	in := streamInput(t, "gopacket/test_ethernet.pcap", 0)
	evs := in.Events
	call := func(side session.Dir, c session.SocketCall, at int64) session.Event {
		return session.Event{Kind: session.KindCall, Stream: 0, From: side, Seg: capture.Segment{TimeNS: at},
			Call: session.Call{Side: side, Call: c, Phase: session.CallReturn, Result: "ok", TimeNS: at}}
	}
	out := []session.Event{call(session.FromClient, session.CallConnect, evs[0].Seg.TimeNS-1000)}
	out = append(out, evs[:3]...)
	out = append(out, call(session.FromServer, session.CallAccept, evs[2].Seg.TimeNS+1000))
	out = append(out, evs[3:]...)
	out[3].Kernel = session.KernelView{Known: true, Client: session.Established, Server: session.SynReceived}
	in.Events = out
	return in
}

func TestSocketCallsAndKernelDisagreementsAppearInEveryDiagram(t *testing.T) {
	in := withCalls(t)
	want := map[Format][]string{
		ASCII:    {"client ◆ connect() → ok", "server ◆ accept() → ok", "⚠ the kernel says: server SYN-RECEIVED"},
		Mermaid:  {"Note left of c0a: ◆ connect() → ok", "Note right of c0b: ◆ accept() → ok", "Note over c0a,c0b: ⚠ the kernel says#58; server SYN-RECEIVED"},
		PlantUML: {"note left of c0a : ◆ connect() → ok", "note right of c0b : ◆ accept() → ok", "note over c0a, c0b : ⚠ the kernel says: server SYN-RECEIVED"},
		SVG:      {">connect() → ok</text>", ">accept() → ok</text>", "⚠ the kernel says: server SYN-RECEIVED"},
		JSON:     {`"kind":"call"`},
		Cast:     {"client ◆ connect() → ok"},
	}
	for f := Format(0); f < formats; f++ {
		var b bytes.Buffer
		if err := Write(&b, f, in, Options{}); err != nil {
			t.Fatal(err)
		}
		for _, w := range want[f] {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s lacks %q", f, w)
			}
		}
		if f == SVG {
			decodeXML(t, b.Bytes())
		}
	}
}
