package ui

import (
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/session/narrate"
)

func TestNarrationOfAnArrowSaysTheSocketCallsAroundIt(t *testing.T) {
	tl := rowsTimeline()
	_, l := newView(tl)
	syn := withCalls(narrate.English, l, tl.At, 0, "SYN.")
	if !strings.HasPrefix(syn, "The client calls connect()") || !strings.Contains(syn, "SYN.") {
		t.Errorf("the first arrow's narration %q must start with the connect() call before it", syn)
	}
	synack := withCalls(narrate.English, l, tl.At, 1, "SYN-ACK.")
	if !strings.HasPrefix(synack, "SYN-ACK.") || !strings.Contains(synack, "connect() returns on the client") {
		t.Errorf("the SYN-ACK's narration %q must go on with connect() returning after it", synack)
	}
	third := withCalls(narrate.English, l, tl.At, 2, "ACK.")
	if !strings.Contains(third, "accept() returns on the server") || strings.Contains(third, "connect()") {
		t.Errorf("the third ACK's narration %q must say accept() returns, and only that", third)
	}
	if got := withCalls(narrate.English, l, tl.At, 4, "ACK 6."); got != "ACK 6." {
		t.Errorf("an arrow with no call after it: %q", got)
	}
}
