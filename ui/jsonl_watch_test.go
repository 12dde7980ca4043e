package ui

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

func TestWatchJSONLinesCarryTheProcessOnlyWhenKnown(t *testing.T) {
	var sb strings.Builder
	jw := NewJSONWriter(&sb, narrate.English, false)
	ev := session.Event{Kind: session.KindSegment, Stream: 2, Seg: capture.Segment{Flags: capture.SYN, Frame: 1}}
	info := session.StreamInfo{Index: 2, Client: netip.MustParseAddrPort("127.0.0.1:40000"), Server: netip.MustParseAddrPort("127.0.0.1:443")}
	known := session.LiveConn{PID: 4242, Process: "curl"}
	server := session.LiveConn{PID: 1, Process: "nginx", ServerSide: true}
	for _, err := range []error{
		jw.WriteLiveEvent(&ev, info, session.LiveConn{}),
		jw.WriteLiveEvent(&ev, info, known),
		jw.WriteProcess(2, server),
		jw.WriteProcess(3, session.LiveConn{}), // nothing known: no line
		jw.WriteLiveSummary(session.StreamSummary{Index: 2}, known),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSpace(sb.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4:\n%s", len(lines), sb.String())
	}
	var m []map[string]any
	for _, l := range lines {
		var x map[string]any
		if err := json.Unmarshal([]byte(l), &x); err != nil {
			t.Fatal(err)
		}
		m = append(m, x)
	}
	if _, ok := m[0]["process"]; ok {
		t.Errorf("an unknown process was written: %s", lines[0])
	}
	for i, want := range []string{`"process":{"pid":4242,"name":"curl","end":"client"}`, `{"kind":"process","stream":2,"process":{"pid":1,"name":"nginx","end":"server"}}`, `"process":{"pid":4242,"name":"curl","end":"client"}`} {
		if !strings.Contains(lines[i+1], want) {
			t.Errorf("line %d %s, want it to hold %s", i+2, lines[i+1], want)
		}
	}
	if m[1]["stream"].(float64) != 2 || m[3]["kind"] != "summary" {
		t.Errorf("stream index or summary kind wrong: %v / %v", m[1]["stream"], m[3]["kind"])
	}
}
