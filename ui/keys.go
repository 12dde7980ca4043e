package ui

import (
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// keyHelp lists the bindings of the ladder screen for the `?` modal: the
// catalog keys of the key names and of what they do.
var keyHelp = [...]struct{ name, desc narrate.Key }{
	{"ui.key.space", "ui.keydesc.space"},
	{"ui.key.step", "ui.keydesc.step"},
	{"ui.key.ends", "ui.keydesc.ends"},
	{"ui.key.replay", "ui.keydesc.replay"},
	{"ui.key.numbers", "ui.keydesc.numbers"},
	{"ui.key.layer", "ui.keydesc.layer"},
	{"ui.key.speed", "ui.keydesc.speed"},
	{"ui.key.mouse", "ui.keydesc.mouse"},
	{"ui.key.help", "ui.keydesc.help"},
	{"ui.key.quit", "ui.keydesc.quit"},
}

// HandleKey applies a key to the screen and reports whether it used it.
// Keys it does not use (Esc, for instance) are left to the embedding
// screen. Call it on the UI goroutine only (from an input handler); it
// never draws nor queues updates: tview redraws after the handler returns.
func (s *LadderScreen) HandleKey(ev *tcell.EventKey) bool {
	if s.helpShown {
		s.helpShown = false
		return true
	}
	p := s.player
	switch ev.Key() {
	case tcell.KeyRight:
		p.Step(1)
	case tcell.KeyLeft:
		p.Step(-1)
	case tcell.KeyHome:
		p.Home()
	case tcell.KeyEnd:
		p.End()
	case tcell.KeyTab, tcell.KeyDown:
		s.moveLayer(1)
	case tcell.KeyBacktab, tcell.KeyUp:
		s.moveLayer(-1)
	case tcell.KeyCtrlC:
		s.quit()
	case tcell.KeyRune:
		switch ev.Rune() {
		case ' ':
			p.Toggle()
		case 'r':
			p.Replay()
		case 'n':
			s.raw = !s.raw
		case '?':
			s.helpShown = true
		case '+', '=':
			p.Faster()
		case '-':
			p.Slower()
		case 'q':
			s.quit()
		default:
			return false
		}
	default:
		return false
	}
	s.sync()
	s.idle.Store(false)
	return true
}

// quit runs the quit function: by default it stops the animation and the
// application.
func (s *LadderScreen) quit() {
	if s.onQuit != nil {
		s.onQuit()
		return
	}
	s.Stop()
	if s.app != nil {
		s.app.Stop()
	}
}

// SetQuitFunc replaces what q and Ctrl-C do (by default: Stop, then stop
// the application). The function runs on the UI goroutine.
func (s *LadderScreen) SetQuitFunc(f func()) { s.onQuit = f }

// drawHelp draws the `?` modal listing every key, centred in the area.
func (s *LadderScreen) drawHelp(screen tcell.Screen, x, y, w, h int) {
	nameW := 0
	for _, k := range keyHelp {
		nameW = max(nameW, textWidth(narrate.Text(s.lang, k.name)))
	}
	lines := make([]string, 0, len(keyHelp)+2)
	textW := 0
	for _, k := range keyHelp {
		name := narrate.Text(s.lang, k.name)
		l := name + strings.Repeat(" ", nameW-textWidth(name)+3) + narrate.Text(s.lang, k.desc)
		lines = append(lines, l)
		textW = max(textW, textWidth(l))
	}
	lines = append(lines, "", narrate.Text(s.lang, "ui.help.close"))
	bw := min(w, textW+4)
	bh := min(h, len(lines)+2)
	bx, by := x+(w-bw)/2, y+(h-bh)/2
	box := tview.NewBox().SetBorder(true).SetTitle(" " + narrate.Text(s.lang, "ui.help.title") + " ")
	box.SetRect(bx, by, bw, bh)
	box.Draw(screen)
	ix, iy, iw, ih := box.GetInnerRect()
	for i, l := range lines {
		if i >= ih {
			break
		}
		st := s.theme.Normal
		if i == len(lines)-1 {
			st = s.theme.Dim
		}
		printAt(screen, ix+1, iy+i, iw-1, l, st)
	}
}
