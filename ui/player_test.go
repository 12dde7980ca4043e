package ui

import (
	"testing"
	"time"
)

// clock is a fake clock for the Player.
type clock struct{ t time.Time }

func newClock() *clock { return &clock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) after(d time.Duration) time.Time { c.t = c.t.Add(d); return c.t }

func TestPlayerShowsFirstArrowAtOnceThenOnePerInterval(t *testing.T) {
	c := newClock()
	p := NewPlayer(3, 1)
	if p.Position() != 0 || !p.Playing() {
		t.Fatalf("new player: position %d playing %v, want 0 true", p.Position(), p.Playing())
	}
	p.Tick(c.t)
	if p.Position() != 1 {
		t.Fatalf("after first tick position = %d, want 1", p.Position())
	}
	p.Tick(c.after(DefaultInterval - time.Millisecond))
	if p.Position() != 1 {
		t.Errorf("before one interval position = %d, want 1", p.Position())
	}
	p.Tick(c.after(time.Millisecond))
	if p.Position() != 2 {
		t.Errorf("after one interval position = %d, want 2", p.Position())
	}
	p.Tick(c.after(DefaultInterval))
	p.Tick(c.after(DefaultInterval))
	if p.Position() != 3 || !p.AtEnd() {
		t.Errorf("position = %d AtEnd %v, want 3 true", p.Position(), p.AtEnd())
	}
}

func TestPlayerSpeedDividesTheInterval(t *testing.T) {
	c := newClock()
	p := NewPlayer(10, 2)
	if p.Interval() != DefaultInterval/2 {
		t.Fatalf("Interval at 2x = %v, want %v", p.Interval(), DefaultInterval/2)
	}
	p.Tick(c.t)
	p.Tick(c.after(DefaultInterval / 2))
	if p.Position() != 2 {
		t.Errorf("position at 2x after half an interval = %d, want 2", p.Position())
	}
	p.Slower()
	p.Slower()
	if p.Speed() != 0.5 {
		t.Errorf("speed after halving twice = %g, want 0.5", p.Speed())
	}
	if NewPlayer(1, 0).Speed() != 1 {
		t.Error("speed 0 is not taken as 1")
	}
}

func TestPlayerPausedDoesNotAdvanceAndToggleResumes(t *testing.T) {
	c := newClock()
	p := NewPlayer(5, 1)
	p.Tick(c.t)
	p.Toggle()
	p.Tick(c.after(10 * DefaultInterval))
	if p.Position() != 1 || p.Playing() {
		t.Fatalf("paused: position %d playing %v, want 1 false", p.Position(), p.Playing())
	}
	p.Toggle()
	p.Tick(c.after(time.Millisecond))
	if p.Position() != 2 {
		t.Errorf("resumed: position = %d, want 2 (next arrow right away)", p.Position())
	}
}

func TestPlayerStepPausesAndStaysInRange(t *testing.T) {
	p := NewPlayer(3, 1)
	p.Step(1)
	if p.Playing() || p.Position() != 1 {
		t.Fatalf("Step(1): playing %v position %d, want false 1", p.Playing(), p.Position())
	}
	p.Step(5)
	if p.Position() != 3 {
		t.Errorf("Step past the end: position %d, want 3", p.Position())
	}
	p.Step(-10)
	if p.Position() != 0 || p.Selected() != -1 {
		t.Errorf("Step before the start: position %d selected %d, want 0 -1", p.Position(), p.Selected())
	}
}

func TestPlayerHomeEndSelectAndReplay(t *testing.T) {
	c := newClock()
	p := NewPlayer(4, 1)
	p.End()
	if p.Position() != 4 || p.Playing() {
		t.Errorf("End: position %d playing %v", p.Position(), p.Playing())
	}
	p.Home()
	if p.Position() != 1 {
		t.Errorf("Home: position %d, want 1", p.Position())
	}
	p.Select(2)
	if p.Selected() != 2 || p.Position() != 3 {
		t.Errorf("Select(2): selected %d position %d", p.Selected(), p.Position())
	}
	p.Replay()
	if p.Position() != 0 || !p.Playing() {
		t.Errorf("Replay: position %d playing %v, want 0 true", p.Position(), p.Playing())
	}
	p.Tick(c.t)
	if p.Position() != 1 {
		t.Errorf("Replay then tick: position %d, want 1", p.Position())
	}
}

func TestPlayerPlayAtTheEndStartsOver(t *testing.T) {
	c := newClock()
	p := NewPlayer(2, 1)
	p.End()
	p.Play()
	p.Tick(c.t)
	if p.Position() != 1 {
		t.Errorf("Play at the end then tick: position %d, want 1", p.Position())
	}
}

func TestPlayerNewestArrowGrowsOverPartOfTheInterval(t *testing.T) {
	c := newClock()
	p := NewPlayer(2, 1)
	p.Tick(c.t)
	if p.Progress() != 0 || !p.Animating() {
		t.Fatalf("just shown: progress %g animating %v, want 0 true", p.Progress(), p.Animating())
	}
	anim := time.Duration(float64(DefaultInterval) * animShare)
	p.Tick(c.after(anim / 2))
	if got := p.Progress(); got < 0.49 || got > 0.51 {
		t.Errorf("half-way progress = %g, want 0.5", got)
	}
	p.Tick(c.after(anim))
	if p.Progress() != 1 || p.Animating() {
		t.Errorf("after the animation: progress %g, want 1", p.Progress())
	}
	p.Step(1)
	if p.Progress() != 1 {
		t.Errorf("stepped arrow progress = %g, want 1 (drawn whole)", p.Progress())
	}
}

