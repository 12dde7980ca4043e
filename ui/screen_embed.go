package ui

// What a screen that embeds a LadderScreen (explain's guided screen, the
// quiz) may add to it: a note above the narration of chosen arrows, its
// own keys in the help bar and the `?` screen, and the mapping between
// arrows and timeline events. All of it is used on the UI goroutine.

// ExtraKey is a key of the embedding screen, shown with the ladder's own:
// in the help bar when Prio > 0 (the ladder's priorities: 1 always shown)
// and Useful (nil: always) says it does something now, and in the `?`
// screen. The embedder handles the key itself, before HandleKey.
type ExtraKey struct {
	Keys, Desc, Bar string // texts in the screen's language
	Prio            int
	Useful          func() bool
}

// embedding is what SetNote and SetExtraKeys set.
type embedding struct {
	note func(arrow int) string
	keys []ExtraKey
}

// noteFor is the embedder's narration of arrow k, else text.
func (e *embedding) noteFor(k int, text string) string {
	if e.note == nil {
		return text
	}
	if n := e.note(k); n != "" {
		return n
	}
	return text
}

func (e *embedding) barItems() []barItem {
	var out []barItem
	for _, k := range e.keys {
		if k.Prio > 0 && (k.Useful == nil || k.Useful()) {
			out = append(out, barItem{k.Prio, k.Bar})
		}
	}
	return out
}

func (e *embedding) helpRows() [][2]string {
	out := make([][2]string, 0, len(e.keys))
	for _, k := range e.keys {
		out = append(out, [2]string{k.Keys, k.Desc})
	}
	return out
}

// SetNote makes the narration of arrow k f(k) instead of the packet's own
// explanation, when it is not empty (the point to notice at a key packet,
// told in the context of the question asked).
func (s *LadderScreen) SetNote(f func(arrow int) string) {
	s.embed.note = f
	s.sel.arrow = -1 // the selected arrow's narration is made again
	s.sync()
}

// SetExtraKeys adds the embedder's keys to the help bar and the `?` screen.
func (s *LadderScreen) SetExtraKeys(keys []ExtraKey) { s.embed.keys = keys }

// HelpShown reports whether the `?` screen is up (it takes every key).
func (s *LadderScreen) HelpShown() bool { return s.helpShown }

// Sync lays out new events and shows what the Player now says, after the
// embedder moved the Player (UI goroutine; tview redraws after an input
// handler returns).
func (s *LadderScreen) Sync() {
	s.syncTimeline()
	s.sync()
	s.idle.Store(false)
}

// ArrowEvent returns the timeline index of arrow k, -1 when there is none.
func (s *LadderScreen) ArrowEvent(k int) int {
	if k < 0 || k >= s.layout.Arrows() {
		return -1
	}
	return s.layout.Row(s.layout.ArrowRow(k)).Event
}

// EventArrow returns the arrow that draws timeline event i, -1 when no
// arrow does (not laid out yet, or not on this ladder).
func (s *LadderScreen) EventArrow(i int) int {
	for k := 0; k < s.layout.Arrows(); k++ {
		if s.layout.Row(s.layout.ArrowRow(k)).Event == i {
			return k
		}
	}
	return -1
}

// SetNarrationWide shows the whole narration (as the e key does), up to
// half the screen: a guided screen's point to notice is read whole.
func (s *LadderScreen) SetNarrationWide(on bool) { s.narrWide = on }

// SetHideUnplayed draws no arrow after the selected one, instead of the
// whole ladder dimmed: a quiz asks about the next arrow.
func (s *LadderScreen) SetHideUnplayed(on bool) { s.ladder.hideNext = on }
