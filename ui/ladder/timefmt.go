package ladder

import (
	"strconv"
	"strings"
	"time"

	"github.com/handshake-viz/handshake-viz/session"
)

// TimeMode says how the time beside each arrow is written.
type TimeMode uint8

// Time modes, in the order a toggle cycles through them.
const (
	TimeSinceStart TimeMode = iota // seconds since the ladder's first packet: "0.000053"
	TimeOfDay                      // the capture's clock, UTC: "22:13:20.000053"
	TimeDelta                      // since the previous packet or call: "+53µs"
	timeModes
)

// String returns "since-start", "delta" or "time-of-day".
func (m TimeMode) String() string {
	switch m {
	case TimeDelta:
		return "delta"
	case TimeOfDay:
		return "time-of-day"
	}
	return "since-start"
}

// Next returns the mode after m (a toggle key cycles with it).
func (m TimeMode) Next() TimeMode { return (m + 1) % timeModes }

// EventTime returns when ev happened, Unix ns: a packet's capture time, a
// call's own time.
func EventTime(ev *session.Event) int64 {
	if ev.Kind == session.KindCall && ev.Call.TimeNS != 0 {
		return ev.Call.TimeNS
	}
	return ev.Seg.TimeNS
}

// FormatTime writes the time t (Unix ns) in mode: since start (the
// layout's Start), since prev (the event before; prev < 0 for the first)
// or as the time of day.
func FormatTime(mode TimeMode, t, start, prev int64) string {
	switch mode {
	case TimeDelta:
		if prev < 0 {
			return "+0"
		}
		return "+" + FormatDuration(t-prev)
	case TimeOfDay:
		return time.Unix(0, t).UTC().Format("15:04:05.000000")
	}
	return strconv.FormatFloat(float64(t-start)/1e9, 'f', 6, 64)
}

// FormatDuration writes a duration short, as a Δt: "53µs", "1.25ms",
// "2.5s"; negative durations (a clock that went back) keep their sign.
func FormatDuration(ns int64) string {
	neg := ns < 0
	if neg {
		ns = -ns
	}
	var s string
	switch {
	case ns < 1000:
		s = strconv.FormatInt(ns, 10) + "ns"
	case ns < 1e6:
		s = trim(float64(ns)/1e3) + "µs"
	case ns < 1e9:
		s = trim(float64(ns)/1e6) + "ms"
	default:
		s = trim(float64(ns)/1e9) + "s"
	}
	if neg {
		return "-" + s
	}
	return s
}

// trim writes f with at most three significant decimals and no trailing zeros.
func trim(f float64) string {
	prec := 0
	switch {
	case f < 10:
		prec = 2
	case f < 100:
		prec = 1
	}
	out := strconv.FormatFloat(f, 'f', prec, 64)
	if strings.Contains(out, ".") {
		out = strings.TrimRight(strings.TrimRight(out, "0"), ".")
	}
	return out
}
