package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/exchange"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// recordedExchange is a real `demo --write` capture (one client, hello,
// world, ##) that the demo plays when it cannot capture.
//
//go:embed recorded.pcapng
var recordedExchange string

// settleTimeout bounds how long the demo waits, after the exchange ended,
// for the capture to show every connection closed.
const settleTimeout = 2 * time.Second

// demoRun is one run of the demo: where events come from and how they end.
type demoRun struct {
	tl       *session.Timeline
	store    *capture.MemoryStore
	title    string
	recorded bool
	drops    func() uint64
	done     chan feedResult // the feed's result, once
	exchange chan error      // the live exchange's outcome, once (nil when recorded)
}

type feedResult struct {
	res feed.Result
	err error
}

func runDemo(ctx context.Context, ios streams, o *demoOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var run *demoRun
	var err error
	if o.recorded {
		run, err = startRecorded(ctx, o)
	} else {
		run, err = startLive(ctx, ios, o)
	}
	if err != nil {
		return err
	}
	return present(ctx, cancel, ios, o, run)
}

// startLive binds the server, arms the capture on lo, drops privileges and
// starts the exchange. Without capture rights it says so in one line and
// falls back to the recorded exchange.
func startLive(ctx context.Context, ios streams, o *demoOptions) (*demoRun, error) {
	ex, err := exchange.New(exchange.Options{
		Host:     "127.0.0.1",
		Port:     o.port,
		Messages: o.exchangeMessages(),
		Clients:  o.clients,
	})
	if err != nil {
		return nil, fmt.Errorf("start the loop server: %w", err)
	}
	live, err := capture.OpenLive(capture.LiveConfig{Interface: "lo", Port: uint16(ex.Port())})
	if err != nil {
		ex.Close()
		if o.write != "" {
			return nil, fmt.Errorf("--write needs a live capture: %w", err)
		}
		fmt.Fprintln(ios.err, "handshake-viz: "+narrate.Text(o.language, "demo.fallback", err))
		return startRecorded(ctx, o)
	}
	// The capture socket and the listener are open: give up root now, so
	// files written from here on belong to the invoking user.
	if _, _, _, err := capture.DropPrivileges(); err != nil {
		live.Close()
		ex.Close()
		return nil, fmt.Errorf("drop root privileges after opening the capture: %w", err)
	}
	save, closeSave, err := openWrite(o.write)
	if err != nil {
		live.Close()
		ex.Close()
		return nil, err
	}
	run := &demoRun{
		tl:    session.NewTimeline(),
		store: capture.NewMemoryStore(),
		title: narrate.Text(o.language, "demo.title.live", ex.Port()),
		drops: func() uint64 {
			st, err := live.Stats()
			if err != nil {
				return 0
			}
			return st.Drops
		},
		done:     make(chan feedResult, 1),
		exchange: make(chan error, 1),
	}
	go func() {
		res, err := feed.Run(ctx, live, feed.Options{Timeline: run.tl, Store: run.store, Save: save})
		if cerr := closeSave(); err == nil && cerr != nil {
			err = cerr
		}
		run.done <- feedResult{res, err}
	}()
	go func() {
		defer ex.Close()
		defer live.Close() // ends the feed
		err := ex.Run(ctx)
		if err == nil {
			waitAllClosed(ctx, run.tl, o.clients)
		}
		run.exchange <- err
	}()
	return run, nil
}

// startRecorded plays the exchange shipped in the binary through the same
// pipeline as a capture file.
func startRecorded(ctx context.Context, o *demoOptions) (*demoRun, error) {
	src, err := capture.OpenReader("recorded exchange", strings.NewReader(recordedExchange), int64(len(recordedExchange)))
	if err != nil {
		return nil, fmt.Errorf("the recorded exchange shipped in the binary is unreadable: %w", err)
	}
	run := &demoRun{
		tl:       session.NewTimeline(),
		store:    capture.NewMemoryStore(),
		title:    narrate.Text(o.language, "demo.title.recorded"),
		recorded: true,
		done:     make(chan feedResult, 1),
	}
	go func() {
		res, err := feed.Run(ctx, src, feed.Options{Timeline: run.tl, Store: run.store})
		src.Close()
		run.done <- feedResult{res, err}
	}()
	return run, nil
}

