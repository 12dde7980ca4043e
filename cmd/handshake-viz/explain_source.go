package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/exchange"
	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// captureWait bounds how long a live scenario waits, after its exchange
// ended, for the capture to hold every packet the kernel counted.
const captureWait = 3 * time.Second

// scenarioSource is the explain.Source of explain and quiz: a scenario of
// the library run live on loopback when the capture can be opened, the
// recording shipped in the binary otherwise, or every scenario played from
// a capture file (--file). A scenario the library does not have yet plays
// the loop exchange with a note that says so.
type scenarioSource struct {
	lang     narrate.Lang
	file     string    // --file: every exchange comes from this capture
	recorded bool      // no live capture: the shipped recording
	errOut   io.Writer // where the one-line fallback notice goes (nil: nowhere)

	mu       sync.Mutex
	fellBack bool // the fallback was announced
	runs     sync.WaitGroup
}

// Has reports whether the source plays the scenario itself.
func (s *scenarioSource) Has(name string) bool {
	if s.file != "" {
		return false
	}
	if _, err := exchange.Lookup(name); err != nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.recorded || name == exchange.ScenarioLoop
}

// Play starts the scenario's exchange; its timeline finishes when the
// exchange and its capture end.
func (s *scenarioSource) Play(ctx context.Context, name string) (explain.Exchange, error) {
	if s.file != "" {
		ex, err := playFile(ctx, s.file)
		if err != nil {
			return ex, err
		}
		ex.Note = narrate.Text(s.lang, "explain.ui.file", filepath.Base(s.file))
		return ex, nil
	}
	note := ""
	sc, err := exchange.Lookup(name)
	if err != nil {
		note = narrate.Text(s.lang, "explain.ui.standin", name, exchange.ScenarioLoop)
		sc, _ = exchange.Lookup(exchange.ScenarioLoop)
	}
	s.mu.Lock()
	recorded := s.recorded
	s.mu.Unlock()
	if !recorded {
		ex, err := s.playLive(ctx, sc)
		if err == nil {
			ex.Note = note
			return ex, nil
		}
		s.fallBack(err)
	}
	ex, err := playRecorded(ctx)
	if err != nil {
		return ex, err
	}
	if sc.Name != exchange.ScenarioLoop {
		note = narrate.Text(s.lang, "explain.ui.standin.recorded", sc.Name)
	}
	ex.Note = note
	return ex, nil
}

// fallBack switches to the recording for good, saying why once.
func (s *scenarioSource) fallBack(why error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recorded = true
	if !s.fellBack && s.errOut != nil {
		fmt.Fprintln(s.errOut, "handshake-viz: "+narrate.Text(s.lang, "demo.fallback", why))
	}
	s.fellBack = true
}

// playLive runs sc on loopback under its own capture, with the socket
// calls merged into the timeline.
func (s *scenarioSource) playLive(ctx context.Context, sc *exchange.Scenario) (explain.Exchange, error) {
	tl, store, calls := session.NewTimeline(), capture.NewMemoryStore(), feed.NewCalls()
	st, err := exchange.Start(ctx, exchange.Options{Scenario: sc, Calls: calls, Trace: tl})
	if err != nil {
		return explain.Exchange{}, err
	}
	fed := make(chan struct{})
	s.runs.Add(2)
	go func() {
		defer s.runs.Done()
		defer close(fed)
		feed.Run(ctx, st.Source, feed.Options{Timeline: tl, Store: store, Calls: calls, Tracker: st.TrackerOptions()})
	}()
	go func() {
		defer s.runs.Done()
		if err := st.Exchange.Run(ctx); err == nil {
			wctx, cancel := context.WithTimeout(ctx, captureWait)
			exchange.WaitCaptured(wctx, tl, st.Stats, 0)
			cancel()
		}
		st.Close() // ends the feed
		<-fed
	}()
	return explain.Exchange{Scenario: sc.Name, Timeline: tl, Store: store, Live: true}, nil
}

// Wait waits for the live exchanges to end (after their context is
// cancelled, at once).
func (s *scenarioSource) Wait() { s.runs.Wait() }

// playRecorded is the exchange shipped in the binary, through the real
// decoder and tracker.
func playRecorded(ctx context.Context) (explain.Exchange, error) {
	src, err := capture.OpenReader("recorded exchange", strings.NewReader(recordedExchange), int64(len(recordedExchange)))
	if err != nil {
		return explain.Exchange{}, fmt.Errorf("the recorded exchange shipped in the binary is unreadable: %w", err)
	}
	defer src.Close()
	tl, store := session.NewTimeline(), capture.NewMemoryStore()
	if _, err := feed.Run(ctx, src, feed.Options{Timeline: tl, Store: store}); err != nil {
		return explain.Exchange{}, fmt.Errorf("playing the recorded exchange: %w", err)
	}
	return explain.Exchange{Scenario: exchange.ScenarioLoop, Timeline: tl, Store: store}, nil
}

// playFile reads a capture file whole (damage is kept as the Timeline
// has it: the events before it).
func playFile(ctx context.Context, path string) (explain.Exchange, error) {
	src, err := capture.OpenFile(path)
	if err != nil {
		return explain.Exchange{}, err
	}
	defer src.Close()
	tl, store := session.NewTimeline(), capture.NewMemoryStore()
	if _, err := feed.Run(ctx, src, feed.Options{Timeline: tl, Store: store}); err != nil && !errors.Is(err, context.Canceled) {
		return explain.Exchange{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return explain.Exchange{Scenario: filepath.Base(path), Timeline: tl, Store: store}, nil
}

// waitDone returns once tl is finished or ctx ends.
func waitDone(ctx context.Context, tl *session.Timeline) error {
	for {
		changed := tl.Changed()
		if tl.Done() {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
