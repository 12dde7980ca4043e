package interview

import (
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/ui/cells"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// Styles of the interview screens (named colours, as the ladder's theme).
var (
	styleNormal = tcell.StyleDefault
	styleDim    = tcell.StyleDefault.Foreground(tcell.ColorGray)
	styleTitle  = tcell.StyleDefault.Foreground(tcell.ColorAqua).Bold(true)
	styleMark   = tcell.StyleDefault.Foreground(tcell.ColorYellow).Bold(true)
	styleRight  = tcell.StyleDefault.Foreground(tcell.ColorGreen).Bold(true)
	styleWrong  = tcell.StyleDefault.Foreground(tcell.ColorRed).Bold(true)
	styleBar    = tcell.StyleDefault.Foreground(tcell.ColorGray)
	styleHi     = tcell.StyleDefault.Reverse(true)
)

func wrapText(text string, w int) []string { return ladder.Wrap(text, w) }

// styledLine is one line of a pane with its style.
type styledLine struct {
	text string
	st   tcell.Style
}

// pane draws a bordered box titled title at (x, y, w, h) and its lines
// inside, one cell from the border; lines beyond the box are cut, the
// last shown then ending with "…".
func pane(screen tcell.Screen, x, y, w, h int, title string, lines []styledLine) {
	if w < 4 || h < 2 {
		return
	}
	b := tview.NewBox().SetBorder(true)
	if title != "" {
		b.SetTitle(" " + cells.Fit(title, w-4) + " ").SetTitleAlign(tview.AlignLeft)
	}
	b.SetRect(x, y, w, h)
	b.Draw(screen)
	ix, iy, iw, ih := b.GetInnerRect()
	for i, l := range lines {
		if i >= ih {
			break
		}
		text := l.text
		if i == ih-1 && len(lines) > ih {
			text = cells.Fit(text+" …", iw-2)
		}
		cells.PrintAt(screen, ix+1, iy+i, iw-2, text, l.st)
	}
}

// wrapped wraps text to w cells as lines of one style.
func wrapped(text string, w int, st tcell.Style) []styledLine {
	var out []styledLine
	for _, l := range wrapText(text, w) {
		out = append(out, styledLine{l, st})
	}
	return out
}
