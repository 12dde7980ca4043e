package cells

import (
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// cell is the text of cell (x, 0).
func cell(sim tcell.SimulationScreen, x int) string {
	str, _, _ := sim.Get(x, 0)
	return str
}

func TestPrintAtBlanksTheRightHalfOfAWideCharacter(t *testing.T) {
	sim := laddertest.NewSim(t, 10, 1)
	PrintAt(sim, 0, 0, 10, "abcd", tcell.StyleDefault)
	if n := PrintAt(sim, 0, 0, 10, "中", tcell.StyleDefault); n != 2 {
		t.Fatalf("中 took %d cells, want 2", n)
	}
	// A narrow character over the wide one's left half: what was under
	// the right half before the wide character must not show again.
	PrintAt(sim, 0, 0, 1, "x", tcell.StyleDefault)
	if got := cell(sim, 0) + cell(sim, 1) + cell(sim, 2); got != "x c" {
		t.Errorf("cells 0..2 = %q, want %q (b under the wide character's right half shows through)", got, "x c")
	}
}

func TestPrintAtNeverSplitsAWideCharacterAtTheClip(t *testing.T) {
	sim := laddertest.NewSim(t, 10, 1)
	if n := PrintAt(sim, 0, 0, 3, "中文", tcell.StyleDefault); n != 2 {
		t.Errorf("中文 in 3 cells used %d, want 2 (the second character does not fit)", n)
	}
	if got := cell(sim, 2); got != " " {
		t.Errorf("cell 2 = %q, want blank", got)
	}
	if n := PrintAt(sim, 0, 0, 10, "e\u0301!", tcell.StyleDefault); n != 2 {
		t.Errorf("e + combining acute + ! used %d cells, want 2", n)
	}
}

func TestFitCutsByCellsWithAnEllipsis(t *testing.T) {
	for _, c := range []struct {
		s    string
		w    int
		want string
	}{
		{"hello", 5, "hello"},
		{"hello", 4, "hel…"},
		{"hello", 1, "…"},
		{"hello", 0, ""},
		{"三次握手", 8, "三次握手"},
		{"三次握手", 7, "三次握…"},
		{"三次握手", 6, "三次…"},
		{"e\u0301te\u0301", 2, "e\u0301…"},
	} {
		got := Fit(c.s, c.w)
		if got != c.want {
			t.Errorf("Fit(%q, %d) = %q, want %q", c.s, c.w, got, c.want)
		}
		if Width(got) > max(c.w, 0) {
			t.Errorf("Fit(%q, %d) = %q takes %d cells", c.s, c.w, got, Width(got))
		}
	}
}
