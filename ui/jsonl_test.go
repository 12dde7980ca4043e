package ui

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

func TestJSONCallAndDatagramLinesCarryTheirOwnFieldsOnly(t *testing.T) {
	var b bytes.Buffer
	w := NewJSONWriter(&b, narrate.English, false)
	tl := compareTimeline()
	udp := tl.At(tl.Len() - 2)
	ret := session.Event{Kind: session.KindCall, Stream: 0, Client: session.Established, Server: session.Established,
		Call: session.Call{Side: session.FromClient, Call: session.CallRecv, Phase: session.CallReturn, Result: "ok", Bytes: 27}}
	ret.Seg.TimeNS = laddertest.T0
	refused := ret
	refused.Call = session.Call{Side: session.FromClient, Call: session.CallConnect, Phase: session.CallReturn, Result: "ECONNREFUSED"}
	for _, ev := range []session.Event{udp, ret, refused} {
		if err := w.WriteEvent(ev, laddertest.StreamInfo(0)); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	var d, c, e map[string]any
	for i, m := range []*map[string]any{&d, &c, &e} {
		if err := json.Unmarshal([]byte(lines[i]), m); err != nil {
			t.Fatal(err)
		}
	}
	if d["kind"] != "datagram" || d["len"] != 5.0 || d["from"] != "client" || d["n"] != 20.0 {
		t.Errorf("datagram line %v", d)
	}
	for _, k := range []string{"seq", "ack", "flags", "client_state", "phase"} {
		if _, ok := d[k]; ok {
			t.Errorf("a datagram has no %s: %v", k, d)
		}
	}
	if c["kind"] != "call" || c["side"] != "client" || c["call"] != "recv" || c["phase"] != "return" || c["result"] != "ok" || c["bytes"] != 27.0 {
		t.Errorf("call line %v", c)
	}
	if e["result"] != "ECONNREFUSED" || e["bytes"] != nil || !strings.Contains(e["note"].(string), "ECONNREFUSED") {
		t.Errorf("refused connect line %v", e)
	}
}

func TestNoticeFillsTheNarrationUntilAPacketIsSelected(t *testing.T) {
	tl, store := recordedFixture(t)
	opts := demoOpts
	opts.Notice = "What to notice: where connect() returns."
	opts.StartPaused = true
	s, sim := newTestScreenWith(t, tl, store, opts)
	if out := render(s, sim); !strings.Contains(out, opts.Notice) {
		t.Errorf("the notice is not in the narration pane before the first packet:\n%s", out)
	}
	s.player.Select(0)
	s.sync()
	if out := render(s, sim); strings.Contains(out, opts.Notice) {
		t.Errorf("the notice stays after a packet is selected:\n%s", out)
	}
}
