package ui

import (
	"github.com/gdamore/tcell/v2"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// Exporting from the screen: `x` asks for a format and writes the shown
// connection's ladder (ScreenOptions.Export), `w` saves its packets as
// pcapng (ScreenOptions.Save). The caller decides where the file goes and
// never replaces one; the screen says the path, or why it failed, in the
// narration pane until the next key.

// exportChoices are the formats `x` offers, with the key of each: the
// names of `handshake-viz export --format`. The table is read only.
var exportChoices = [...]struct {
	key    rune
	format string
}{
	{'a', "ascii"}, {'m', "mermaid"}, {'p', "plantuml"}, {'s', "svg"}, {'j', "json"}, {'c', "cast"},
}

// ExportFunc writes the ladder of stream (of kind) of tl in format and
// returns the path it wrote.
type ExportFunc func(tl *session.Timeline, kind session.EventKind, stream int, format string) (path string, err error)

// SaveFunc writes the frames of the events of tl, from store, as a
// pcapng file and returns its path.
type SaveFunc func(tl *session.Timeline, store capture.FrameStore) (path string, err error)

// exportStream is the connection `x` exports: the screen's own, else the
// selected arrow's.
func (s *LadderScreen) exportStream() (session.EventKind, int) {
	if s.opts.Stream >= 0 {
		kind := s.opts.Kind
		if kind == session.KindCall {
			kind = session.KindSegment
		}
		return kind, s.opts.Stream
	}
	if s.sel.arrow >= 0 {
		return s.sel.ev.StreamKind(), s.sel.ev.Stream
	}
	return session.KindSegment, 0
}

func (s *LadderScreen) askExport() {
	if s.opts.Export == nil {
		return
	}
	s.exportAsk = true
	s.status = narrate.Text(s.lang, "ui.export.ask")
}

// answerExport takes the key after `x`: a format's key exports, anything
// else cancels.
func (s *LadderScreen) answerExport(ev *tcell.EventKey) {
	s.exportAsk = false
	s.status = ""
	if ev.Key() != tcell.KeyRune {
		return
	}
	for _, c := range exportChoices {
		if c.key == ev.Rune() {
			kind, stream := s.exportStream()
			path, err := s.opts.Export(s.tl, kind, stream, c.format)
			if err != nil {
				s.status = narrate.Text(s.lang, "ui.export.failed", err)
				return
			}
			s.status = narrate.Text(s.lang, "ui.export.done", path)
			return
		}
	}
}

func (s *LadderScreen) saveCapture() {
	if s.opts.Save == nil {
		return
	}
	path, err := s.opts.Save(s.tl, s.store)
	if err != nil {
		s.status = narrate.Text(s.lang, "ui.save.failed", err)
		return
	}
	s.status = narrate.Text(s.lang, "ui.save.done", path)
}