// waitAllClosed returns once the timeline shows `want` connections whose
// last packet left both ends closed (CLOSED or TIME-WAIT), or after
// settleTimeout: the exchange has ended, only the capture may lag.
func waitAllClosed(ctx context.Context, tl *session.Timeline, want int) {
	deadline := time.NewTimer(settleTimeout)
	defer deadline.Stop()
	for {
		changed := tl.Changed()
		if tl.ClosedStreams() >= want {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// openWrite opens the --write file as pcapng (after privileges were
// dropped, so it belongs to the user).
func openWrite(path string) (save func(*capture.RawPacket) error, closeFn func() error, err error) {
	if path == "" {
		return nil, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("--write: %w (check the directory exists and is writable by you)", err)
	}
	w, err := capture.NewPcapngWriter(f, layers.LinkTypeEthernet)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("--write %s: %w", path, err)
	}
	closeFn = func() error {
		if err := w.Flush(); err != nil {
			f.Close()
			return fmt.Errorf("--write %s: %w", path, err)
		}
		return f.Close()
	}
	return w.Write, closeFn, nil
}

// present shows the run: the full-screen ladder, text lines or NDJSON.
func present(ctx context.Context, cancel context.CancelFunc, ios streams, o *demoOptions, run *demoRun) error {
	switch {
	case o.json || o.noTUI:
		var write func(session.Event) error
		var jw *ui.JSONWriter
		if o.json {
			jw = ui.NewJSONWriter(ios.out, o.language, o.raw)
			write = func(ev session.Event) error { return jw.WriteEvent(ev, streamOf(run.tl, ev)) }
		} else {
			tw := ladder.NewTextWriter(ios.out, o.language, o.raw)
			write = func(ev session.Event) error { return tw.Write(ev, streamOf(run.tl, ev)) }
		}
		if err := run.tl.Follow(ctx, write); err != nil {
			if errors.Is(err, context.Canceled) {
				return &exitError{code: exitInterrupted} // Ctrl-C: stop quietly
			}
			return err
		}
		fr := <-run.done
		if fr.err != nil && !errors.Is(fr.err, context.Canceled) {
			return fr.err
		}
		if err := run.exchangeErr(); err != nil {
			return err
		}
		if jw != nil {
			for _, s := range fr.res.Tracker.Summaries() {
				if err := jw.WriteSummary(s); err != nil {
					return err
				}
			}
		}
		if run.drops != nil {
			if d := run.drops(); d > 0 {
				fmt.Fprintln(ios.err, "handshake-viz: "+narrate.Text(o.language, "demo.drops", d))
			}
		}
		return nil
	default:
		err := ui.RunLadder(ctx, run.tl, run.store, ui.ScreenOptions{
			Title:    run.title,
			Lang:     o.language,
			Speed:    o.speed,
			Raw:      o.raw,
			Recorded: run.recorded,
			Drops:    run.drops,
			Stream:   -1,

			PauseAt:     o.teach.pause,
			StartPaused: o.teach.startPaused,
		})
		cancel()
		<-run.done
		if err != nil {
			return err
		}
		return run.exchangeErr()
	}
}

// exchangeErr waits for the live exchange to end and returns why it failed,
// if it did; a recorded run has no exchange. Cancellation (q, Ctrl-C) is
// not a failure.
func (r *demoRun) exchangeErr() error {
	if r.exchange == nil {
		return nil
	}
	err := <-r.exchange
	if err == nil || errors.Is(err, context.Canceled) {
		return nil
	}
	return fmt.Errorf("the loopback exchange failed: %w", err)
}

// streamOf returns the StreamInfo of an event's connection or flow.
func streamOf(tl *session.Timeline, ev session.Event) session.StreamInfo {
	return tl.StreamInfo(ev.Kind, ev.Stream)
}
