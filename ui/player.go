package ui

import "time"

// DefaultInterval is the time between two arrows at speed 1.
const DefaultInterval = 800 * time.Millisecond

// animShare is the part of the interval the newest arrow takes to grow
// from sender to receiver.
const animShare = 0.6

// Speed limits.
const (
	minSpeed = 0.125
	maxSpeed = 64
)

// Player is the cursor over the packets of a ladder: how many are shown,
// whether it plays, how fast, and how far the newest arrow has grown. It is
// a pure model: time enters only through Tick, so tests drive it with a
// fake clock. A Player is used from one goroutine (the UI goroutine).
//
// Position is the number of packets shown; the selected packet is the last
// shown one (Position-1).
type Player struct {
	pos, n   int
	playing  bool
	speed    float64
	next     time.Time // when playing: time of the next advance; zero = at the next Tick
	animFrom time.Time // when the newest arrow started to grow; zero = no animation
	now      time.Time // time of the last Tick
	// pendingAnim: the newest arrow appeared between Ticks (followed live)
	// and starts growing at the next Tick.
	pendingAnim bool
	// stops, when set, says after which packets playback pauses on its
	// own (--pause-at); held: paused before the first packet, not
	// following new ones, until Play (--start-paused).
	stops func(i int) bool
	held  bool
}

// NewPlayer returns a playing Player at position 0 over n packets.
// speed 1 shows one arrow per DefaultInterval; speeds <= 0 mean 1.
func NewPlayer(n int, speed float64) *Player {
	p := &Player{n: n, playing: true}
	p.SetSpeed(speed)
	return p
}

// Position is the number of packets shown (0..Len).
func (p *Player) Position() int { return p.pos }

// Selected is the index of the selected packet, -1 when none is shown.
func (p *Player) Selected() int { return p.pos - 1 }

// Len is the number of packets the cursor runs over.
func (p *Player) Len() int { return p.n }

// SetStops makes playback pause on its own after showing each packet i
// for which stop(i) is true; nil removes the stops. Stepping and seeking
// are not affected.
func (p *Player) SetStops(stop func(i int) bool) { p.stops = stop }

// Hold pauses before the first packet: nothing is shown, and packets that
// arrive are not followed, until Play. A stop (SetStops) holds likewise
// where it stopped.
func (p *Player) Hold() {
	p.Seek(0)
	p.playing, p.held = false, true
}

// Held reports whether the player waits, holding, for Play.
func (p *Player) Held() bool { return p.held }

// Playing reports whether the player advances on its own.
func (p *Player) Playing() bool { return p.playing }

// Speed is the speed factor.
func (p *Player) Speed() float64 { return p.speed }

// AtEnd reports whether every packet is shown.
func (p *Player) AtEnd() bool { return p.pos >= p.n }

// Interval is the time between two arrows at the current speed.
func (p *Player) Interval() time.Duration {
	return time.Duration(float64(DefaultInterval) / p.speed)
}

// SetSpeed sets the speed factor, clamped to [1/8, 64]; <= 0 means 1.
func (p *Player) SetSpeed(f float64) {
	if f <= 0 {
		f = 1
	}
	p.speed = min(max(f, minSpeed), maxSpeed)
	p.next = time.Time{}
}

// Faster doubles the speed; Slower halves it.
func (p *Player) Faster() { p.SetSpeed(p.speed * 2) }

// Slower halves the speed.
func (p *Player) Slower() { p.SetSpeed(p.speed / 2) }

// SetLen tells the player the timeline has n packets now. Playing, it
// continues into them at its pace; paused at the end, it follows them
// (shows the newest, animated from the next Tick).
func (p *Player) SetLen(n int) {
	if n < 0 {
		n = 0
	}
	follow := !p.playing && !p.held && p.pos == p.n && n > p.n
	p.n = n
	if p.pos > n {
		p.pos = n
	}
	if follow {
		p.pos = n
		p.startAnim()
	}
}

// Play resumes playback; at the end it starts over, unless it was held
// there (a stop, or Hold), where it goes on with the packets to come.
func (p *Player) Play() {
	if p.AtEnd() && p.n > 0 && !p.held {
		p.pos = 0
	}
	p.playing, p.held = true, false
	p.next = time.Time{}
}

// Pause stops playback; the newest arrow still finishes growing.
func (p *Player) Pause() { p.playing = false }

// Toggle pauses or resumes.
func (p *Player) Toggle() {
	if p.playing {
		p.Pause()
		return
	}
	p.Play()
}

// Step moves the cursor by delta packets and pauses.
func (p *Player) Step(delta int) {
	p.Pause()
	p.Seek(p.pos + delta)
}

// Seek shows the first pos packets (clamped); the newest is drawn whole.
func (p *Player) Seek(pos int) {
	p.held = false
	p.pos = min(max(pos, 0), p.n)
	p.animFrom = time.Time{}
	p.pendingAnim = false
	p.next = time.Time{}
}

// Select selects packet i (shows packets 0..i) and pauses.
func (p *Player) Select(i int) {
	p.Pause()
	p.Seek(i + 1)
}

// Home shows only the first packet and pauses.
func (p *Player) Home() { p.Pause(); p.Seek(1) }

// End shows every packet and pauses (so it follows new ones).
func (p *Player) End() { p.Pause(); p.Seek(p.n) }

// Replay starts over from the beginning and plays.
func (p *Player) Replay() {
	p.Seek(0)
	p.playing = true
}

// startAnim makes the newest arrow grow from the next Tick on.
func (p *Player) startAnim() { p.pendingAnim = true }

// Tick advances the player to now: while playing, it shows the next packet
// once per Interval (the first right away). It reports whether anything
// visible changed (position or animation).
func (p *Player) Tick(now time.Time) bool {
	wasAnimating := p.Animating()
	p.now = now
	if p.pendingAnim {
		p.animFrom = now
		p.pendingAnim = false
	}
	changed := false
	if p.playing && p.pos < p.n && (p.next.IsZero() || !now.Before(p.next)) {
		p.pos++
		p.animFrom = now
		p.next = now.Add(p.Interval())
		changed = true
		if p.stops != nil && p.stops(p.pos-1) {
			// Held: new packets are not followed past the stop. The arrow
			// still grows to its end.
			p.playing, p.held = false, true
		}
	}
	return changed || wasAnimating || p.Animating()
}

// Progress is how far the newest arrow has grown, 0..1, as of the last
// Tick. Arrows shown by Seek or Step are whole (1).
func (p *Player) Progress() float64 {
	if p.pendingAnim {
		return 0
	}
	if p.animFrom.IsZero() {
		return 1
	}
	d := time.Duration(float64(p.Interval()) * animShare)
	f := float64(p.now.Sub(p.animFrom)) / float64(d)
	return min(max(f, 0), 1)
}

// Animating reports whether the newest arrow is still growing.
func (p *Player) Animating() bool { return p.Progress() < 1 }

// Idle reports whether nothing will change without input or new packets:
// paused (or at the end) and no arrow growing.
func (p *Player) Idle() bool {
	return (!p.playing || p.AtEnd()) && !p.Animating()
}
