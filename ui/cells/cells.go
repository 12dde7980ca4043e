package cells

import (
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/uniseg"
)

// PrintAt writes str at (x, y) clipped to maxW cells and returns the cells
// used. A wide character's right half is written as a blank of style st.
func PrintAt(s tcell.Screen, x, y, maxW int, str string, st tcell.Style) int {
	used := 0
	state := -1
	for str != "" && used < maxW {
		var cl string
		var w int
		cl, str, w, state = uniseg.FirstGraphemeClusterInString(str, state)
		if w == 0 {
			continue
		}
		if used+w > maxW {
			break
		}
		s.Put(x+used, y, cl, st)
		for i := 1; i < w; i++ {
			s.Put(x+used+i, y, " ", st) // the wide character's right half
		}
		used += w
	}
	return used
}

// Width is the number of cells str takes.
func Width(str string) int { return uniseg.StringWidth(str) }

// Fit cuts s to w cells, ending it with "…" when it is cut; nothing fits
// in no cells.
func Fit(s string, w int) string {
	if Width(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	var b strings.Builder
	used, state := 0, -1
	for s != "" {
		var cl string
		var cw int
		cl, s, cw, state = uniseg.FirstGraphemeClusterInString(s, state)
		if used+cw > w-1 {
			break
		}
		b.WriteString(cl)
		used += cw
	}
	b.WriteString("…")
	return b.String()
}
