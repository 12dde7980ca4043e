package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/handshake-viz/handshake-viz/ui"
)

func TestTeachFlagsParseForDemoAndOpen(t *testing.T) {
	o, err := parseDemo(t, "--pause-at", "phase", "--start-paused")
	if err != nil {
		t.Fatal(err)
	}
	if o.teach.pause != ui.PauseAtPhase || !o.teach.startPaused {
		t.Errorf("demo: pause %v start-paused %v, want phase true", o.teach.pause, o.teach.startPaused)
	}
	if o, err = parseDemo(t, "--pause-at", "packet"); err != nil || o.teach.pause != ui.PauseAtPacket {
		t.Errorf("demo --pause-at packet: %v %v", o.teach.pause, err)
	}
	oo := &openOptions{}
	cmd := newOpenCmd(streams{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &bytes.Buffer{}}, oo)
	if err := cmd.ParseFlags([]string{"--pause-at", "packet", "--start-paused"}); err != nil {
		t.Fatal(err)
	}
	if err := oo.teach.validate(false); err != nil || oo.teach.pause != ui.PauseAtPacket || !oo.teach.startPaused {
		t.Errorf("open: pause %v start-paused %v err %v", oo.teach.pause, oo.teach.startPaused, err)
	}
}

func TestTeachFlagsRejectUnknownPointsAndTextOutputs(t *testing.T) {
	for _, args := range [][]string{
		{"--pause-at", "arrow"},
		{"--pause-at", "phase", "--no-tui"},
		{"--start-paused", "--json"},
	} {
		_, err := parseDemo(t, args...)
		if err == nil {
			t.Errorf("%v: accepted", args)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "--") {
			t.Errorf("%v: error %q is not one line naming the flag", args, msg)
		}
	}
}

// A teacher starts the recorded demo paused: nothing is drawn until space,
// then the SYN arrives.
func TestTmuxDemoStartPausedWaitsForSpace(t *testing.T) {
	s := startTmux(t, "demo", "--recorded", "--start-paused", "--speed", "4")
	s.waitFor(10*time.Second, "packet 0 of 17", "space plays")
	if scr := s.screen(); strings.Contains(scr, "SYN Seq=0") {
		t.Fatalf("a start-paused demo drew the SYN before space:\n%s", scr)
	}
	s.keys("Space")
	s.waitFor(10*time.Second, "SYN Seq=0", "playing")
	s.keys("q")
	if st := s.exitStatus(10 * time.Second); st != "0" {
		t.Fatalf("exit status %s, want 0", st)
	}
}

// In a real 80×24 terminal the help bar keeps "? keys" and "q quit" and
// the banner the play state; ? opens the key help (with the state rule
// under the keys, scrolled into view), any key closes it.
func TestTmuxAt80x24KeepsTheHelpKeysAndTheKeyScreen(t *testing.T) {
	s := startTmux(t, "demo", "--recorded", "--start-paused")
	if out, err := tmuxCommand("resize-window", "-t", s.name, "-x", "80", "-y", "24").CombinedOutput(); err != nil {
		t.Skipf("this tmux cannot resize a window (tmux 2.9 or later can): %v: %s", err, out)
	}
	s.waitFor(10*time.Second, "? keys", "q quit", "⏸ paused")
	for _, l := range strings.Split(s.screen(), "\n") {
		if n := utf8.RuneCountInString(strings.TrimRight(l, " ")); n > 80 {
			t.Fatalf("a %d-cell line on an 80-column terminal: the window was not resized:\n%s", n, s.screen())
		}
	}
	s.keys("?")
	s.waitFor(10*time.Second, "Space", "▼") // taller than 24 lines: it scrolls
	s.keys("PgDn")
	s.keys("PgDn")
	s.waitFor(10*time.Second, "mouse wheel", "States: each arrow", "any other key closes")
	s.keys("x")
	s.keys("q")
	if st := s.exitStatus(10 * time.Second); st != "0" {
		t.Fatalf("exit status %s, want 0", st)
	}
}
