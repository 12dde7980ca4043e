package ladder

import (
	"math/bits"
	"sort"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// RowKind says what a ladder row shows.
type RowKind uint8

// Row kinds.
const (
	RowConnection RowKind = iota // "Connection 2 · a → b" header
	RowPhase                     // "Three-way handshake" header
	RowArrow                     // one packet
	RowCall                      // a socket call of one end (Event.Kind == KindCall)
)

// String returns "connection", "phase", "arrow" or "call".
func (k RowKind) String() string {
	switch k {
	case RowConnection:
		return "connection"
	case RowPhase:
		return "phase"
	case RowCall:
		return "call"
	}
	return "arrow"
}

// Title names a phase header, from what the Tracker decided
// (Event.Handshake, Event.Close): TitleClose until the close is known.
type Title uint8

// Phase titles.
const (
	TitleNone Title = iota
	TitleHandshake
	TitleSimultaneousOpen
	TitleData
	TitleClose
	TitleFourWayClose
	TitleThreeWayClose
	TitleSimultaneousClose
	TitleReset
)

var titleInfo = [...]struct {
	name string
	key  narrate.Key
}{
	TitleNone:              {"none", ""},
	TitleHandshake:         {"handshake", "ui.phase.handshake"},
	TitleSimultaneousOpen:  {"simultaneous-open", "ui.phase.handshake.simul"},
	TitleData:              {"data", "ui.phase.data"},
	TitleClose:             {"close", "ui.phase.close"},
	TitleFourWayClose:      {"fin4", "ui.phase.close.fin4"},
	TitleThreeWayClose:     {"fin3", "ui.phase.close.fin3"},
	TitleSimultaneousClose: {"simultaneous-close", "ui.phase.close.simul"},
	TitleReset:             {"reset", "ui.phase.reset"},
}

// String returns a short id: "handshake", "fin4", "simultaneous-close", …
func (t Title) String() string {
	if int(t) < len(titleInfo) {
		return titleInfo[t].name
	}
	return "unknown"
}

// Key is the catalog key of the header text.
func (t Title) Key() narrate.Key {
	if int(t) < len(titleInfo) {
		return titleInfo[t].key
	}
	return ""
}

// Text returns the header text in lang.
func (t Title) Text(lang narrate.Lang) string { return narrate.Text(lang, t.Key()) }

// Line names one screen line of a row. Arrow rows are drawn top to
// bottom in this order, so everything written about an arrow stands
// between the arrow before it and its own arrow line, which ends the row.
type Line uint8

// Lines of a row, in drawing order (bit values of Row.Lines).
const (
	LineHeader  Line = 1 << iota // a connection or phase header
	LineMarks                    // analysis marks and the wire's verdict ("[TCP Retransmission]")
	LineKernel                   // the kernel's states where they differ from the inferred ones
	LineLabel                    // "SYN, ACK Seq=0 Ack=1"
	LineOptions                  // SYN options: "MSS=65495 WS=128 SACK_PERM TS"
	LineArrow                    // the arrow, with the states beside the lifelines
	LineCall                     // a socket call beside its end's lifeline
)

var lineNames = [...]string{"header", "marks", "kernel", "label", "options", "arrow", "call"}

// String returns "header", "marks", "kernel", "label", "options", "arrow" or "call".
func (l Line) String() string {
	for i, n := range lineNames {
		if l == 1<<i {
			return n
		}
	}
	return "lines"
}

// Row is one logical row of the ladder. It is small on purpose: a ladder
// of 100,000 packets holds 100,000 of them. Texts are computed when drawn
// (Label, Marks, States), so toggling raw numbers needs no new layout.
type Row struct {
	Kind   RowKind
	Proto  session.EventKind // segment (TCP) or datagram (UDP); a call row has its socket's
	Dir    session.Dir       // arrow rows: who sent it; call rows: whose call
	Title  Title             // phase rows
	Lines  Line              // the lines the row has (a bit set), drawn in bit order
	First  bool              // arrow rows: the first arrow of its connection in this layout
	Stream int               // connection or flow index
	Event  int               // arrow and call rows: index of the event in the timeline; headers: of the event they precede
	Line   int               // first screen line of the row in the TUI ladder
}

// Height is the number of TUI lines the row takes.
func (r *Row) Height() int { return bits.OnesCount8(uint8(r.Lines)) }

// LineAt returns which line sub-line sub (0-based, < Height) of the row is.
func (r *Row) LineAt(sub int) Line {
	for b := Line(1); b != 0; b <<= 1 {
		if r.Lines&b != 0 {
			if sub == 0 {
				return b
			}
			sub--
		}
	}
	return 0
}

// ArrowLines returns the lines the arrow of ev takes: marks when it has
// analysis marks or a wire verdict, the kernel line when the kernel
// disagrees, the label, the options of a SYN, the arrow.
func ArrowLines(ev *session.Event) Line {
	l := LineLabel | LineArrow
	if HasMarks(ev) {
		l |= LineMarks
	}
	if KernelDiffers(ev) {
		l |= LineKernel
	}
	if HasOptionsLine(ev) {
		l |= LineOptions
	}
	return l
}

type streamKey struct {
	kind   session.EventKind
	stream int
}

type streamState struct {
	phase    session.Phase
	phaseRow int // row of the current phase header, -1 before the first
	arrows   int // arrows of the stream laid out
	close    Title
}

// Layout is the pure ladder layout shared by the TUI, the text output and
// the exporters: from events it computes connection headers, phase
// headers (titled from what the Tracker decided: Event.Handshake and
// Event.Close), arrow rows and socket-call rows. It is built
// incrementally as the timeline grows. A Layout is used from one
// goroutine.
type Layout struct {
	kind    session.EventKind // with stream >= 0: TCP stream or UDP flow
	stream  int               // -1: every stream and flow; else that one only
	rows    []Row
	arrows  []int // row index of each arrow
	lines   int
	start   int64 // time of the first event laid out, Unix ns
	last    streamKey
	hasLast bool
	streams map[streamKey]*streamState
	infos   map[streamKey]session.StreamInfo
}

// NewLayout returns an empty layout of one TCP stream (kind KindSegment) or
// UDP flow (KindDatagram), or of every stream and flow when stream is -1.
// The socket calls of a TCP stream (KindCall events with its index) are
// part of its layout.
func NewLayout(kind session.EventKind, stream int) *Layout {
	return &Layout{
		kind:    kind,
		stream:  stream,
		streams: make(map[streamKey]*streamState),
		infos:   make(map[streamKey]session.StreamInfo),
	}
}

// AddResult says what Add changed.
type AddResult struct {
	First    int // index of the first row added; == Len() when nothing was added
	Retitled int // row index of an earlier phase header whose title changed, or -1
}

// Accepts reports whether the layout shows ev (stream filter).
func (l *Layout) Accepts(ev *session.Event) bool {
	if l.stream < 0 {
		return true
	}
	return ev.StreamKind() == l.kind && ev.Stream == l.stream
}

// Add lays out the event with timeline index idx of the connection info.
// Events the layout does not show (another stream) add nothing.
func (l *Layout) Add(idx int, ev *session.Event, info session.StreamInfo) AddResult {
	res := AddResult{First: len(l.rows), Retitled: -1}
	if !l.Accepts(ev) {
		return res
	}
	if len(l.rows) == 0 {
		l.start = EventTime(ev)
	}
	kind := ev.StreamKind() // a call goes with its socket's stream or flow
	key := streamKey{kind, ev.Stream}
	st := l.streams[key]
	if st == nil {
		st = &streamState{phaseRow: -1, close: TitleClose}
		l.streams[key] = st
		l.infos[key] = info
	}
	if !l.hasLast || l.last != key {
		l.push(Row{Kind: RowConnection, Proto: kind, Stream: ev.Stream, Event: idx, Lines: LineHeader})
		st.phaseRow = -1
	}
	l.last, l.hasLast = key, true

	if ev.Kind == session.KindCall {
		l.push(Row{Kind: RowCall, Proto: kind, Dir: ev.Call.Side, Stream: ev.Stream, Event: idx, Lines: LineCall})
		return res
	}
	if ev.Kind == session.KindSegment {
		if st.phaseRow < 0 || st.phase != ev.Phase {
			st.phase = ev.Phase
			st.phaseRow = len(l.rows)
			l.push(Row{Kind: RowPhase, Proto: ev.Kind, Stream: ev.Stream, Event: idx, Title: st.title(ev)})
		} else if t := st.title(ev); t != l.rows[st.phaseRow].Title {
			l.rows[st.phaseRow].Title = t
			if st.phaseRow < res.First {
				res.Retitled = st.phaseRow
			}
		}
	}
	l.arrows = append(l.arrows, len(l.rows))
	l.push(Row{Kind: RowArrow, Proto: ev.Kind, Dir: ev.From, Stream: ev.Stream, Event: idx,
		Lines: ArrowLines(ev), First: st.arrows == 0})
	st.arrows++
	return res
}

func (l *Layout) push(r Row) {
	if r.Lines == 0 {
		r.Lines = LineHeader
	}
	r.Line = l.lines
	l.lines += r.Height()
	l.rows = append(l.rows, r)
}

// title is the title of the current phase header after ev: the names the
// Tracker decided (Event.Handshake, Event.Close). A close phase that
// resumes after its kind was decided keeps the decided name.
func (st *streamState) title(ev *session.Event) Title {
	switch ev.Phase {
	case session.PhaseHandshake:
		if ev.Handshake == session.HandshakeSimultaneous {
			return TitleSimultaneousOpen
		}
		return TitleHandshake
	case session.PhaseData:
		return TitleData
	case session.PhaseClose:
		switch ev.Close {
		case session.CloseFIN4:
			st.close = TitleFourWayClose
		case session.CloseFIN3:
			st.close = TitleThreeWayClose
		case session.CloseSimultaneous:
			st.close = TitleSimultaneousClose
		}
		return st.close
	case session.PhaseReset:
		return TitleReset
	}
	return TitleNone
}

// Start is the time of the first event laid out (Unix ns), the zero of
// TimeSinceStart.
func (l *Layout) Start() int64 { return l.start }

// Len is the number of rows.
func (l *Layout) Len() int { return len(l.rows) }

// Row returns row i. The pointer is valid until the next Add.
func (l *Layout) Row(i int) *Row { return &l.rows[i] }

// Arrows is the number of arrow rows (packets shown).
func (l *Layout) Arrows() int { return len(l.arrows) }

// ArrowRow returns the row index of arrow k (0-based).
func (l *Layout) ArrowRow(k int) int { return l.arrows[k] }

// Lines is the total number of TUI lines.
func (l *Layout) Lines() int { return l.lines }

// Info returns the connection or flow of a row.
func (l *Layout) Info(r *Row) session.StreamInfo {
	return l.infos[streamKey{r.Proto, r.Stream}]
}

// RowAtLine returns the index of the row that covers TUI line, or -1.
// It costs O(log rows).
func (l *Layout) RowAtLine(line int) int {
	if line < 0 || line >= l.lines {
		return -1
	}
	i := sort.Search(len(l.rows), func(i int) bool { return l.rows[i].Line > line })
	return i - 1
}

// ArrowOfRow returns the arrow number (0-based) of arrow row i, or -1 when
// row i is a header. It costs O(log arrows).
func (l *Layout) ArrowOfRow(i int) int {
	k := sort.SearchInts(l.arrows, i)
	if k < len(l.arrows) && l.arrows[k] == i {
		return k
	}
	return -1
}

// HeaderText returns the text of a header row in lang.
func (l *Layout) HeaderText(lang narrate.Lang, r *Row) string {
	switch r.Kind {
	case RowConnection:
		info := l.Info(r)
		key := narrate.Key("ui.conn.tcp")
		if r.Proto == session.KindDatagram {
			key = "ui.conn.udp"
		}
		// The index is the one analyze, --json and Wireshark (tcp.stream) use.
		return narrate.Text(lang, key, r.Stream, info.Client, info.Server)
	case RowPhase:
		return r.Title.Text(lang)
	}
	return ""
}
