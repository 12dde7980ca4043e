package ui

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
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

// With NO_COLOR set no cell has a colour, and what colour told apart is
// told by attributes: the selected arrow bold, the arrows not played yet
// dim, the banner reversed.
func TestNoColorScreenUsesAttributesInsteadOfColours(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	tl, store := recordedFixture(t)
	s, sim := newTestScreenWith(t, tl, store, demoOpts)
	s.player.Select(2) // the third ACK: arrows 4… are not played yet
	s.sync()
	render(s, sim)
	w, h := sim.Size()
	var bold, dim, reverse int
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			_, st, _ := sim.Get(x, y)
			fg, bg, attr := st.Decompose()
			if fg != tcell.ColorDefault || bg != tcell.ColorDefault {
				t.Fatalf("cell (%d,%d) has colours %v on %v with NO_COLOR set", x, y, fg, bg)
			}
			bold += b2i(attr&tcell.AttrBold != 0)
			dim += b2i(attr&tcell.AttrDim != 0)
			reverse += b2i(attr&tcell.AttrReverse != 0)
		}
	}
	if bold == 0 || dim == 0 || reverse == 0 {
		t.Errorf("bold %d, dim %d, reverse %d cells: each must be used without colours", bold, dim, reverse)
	}
	// The later arrows are dim; the selected one is bold.
	v, l := s.ladder, s.ladder.layout
	wireStyle := func(k int) tcell.Style {
		y := arrowY(v, l, k)
		for x := 0; x < w; x++ {
			if str, st, _ := sim.Get(x, y); str == "─" {
				return st
			}
		}
		t.Fatalf("arrow %d has no wire on its line %d", k+1, y)
		return tcell.StyleDefault
	}
	if !hasAttr(wireStyle(5), tcell.AttrDim) {
		t.Errorf("arrow 6, not played yet, is not dim")
	}
	if !hasAttr(wireStyle(2), tcell.AttrBold) {
		t.Errorf("the selected arrow 3 is not bold")
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func hasAttr(st tcell.Style, a tcell.AttrMask) bool {
	_, _, attr := st.Decompose()
	return attr&a != 0
}
