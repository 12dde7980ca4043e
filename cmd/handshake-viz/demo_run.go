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

// settleTimeout is how long the demo waits, after the exchange ended,
// for the capture's next packet while the timeline lacks some.
const settleTimeout = 2 * time.Second

// demoRun is one run of the demo: where events come from and how they end.
type demoRun struct {
	tl       *session.Timeline
	store    *capture.MemoryStore
	title    string
	notice   string // the scenario's "what to notice" line ("" when recorded)
	scenario string // the scenario's name
	source   string // "live capture on lo", "live (user namespace)", …
	capture  string // where: "lo", "lossy wire"
	proto    exchange.Proto
	recorded bool
	drops    func() uint64
	done     chan feedResult // the feed's result, once
	exchange chan error      // the live exchange's outcome, once (nil when recorded)
	// finished holds, for the live JSON output, the summaries of the
	// connections that are over until their lines are printed; nil when
	// the Tracker keeps every stream's record (screen, exports, recorded)
	// or the output prints no summary (--no-tui).
	finished *feed.SummaryQueue
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

// startLive opens the scenario's sockets and its capture (exchange.Start),
// drops privileges and starts the exchange. Without capture rights it runs
// the demo again inside a user namespace where the kernel allows it
// (userns_linux.go), else says why in one line and falls back to the
// recorded exchange.
func startLive(ctx context.Context, ios streams, o *demoOptions) (*demoRun, error) {
	source := narrate.Text(o.language, "demo.source.live")
	if inUserNS() {
		source = narrate.Text(o.language, "demo.source.userns")
		if err := loopbackUp(); err != nil {
			return fallback(ctx, ios, o, err.Error())
		}
	}
	if !capture.HasCapNetRaw() {
		if needsWire(o.sc) {
			return nil, errors.New(narrate.Text(o.language, "demo.wire.userns", o.sc.Name))
		}
		if o.wire.loss > 0 || o.wire.delay > 0 {
			return nil, errors.New(narrate.Text(o.language, "demo.wire.flags.userns"))
		}
		if !inUserNS() && userNSAllowed() {
			code, err := runInUserNS(ctx, ios)
			if err == nil {
				return nil, &exitError{code: code}
			}
			why := narrate.Text(o.language, "demo.userns.refused", err)
			if o.write != "" {
				return nil, fmt.Errorf("--write needs a live capture: %s", why)
			}
			return fallback(ctx, ios, o, why)
		}
	}
	calls := feed.NewCalls()
	// The text and JSON outputs print each event once: their record is
	// bounded (a long --clients run keeps flat memory). The screen and
	// the exports keep the whole run, to go back to any arrow.
	var live *feed.Live
	if (o.json || o.noTUI) && o.export.format == "" {
		live = feed.NewLive(feed.LiveBudget{})
	}
	run := &demoRun{
		tl:       session.NewTimeline(),
		store:    capture.NewMemoryStore(),
		done:     make(chan feedResult, 1),
		exchange: make(chan error, 1),
		scenario: o.sc.Name,
		source:   source,
		proto:    o.sc.Proto,
	}
	if live != nil {
		run.tl, run.store = live.Timeline, live.Store
		if o.json {
			run.finished = &feed.SummaryQueue{}
		}
	}
	opts := exchange.Options{
		Scenario: o.sc,
		Port:     o.port,
		Messages: o.exchangeMessages(),
		Clients:  o.clients,
		Calls:    calls,
		Trace:    run.tl,
	}
	if err := o.wire.apply(o.language, &opts); err != nil {
		return nil, err
	}
	st, err := exchange.Start(ctx, opts)
	if err != nil {
		// A scenario on the lossy wire is refused, not replaced: the
		// recording is the loop on lo.
		if !errors.Is(err, os.ErrPermission) || needsWire(o.sc) || o.wire.loss > 0 || o.wire.delay > 0 {
			return nil, fmt.Errorf("start scenario %s: %w", o.sc.Name, err)
		}
		if o.write != "" {
			return nil, fmt.Errorf("--write needs a live capture: %w", err)
		}
		return fallback(ctx, ios, o, err.Error())
	}
	// The capture and the server's sockets are open: give up root now, so
	// files written from here on belong to the invoking user.
	if _, _, _, err := capture.DropPrivileges(); err != nil {
		st.Close()
		return nil, fmt.Errorf("drop root privileges after opening the capture: %w", err)
	}
	save, closeSave, err := openWrite(o.write, o.force)
	if err != nil {
		st.Close()
		return nil, err
	}
	if st.Where == exchange.OnWire {
		run.source = narrate.Text(o.language, "demo.source.wire")
	}
	run.capture = st.Where.String()
	run.title = narrate.Text(o.language, "demo.title.scenario", o.sc.Name, run.source, st.Exchange.Addr())
	run.notice = narrate.Text(o.language, narrate.Key(o.sc.NoticeKey()))
	run.drops = st.Drops
	go func() {
		fo := feed.Options{Timeline: run.tl, Store: run.store, Save: save, Calls: calls, Tracker: st.TrackerOptions()}
		if live != nil {
			// Finished connections are let go: --json prints each
			// summary once its events are out, --no-tui prints none.
			fo.Tracker.Finish.Stream = true
			fo.Finished = func([]session.StreamSummary) error { return nil }
			if q := run.finished; q != nil {
				fo.Finished = func(ss []session.StreamSummary) error {
					q.Add(ss, run.tl.Len()) // every event of ss so far is below Len
					return nil
				}
			}
			live.Apply(&fo)
		} else {
			fo.Tracker.Finish = feed.LiveFinish()
		}
		res, err := feed.Run(ctx, st.Source, fo)
		if cerr := closeSave(); err == nil && cerr != nil {
			err = cerr
		}
		run.done <- feedResult{res, err}
	}()
	go func() {
		defer st.Close() // ends the feed
		err := st.Exchange.Run(ctx)
		if err == nil {
			// A feed that is behind (a busy machine, a long run) is
			// waited for while it catches up; one that stopped for
			// settleTimeout is not, and the run says what is missing.
			if werr := exchange.WaitCaptured(ctx, run.tl, st.Stats, settleTimeout); werr != nil && ctx.Err() == nil {
				err = fmt.Errorf("the capture fell behind and was cut off: %w (the output misses the last packets)", werr)
			}
		}
		run.exchange <- err
	}()
	return run, nil
}

// fallback says in one line why the demo cannot capture and plays the
// recorded exchange; flags the recording cannot honour are named.
func fallback(ctx context.Context, ios streams, o *demoOptions, why string) (*demoRun, error) {
	fmt.Fprintln(ios.err, "handshake-viz: "+narrate.Text(o.language, "demo.fallback", why))
	if o.sc.Name != exchange.ScenarioLoop || o.clients != 1 || len(o.messages) > 0 {
		fmt.Fprintln(ios.err, "handshake-viz: "+narrate.Text(o.language, "demo.userns.ignored"))
	}
	return startRecorded(ctx, o)
}

// apply puts the wire flags into the exchange's options (exchange.Start
// checks their ranges and opens the lossy wire for --loss and --delay).
// A seed or SYN retries without loss, delay or a wire scenario would
// change nothing: that is said in one line rather than ignored.
func (w wireFlags) apply(lang narrate.Lang, opts *exchange.Options) error {
	opts.Wire.Loss, opts.Wire.Delay, opts.Wire.Seed, opts.Wire.SynRetries = w.loss, w.delay, w.seed, w.synRetries
	if w.set() && !opts.Wire.FreePlay() && (opts.Scenario == nil || !opts.Scenario.NeedsWire()) {
		return errors.New(narrate.Text(lang, "demo.wire.flags"))
	}
	return nil
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

// openWrite opens the --write file as pcapng (after privileges were
// dropped, so it belongs to the user), written whole or not at all (see
// atomic_file.go).
func openWrite(path string, force bool) (save func(*capture.RawPacket) error, closeFn func() error, err error) {
	if path == "" {
		return nil, func() error { return nil }, nil
	}
	return openPcapngAtomic(path, force, layers.LinkTypeEthernet)
}

// present shows the run: the full-screen ladder, text lines or NDJSON.
func present(ctx context.Context, cancel context.CancelFunc, ios streams, o *demoOptions, run *demoRun) error {
	switch {
	case o.export.format != "":
		// Run to the end with no screen, then write the ladder of every
		// connection the scenario made.
		fr := <-run.done
		if fr.err != nil {
			if errors.Is(fr.err, context.Canceled) {
				return &exitError{code: exitInterrupted}
			}
			return fr.err
		}
		if err := run.exchangeErr(); err != nil {
			return err
		}
		name := "scenario " + run.scenario
		if run.recorded {
			name = "the recorded exchange"
		}
		return exportTimeline(ios, run.tl, fr.res.Tracker.Summaries(), o.exportReq, name, o.export.out, o.force)
	case o.json || o.noTUI:
		var write func(session.Event) error
		var jw *ui.JSONWriter
		if o.json {
			jw = ui.NewJSONWriter(ios.out, o.language, o.raw)
			if !run.recorded {
				if err := jw.WriteSource(ui.JSONSource{Scenario: run.scenario, Source: run.sourceID(), Capture: run.capture, Notice: run.notice}); err != nil {
					return err
				}
			}
			write = func(ev session.Event) error { return jw.WriteEvent(ev, streamOf(run.tl, ev)) }
			if q := run.finished; q != nil {
				// Each connection's summary follows its last event.
				n := 0
				write = func(ev session.Event) error {
					if err := q.WriteDue(n, jw.WriteSummary); err != nil {
						return err
					}
					n++
					return jw.WriteEvent(ev, streamOf(run.tl, ev))
				}
			}
		} else {
			if run.notice != "" {
				fmt.Fprintf(ios.out, "%s\n%s\n\n", run.title, narrate.Text(o.language, "demo.notice", run.notice))
			}
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
		if jw == nil && run.proto == exchange.ProtoBoth {
			fmt.Fprintln(ios.out)
			if err := ui.Compare(run.tl.Slice(0, run.tl.Len()), ui.LinkHeaderLoopback).WriteText(ios.out, o.language); err != nil {
				return err
			}
		}
		if jw != nil && run.finished != nil {
			if err := run.finished.WriteDue(-1, jw.WriteSummary); err != nil {
				return err
			}
		} else if jw != nil {
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
		screen := ui.RunLadder
		if run.proto == exchange.ProtoBoth {
			screen = func(ctx context.Context, tl *session.Timeline, _ capture.FrameStore, opts ui.ScreenOptions) error {
				return ui.RunCompare(ctx, tl, opts)
			}
		}
		so := ui.ScreenOptions{
			Title:    run.title,
			Notice:   noticeLine(o.language, run.notice),
			Lang:     o.language,
			Speed:    o.speed,
			Raw:      o.raw,
			Recorded: run.recorded,
			Drops:    run.drops,
			Stream:   -1,

			PauseAt:     o.teach.pause,
			StartPaused: o.teach.startPaused,
		}
		name := run.scenario
		if run.recorded || name == "" {
			name = "recorded"
		}
		newScreenFiles("", "handshake-viz-"+name, o.language, o.raw).keys(&so)
		err := screen(ctx, run.tl, run.store, so)
		cancel()
		<-run.done
		if err != nil {
			return err
		}
		return run.exchangeErr()
	}
}

// sourceID is the run's source in --json, the same in every language:
// "live" or "live (user namespace)".
func (r *demoRun) sourceID() string {
	if inUserNS() {
		return "live (user namespace)"
	}
	return "live"
}

// noticeLine is the "What to notice: …" line, "" without a notice.
func noticeLine(lang narrate.Lang, notice string) string {
	if notice == "" {
		return ""
	}
	return narrate.Text(lang, "demo.notice", notice)
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
	return fmt.Errorf("the exchange of scenario %s failed: %w", r.scenario, err)
}

// streamOf returns the StreamInfo of an event's connection or flow.
// A socket call belongs to its socket's stream or flow.
func streamOf(tl *session.Timeline, ev session.Event) session.StreamInfo {
	return tl.StreamInfo(ev.StreamKind(), ev.Stream)
}
