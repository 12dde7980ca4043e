package ui

import (
	"strings"
	"testing"
)

// The three-way close of gopacket's test_ethernet.pcap, selected at the
// client's FIN,ACK (arrow 9): the server was FIN-WAIT-1 and gets the ACK of
// its FIN and the client's FIN at once, so it is TIME-WAIT; the client is
// LAST-ACK. The later arrow stays on the ladder, dimmed.
func TestScreenGoldenOfTheThreeWayCloseShowsTheServerInTimeWait(t *testing.T) {
	tl, store := fileFixture(t, corpusFile(t, "gopacket/test_ethernet.pcap"), 10)
	opts := demoOpts
	opts.Title = "handshake-viz · gopacket/test_ethernet.pcap"
	opts.Stream = 0
	s, sim := newTestScreenWith(t, tl, store, opts)
	s.player.Select(8)
	s.sync()
	out := render(s, sim)
	golden(t, "screen_three_way_close.golden", out)
	for _, want := range []string{"LAST-ACK", "TIME-WAIT", "Three-way close", "FIN, ACK Seq=73 Ack=380"} {
		if !strings.Contains(out, want) {
			t.Errorf("the screen at arrow 9 lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "FIN-WAIT-2") {
		t.Errorf("the screen at arrow 9 still shows FIN-WAIT-2 (the server is TIME-WAIT):\n%s", out)
	}
	// Arrow 10 is there (dimmed), not hidden.
	if !strings.Contains(out, "ACK Seq=380 Ack=74") {
		t.Errorf("the later arrow 10 is hidden:\n%s", out)
	}
}

// At 80×24 the 17 arrows of the demo do not fit: scrolled back up, the
// ladder shows the handshake again while the selection (the last arrow)
// stays selected, and the help bar still has its keys.
func TestScreenGoldenOfAScrolledLadderAt80x24(t *testing.T) {
	tl, store := recordedFixture(t)
	opts := demoOpts
	opts.Recorded = true
	s, sim := sizedScreen(t, tl, store, opts, 80, 24)
	s.player.End()
	s.sync()
	end := render(s, sim)
	if strings.Contains(end, "SYN Seq=0") {
		t.Fatalf("at the end of the demo the 80×24 ladder still shows the SYN; it does not scroll:\n%s", end)
	}
	s.PageLadder(-10)
	out := render(s, sim)
	golden(t, "screen_80x24_scrolled.golden", out)
	if !strings.Contains(out, "SYN Seq=0") {
		t.Errorf("scrolled to the top, the ladder lacks the SYN:\n%s", out)
	}
	if got := s.player.Selected(); got != 16 {
		t.Errorf("scrolling moved the selection to %d, want 16 (the last arrow)", got)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if bar := lines[len(lines)-1]; !strings.Contains(bar, "? keys") || !strings.Contains(bar, "q quit") {
		t.Errorf("help bar %q lost ? keys / q quit", bar)
	}
}
