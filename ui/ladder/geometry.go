package ladder

// Where states are written on a ladder of a given width.
type StateStyle uint8

// State styles, from the widest ladder to the narrowest.
const (
	StatesFull   StateStyle = iota // full names outside the lifelines ("SYN-RECEIVED")
	StatesShort                    // short names outside the lifelines ("SYN-RCVD")
	StatesInside                   // short names inside the lifelines, at the arrow's ends
)

// String returns "full", "short" or "inside".
func (s StateStyle) String() string {
	switch s {
	case StatesShort:
		return "short"
	case StatesInside:
		return "inside"
	}
	return "full"
}

// Geometry is the column plan of a ladder drawn in text cells (the TUI
// and the ASCII exporter): x positions are 0-based within the width.
//
//	left gutter │ span │ right gutter
//	frame number   label   time          (label line)
//	client state ──arrow──▶ server state (arrow line)
type Geometry struct {
	Width   int
	ClientX int        // column of the client's lifeline
	ServerX int        // column of the server's lifeline
	States  StateStyle // how the lifeline states are written
	Time    bool       // the right gutter holds the time
}

// Span is the number of cells between the lifelines.
func (g Geometry) Span() int { return g.ServerX - g.ClientX - 1 }

// Short reports whether state names are the short ones.
func (g Geometry) Short() bool { return g.States != StatesFull }

// MinSpan is the narrowest gap between the lifelines.
const MinSpan = 8

// Fit plans a ladder of width cells whose widest frame number is numW
// cells, widest time timeW and widest label (or marks, options) labelW:
// the widest plan whose span holds the labels. In order it gives up full
// state names, then states outside the lifelines, then the time. ok is
// false when not even the narrowest plan leaves MinSpan cells.
func Fit(width, numW, timeW, labelW int) (g Geometry, ok bool) {
	need := max(labelW, MinSpan)
	plans := []struct {
		states StateStyle
		time   bool
	}{
		{StatesFull, true}, {StatesShort, true}, {StatesInside, true}, {StatesInside, false},
	}
	for i, p := range plans {
		left, right := numW, 0
		if p.time {
			right = timeW
		}
		switch p.states {
		case StatesFull:
			left, right = max(left, FullStateWidth), max(right, FullStateWidth)
		case StatesShort:
			left, right = max(left, ShortStateWidth), max(right, ShortStateWidth)
		}
		g = Geometry{Width: width, ClientX: left + 1, States: p.states, Time: p.time}
		g.ServerX = width - 1 - right - min(right, 1)
		if right == 0 {
			g.ServerX = width - 2 // one cell of margin
		}
		if g.Span() >= need || i == len(plans)-1 {
			return g, g.Span() >= MinSpan
		}
	}
	return g, false
}
