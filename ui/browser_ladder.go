package ui

import (
	"errors"
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// open opens the ladder of a row's stream: the source re-reads it in a
// goroutine (it may take a while on a big file), then the UI goroutine
// switches to the ladder page. UI goroutine.
func (b *browser) open(f rowKey) {
	if b.opening {
		return
	}
	b.opening, b.opened = true, true
	b.message = narrate.Text(b.opts.Lang, "browser.opening", b.kindWord(f.kind), f.index)
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer b.guard()
		tl, store, err := b.src.OpenStream(f.kind, f.index)
		queueDraw(b.app, b.done, func() {
			b.opening = false
			if err != nil {
				b.message = b.openError(f, err)
				return
			}
			b.message = ""
			b.showLadder(tl, store, f)
		})
	}()
}

// droppedStream is the error of a live source's stream whose events went
// to its memory budget (feed.DroppedError).
type droppedStream interface {
	error
	DroppedStream() (kind session.EventKind, index, events int)
}

// openError is the message line of a stream that cannot be opened, in the
// browser's language.
func (b *browser) openError(f rowKey, err error) string {
	if d, ok := errors.AsType[droppedStream](err); ok {
		_, _, events := d.DroppedStream()
		return narrate.Text(b.opts.Lang, "browser.dropped", b.kindWord(f.kind), f.index, events)
	}
	return narrate.Text(b.opts.Lang, "browser.open_err", b.kindWord(f.kind), f.index, err)
}

func (b *browser) kindWord(k session.EventKind) string {
	if k == session.KindDatagram {
		return narrate.Text(b.opts.Lang, "browser.udp")
	}
	return narrate.Text(b.opts.Lang, "browser.tcp")
}

// showLadder puts a ladder screen of the stream on the ladder page and
// starts it. UI goroutine.
func (b *browser) showLadder(tl *session.Timeline, store capture.FrameStore, f rowKey) {
	b.stopLadder()
	b.ladder = NewLadderScreen(b.app, tl, store, b.ladderOptions(f))
	b.pages.AddAndSwitchToPage(pageLadder, b.ladder.Primitive(), true)
	b.app.SetFocus(b.ladder.Primitive())
	b.ladder.Start()
	b.switched(pageLadder)
}

// ladderOptions are the options of the ladder of one stream: the
// browser's language, speed, numbering and teacher's controls.
func (b *browser) ladderOptions(f rowKey) ScreenOptions {
	return ScreenOptions{
		Title: fmt.Sprintf("%s · %s %d · %s", b.opts.Title, b.kindWord(f.kind), f.index,
			narrate.Text(b.opts.Lang, "browser.back")),
		Lang:     b.opts.Lang,
		Speed:    b.opts.Speed,
		Raw:      b.opts.Raw,
		Stream:   f.index,
		Kind:     f.kind,
		Warnings: b.src.Warnings,
		Drops:    b.opts.Drops,

		PauseAt:     b.opts.PauseAt,
		StartPaused: b.opts.StartPaused,

		Export: b.opts.Export,
		Save:   b.opts.Save,
	}
}

// closeLadder stops the ladder and returns to the list. UI goroutine.
func (b *browser) closeLadder() {
	b.stopLadder()
	b.pages.RemovePage(pageLadder)
	b.pages.SwitchToPage(pageList)
	b.app.SetFocus(b.table)
	b.switched(pageList)
}

// stopLadder stops the ladder's animation goroutine, if one runs.
func (b *browser) stopLadder() {
	if b.ladder != nil {
		b.ladder.Stop()
		b.ladder = nil
	}
}
