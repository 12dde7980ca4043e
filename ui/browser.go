package ui

import (
	"context"
	"fmt"
	"sync"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// BrowserOptions configures the stream-list browser of `open`.
type BrowserOptions struct {
	Lang  narrate.Lang
	Speed float64 // playback speed of the ladders it opens
	Raw   bool    // raw sequence numbers in the ladders
	Title string  // shown at the top, e.g. the file name

	PauseAt     PauseAt // the ladders stop at each phase or packet until space
	StartPaused bool    // the ladders show nothing until space

	// Live, when set (watch), returns the current state and process of
	// the TCP streams by index: the list shows them in two more columns.
	// Called from the browser's watcher goroutine after each Changed.
	Live func() session.LiveConns
	// Drops, when set, is the number of packets the kernel dropped so far.
	Drops func() uint64
	// Export and Save are the ladders' `x` and `w` keys (ScreenOptions).
	Export ExportFunc
	Save   SaveFunc
}

// BrowserSource is what the browser lists: a capture being read in the
// background (*feed.Catalog satisfies it; cmd wires them). Every method is
// called from goroutines other than the reader's and must be safe for
// concurrent use; the slices returned are not modified by the browser.
type BrowserSource interface {
	// Changed returns a channel closed at the next change of what the
	// other methods return.
	Changed() <-chan struct{}
	// Progress is bytes read, the input size (-1 when unknown) and whether
	// reading has ended.
	Progress() (read, total int64, done bool)
	// Packets is the number of frames read so far.
	Packets() uint64
	// List is the TCP streams by index, then the UDP flows by index; its
	// final rows (StreamList.Final) stay the same in every later List.
	List() session.StreamList
	// Warnings are the damage found in the input and why reading stopped
	// early, if it did.
	Warnings() []string
	// OpenStream returns a timeline holding (at least) the events of one
	// TCP stream or UDP flow, and its frames. It may take a while.
	OpenStream(kind session.EventKind, index int) (*session.Timeline, capture.FrameStore, error)
}

// RunBrowser shows the stream list of src until the user quits or ctx ends,
// and restores the terminal (also on a panic).
func RunBrowser(ctx context.Context, src BrowserSource, opts BrowserOptions) error {
	app := tview.NewApplication().EnableMouse(true)
	b := newBrowser(app, src, opts)
	return b.run(ctx)
}

// Page names.
const (
	pageList   = "list"
	pageLadder = "ladder"
	pageHelp   = "help"
)

// browser is the stream-list screen. Its fields are used from the UI
// goroutine only, except src and the channels.
type browser struct {
	app   *tview.Application
	src   BrowserSource
	opts  BrowserOptions
	pages *tview.Pages
	list  *tview.Flex
	table *streamTable
	input *tview.InputField

	status  browserStatus
	message string // "opening…" or why a stream could not be opened
	opening bool
	opened  bool // a ladder was opened once (auto-open only happens before)
	ladder  *LadderScreen
	cancel  context.CancelFunc
	done    <-chan struct{} // closed when the browser ends (run's context)
	// The help page's scrolling and its page length at the last draw.
	helpScroll  paneScroll
	helpPageLen int
	wg          sync.WaitGroup
	failure     chan error // a panic of a browser goroutine

	// notify, when set (tests), is called on the UI goroutine after every
	// page switch ("page:"+name) and every new list shown ("apply").
	notify func(what string)
}

// browserStatus is the progress part of one snapshot of the source.
type browserStatus struct {
	read, total    int64
	done           bool
	packets        uint64
	streams, flows int
	older          int // the oldest TCP streams a live list no longer holds
	held           int // the TCP rows it holds
	warnings       []string
	drops          uint64 // packets the kernel dropped (live)
}

func newBrowser(app *tview.Application, src BrowserSource, opts BrowserOptions) *browser {
	b := &browser{
		app: app, src: src, opts: opts,
		pages:   tview.NewPages(),
		table:   newStreamTable(opts.Lang),
		input:   tview.NewInputField(),
		failure: make(chan error, 1),
	}
	b.table.onOpen = b.open
	b.table.live = opts.Live != nil
	b.input.SetLabel(narrate.Text(opts.Lang, "browser.filter")).
		SetFieldBackgroundColor(tcell.ColorDefault).
		SetFieldTextColor(tcell.ColorDefault).
		SetLabelColor(tcell.ColorDefault).
		SetChangedFunc(b.table.setFilter).
		SetDoneFunc(b.filterDone)
	top := plainBox().SetDrawFunc(b.drawTop)
	bottom := plainBox().SetDrawFunc(b.drawBottom)
	b.input.SetBackgroundColor(tcell.ColorDefault)
	b.pages.SetBackgroundColor(tcell.ColorDefault)
	b.list = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(top, 2, 0, false).
		AddItem(b.table, 0, 1, true).
		AddItem(b.input, 1, 0, false).
		AddItem(bottom, 2, 0, false)
	b.list.SetBackgroundColor(tcell.ColorDefault)
	b.pages.AddPage(pageList, b.list, true, true)
	b.pages.AddPage(pageHelp, b.helpPage(), true, false)
	app.SetRoot(b.pages, true).SetFocus(b.table)
	app.SetInputCapture(b.capture)
	app.SetBeforeDrawFunc(b.tooSmall)
	return b
}

// tooSmall draws, on a terminal smaller than the screens need, a request
// to enlarge it instead of the pages, and reports whether it did.
func (b *browser) tooSmall(screen tcell.Screen) bool {
	w, h := screen.Size()
	if w >= minScreenW && h >= minScreenH {
		return false
	}
	st := tcell.StyleDefault.Foreground(tcell.ColorRed).Bold(true)
	lines := wrap(narrate.Text(b.opts.Lang, "ui.too_small", minScreenW, minScreenH, w, h), w)
	top := max(0, (h-len(lines))/2)
	for i, l := range lines {
		centered(screen, 0, top+i, w, l, "", st, st)
	}
	return true
}

// run starts the watcher and the application and cleans up after them.
func (b *browser) run(ctx context.Context) error {
	ctx, b.cancel = context.WithCancel(ctx)
	defer b.cancel()
	b.done = ctx.Done()
	b.wg.Add(1)
	go b.watch(ctx)
	go func() {
		<-ctx.Done()
		go b.app.QueueUpdate(b.quit) // waits for a running event loop
	}()
	err := b.app.Run()
	if err != nil {
		err = screenError(err, "`handshake-viz analyze FILE` for a report without a screen")
	}
	b.stopLadder()
	b.cancel()
	b.wg.Wait()
	select {
	case perr := <-b.failure:
		return perr
	default:
	}
	return err
}

// quit stops everything that animates, then the application. UI goroutine.
func (b *browser) quit() {
	b.stopLadder()
	if b.cancel != nil {
		b.cancel()
	}
	b.app.Stop()
}

// guard turns a panic of a browser goroutine into an error of RunBrowser
// and stops the application, which restores the terminal.
func (b *browser) guard() {
	if p := recover(); p != nil {
		select {
		case b.failure <- fmt.Errorf("stream browser failed: %v (please report this bug)", p):
		default:
		}
		b.app.Stop()
	}
}

// watch follows the source and hands each new list to the UI goroutine,
// waiting for it to be shown before building the next (so a slow UI gets
// fewer, not queued, updates).
func (b *browser) watch(ctx context.Context) {
	defer b.wg.Done()
	defer b.guard()
	var model rowModel
	for {
		changed := b.src.Changed()
		var st browserStatus
		st.read, st.total, st.done = b.src.Progress()
		st.packets, st.warnings = b.src.Packets(), b.src.Warnings()
		list := b.src.List()
		st.streams, st.flows = list.Streams(), list.Flows()
		st.older, st.held = list.First(), list.HeldStreams()
		var conns session.LiveConns
		if b.opts.Live != nil {
			conns = b.opts.Live()
		}
		if b.opts.Drops != nil {
			st.drops = b.opts.Drops()
		}
		model = buildLiveRows(model, list, conns, b.opts.Lang)
		m := model
		if !queueDraw(b.app, ctx.Done(), func() { b.apply(m, st) }) {
			return
		}
		if st.done {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return
		}
	}
}

// apply shows a new list and progress. UI goroutine.
func (b *browser) apply(m rowModel, st browserStatus) {
	b.status = st
	b.table.setModel(m)
	if st.done && !b.opened && st.streams == 1 && st.flows == 0 && len(b.table.view) == 1 {
		b.open(b.table.viewKey(0))
	}
	b.note("apply")
}

// capture handles the keys of every page before the focused widget.
func (b *browser) capture(ev *tcell.EventKey) *tcell.EventKey {
	page, _ := b.pages.GetFrontPage()
	switch page {
	case pageHelp:
		switch ev.Key() {
		case tcell.KeyUp:
			b.helpScroll.by(-1)
		case tcell.KeyDown:
			b.helpScroll.by(1)
		case tcell.KeyPgUp:
			b.helpScroll.by(-b.helpPageLen)
		case tcell.KeyPgDn:
			b.helpScroll.by(b.helpPageLen)
		default:
			b.pages.HidePage(pageHelp)
			b.helpScroll.top = 0
			b.switched(pageList)
		}
		return nil
	case pageLadder:
		switch {
		case ev.Key() == tcell.KeyEscape:
			b.closeLadder()
			return nil
		case ev.Key() == tcell.KeyRune && ev.Rune() == 'q':
			b.quit()
			return nil
		}
		return ev
	}
	if b.input.HasFocus() {
		return ev
	}
	if do := browserAction(ev); do != nil {
		do(b)
		return nil
	}
	return ev
}

// filterDone returns the focus to the list; Esc also clears the filter.
func (b *browser) filterDone(key tcell.Key) {
	if key == tcell.KeyEscape {
		b.input.SetText("")
	}
	b.app.SetFocus(b.table)
}

// switched tells the test hook about a page switch.
func (b *browser) switched(page string) { b.note("page:" + page) }

func (b *browser) note(what string) {
	if b.notify != nil {
		b.notify(what)
	}
}