func TestPlayerPlayingContinuesIntoNewPackets(t *testing.T) {
	c := newClock()
	p := NewPlayer(1, 1)
	p.Tick(c.t)
	p.Tick(c.after(DefaultInterval))
	if !p.AtEnd() || !p.Playing() {
		t.Fatalf("at end: AtEnd %v playing %v", p.AtEnd(), p.Playing())
	}
	p.SetLen(3)
	p.Tick(c.after(time.Millisecond))
	if p.Position() != 2 {
		t.Errorf("after growth: position %d, want 2", p.Position())
	}
	p.Tick(c.after(DefaultInterval / 2))
	if p.Position() != 2 {
		t.Errorf("new packets are paced: position %d, want 2", p.Position())
	}
}

func TestPlayerPausedAtTheEndFollowsLive(t *testing.T) {
	c := newClock()
	p := NewPlayer(2, 1)
	p.End()
	p.SetLen(5)
	if p.Position() != 5 || p.Playing() {
		t.Fatalf("paused at end, grown to 5: position %d playing %v, want 5 false", p.Position(), p.Playing())
	}
	p.Tick(c.t)
	if !p.Animating() {
		t.Error("the followed arrow does not grow")
	}
}

func TestPlayerPausedInTheMiddleStaysPut(t *testing.T) {
	p := NewPlayer(4, 1)
	p.Select(1)
	p.SetLen(8)
	if p.Position() != 2 {
		t.Errorf("paused in the middle, grown: position %d, want 2", p.Position())
	}
}

func TestPlayerIdleOnlyWhenNothingMoves(t *testing.T) {
	c := newClock()
	p := NewPlayer(2, 1)
	if p.Idle() {
		t.Error("playing player with packets left is idle")
	}
	p.Tick(c.t)
	p.Pause()
	if p.Idle() {
		t.Error("paused player with a growing arrow is idle")
	}
	p.Tick(c.after(DefaultInterval))
	if !p.Idle() {
		t.Error("paused player with nothing growing is not idle")
	}
}

func TestPlayerPausingAtEveryPacketWaitsForPlayAfterEach(t *testing.T) {
	c := newClock()
	p := NewPlayer(3, 1)
	p.SetStops(func(int) bool { return true })
	p.Tick(c.t)
	if p.Position() != 1 || p.Playing() {
		t.Fatalf("first tick: position %d playing %v, want 1 false (stopped after the packet)", p.Position(), p.Playing())
	}
	for range 5 {
		p.Tick(c.after(DefaultInterval))
	}
	if p.Position() != 1 {
		t.Fatalf("stopped player moved on to %d", p.Position())
	}
	p.Play()
	p.Tick(c.after(time.Millisecond))
	if p.Position() != 2 || p.Playing() {
		t.Errorf("after play: position %d playing %v, want 2 false", p.Position(), p.Playing())
	}
	p.Step(1)
	if p.Position() != 3 {
		t.Errorf("stepping past a stop: position %d, want 3", p.Position())
	}
}

func TestPlayerPausingAtPhasesStopsOnlyAtTheirFirstPackets(t *testing.T) {
	c := newClock()
	p := NewPlayer(7, 1)
	firsts := map[int]bool{0: true, 3: true, 5: true} // handshake 0-2, data 3-4, close 5-6
	p.SetStops(func(i int) bool { return firsts[i] })
	var stoppedAt []int
	for range 40 {
		p.Tick(c.after(DefaultInterval))
		if !p.Playing() {
			stoppedAt = append(stoppedAt, p.Position())
			if p.AtEnd() {
				break
			}
			p.Play()
		}
	}
	want := []int{1, 4, 6}
	if len(stoppedAt) < len(want) || stoppedAt[0] != 1 || stoppedAt[1] != 4 || stoppedAt[2] != 6 {
		t.Errorf("stopped after packets %v, want %v", stoppedAt, want)
	}
	if !p.AtEnd() {
		t.Errorf("never reached the end: position %d", p.Position())
	}
}

func TestPlayerStoppedAtTheEndDoesNotFollowNewPacketsUntilPlay(t *testing.T) {
	c := newClock()
	p := NewPlayer(1, 1)
	p.SetStops(func(int) bool { return true })
	p.Tick(c.t)
	p.SetLen(3) // live packets arrive while stopped after the first
	if p.Position() != 1 {
		t.Fatalf("stopped player followed new packets to %d", p.Position())
	}
	p.Play()
	p.Tick(c.after(time.Millisecond))
	if p.Position() != 2 {
		t.Errorf("play after a stop at the end: position %d, want 2 (goes on, does not start over)", p.Position())
	}
}

func TestPlayerHoldShowsNothingUntilPlay(t *testing.T) {
	c := newClock()
	p := NewPlayer(0, 1)
	p.Hold()
	p.SetLen(4)
	p.Tick(c.t)
	p.Tick(c.after(DefaultInterval))
	if p.Position() != 0 || p.Playing() || !p.Held() {
		t.Fatalf("held player: position %d playing %v held %v, want 0 false true", p.Position(), p.Playing(), p.Held())
	}
	p.Toggle()
	p.Tick(c.after(time.Millisecond))
	if p.Position() != 1 || !p.Playing() || p.Held() {
		t.Errorf("after space: position %d playing %v held %v, want 1 true false", p.Position(), p.Playing(), p.Held())
	}
}
