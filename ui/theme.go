package ui

import (
	"fmt"
	"os"

	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/ui/ladder"

	"github.com/gdamore/tcell/v2"
	"github.com/handshake-viz/handshake-viz/ui/cells"
)

// Theme holds the styles of the ladder screen.
type Theme struct {
	Normal      tcell.Style
	Dim         tcell.Style
	Client      tcell.Style // arrows the client sent
	Server      tcell.Style // arrows the server sent
	Selected    tcell.Style // the selected arrow and its label
	ConnHeader  tcell.Style
	PhaseHeader tcell.Style
	Lifeline    tcell.Style
	Changed     tcell.Style // a state that changed with the selected packet
	Banner      tcell.Style
	Warn        tcell.Style
	Highlight   tcell.Style // the selected header and its bytes
	HelpBar     tcell.Style
	Border      tcell.Style
}

// DefaultTheme returns the styles of the screens: NoColorTheme when the
// NO_COLOR environment variable is set (https://no-color.org), else
// ColorTheme.
func DefaultTheme() Theme {
	if os.Getenv("NO_COLOR") != "" {
		return NoColorTheme()
	}
	return ColorTheme()
}

// ColorTheme returns the styles used on a dark or light terminal: named
// colours only, so the terminal's palette decides the exact shades.
func ColorTheme() Theme {
	base := tcell.StyleDefault
	return Theme{
		Normal:      base,
		Dim:         base.Foreground(tcell.ColorGray),
		Client:      base.Foreground(tcell.ColorGreen),
		Server:      base.Foreground(tcell.ColorTeal),
		Selected:    base.Foreground(tcell.ColorYellow).Bold(true),
		ConnHeader:  base.Foreground(tcell.ColorFuchsia).Bold(true),
		PhaseHeader: base.Foreground(tcell.ColorAqua),
		Lifeline:    base.Foreground(tcell.ColorGray),
		Changed:     base.Foreground(tcell.ColorYellow).Bold(true),
		Banner:      base.Reverse(true),
		Warn:        base.Foreground(tcell.ColorRed).Bold(true),
		Highlight:   base.Reverse(true),
		HelpBar:     base.Foreground(tcell.ColorGray),
		Border:      base,
	}
}

// NoColorTheme returns styles without any colour: what the colours told
// apart is told by attributes — the selection and changed states bold,
// what is not played yet dim, headers and highlights reversed or
// underlined, warnings bold and reversed.
func NoColorTheme() Theme {
	base := tcell.StyleDefault
	return Theme{
		Normal:      base,
		Dim:         base.Dim(true),
		Client:      base,
		Server:      base,
		Selected:    base.Bold(true),
		ConnHeader:  base.Bold(true).Underline(true),
		PhaseHeader: base.Underline(true),
		Lifeline:    base,
		Changed:     base.Bold(true).Underline(true),
		Banner:      base.Reverse(true),
		Warn:        base.Bold(true).Reverse(true),
		Highlight:   base.Reverse(true),
		HelpBar:     base,
		Border:      base,
	}
}

// textWidth is the number of cells str takes.
func textWidth(str string) int { return cells.Width(str) }

// fill writes n copies of the one-cell string c from (x, y).
func fill(s tcell.Screen, x, y, n int, c string, st tcell.Style) {
	for i := 0; i < n; i++ {
		s.Put(x+i, y, c, st)
	}
}

// centered writes str centred in [x, x+w), padded with pad on both sides
// when pad is not "".
func centered(s tcell.Screen, x, y, w int, str string, pad string, st, padSt tcell.Style) {
	tw := min(textWidth(str), w)
	left := x + (w-tw)/2
	if pad != "" {
		fill(s, x, y, left-x, pad, padSt)
		fill(s, left+tw, y, x+w-left-tw, pad, padSt)
	}
	cells.PrintAt(s, left, y, tw, str, st)
}

// wrap breaks text into lines of at most w cells (ladder.Wrap: at spaces,
// between wide characters, never starting a line with Chinese punctuation).
func wrap(text string, w int) []string { return ladder.Wrap(text, w) }

// queueDraw runs f on the UI goroutine and redraws, returning once f ran
// or, false, once stop is closed. tview's QueueUpdateDraw waits until the
// event loop has run f: if the application never started (a terminal
// tcell cannot drive) or has already stopped, it would wait forever.
func queueDraw(app *tview.Application, stop <-chan struct{}, f func()) bool {
	done := make(chan struct{})
	go app.QueueUpdateDraw(func() {
		f()
		close(done)
	})
	select {
	case <-done:
		return true
	case <-stop:
		return false
	}
}

// screenError says why the terminal screen could not start, naming TERM
// when it is one tcell cannot drive, and what to use instead.
func screenError(err error, instead string) error {
	switch term := os.Getenv("TERM"); term {
	case "", "dumb":
		return fmt.Errorf("running the terminal screen: %w (TERM=%q cannot show it: use a terminal such as xterm, or %s)", err, term, instead)
	}
	return fmt.Errorf("running the terminal screen: %w (is this a terminal? %s)", err, instead)
}

// plainBox is a tview Box in the terminal's own colours: no background
// of tview's (black by default, wrong on a light terminal and a colour
// under NO_COLOR), borders and titles in the default foreground.
func plainBox() *tview.Box {
	b := tview.NewBox().SetBackgroundColor(tcell.ColorDefault).SetTitleColor(tcell.ColorDefault)
	b.SetBorderStyle(tcell.StyleDefault)
	return b
}
