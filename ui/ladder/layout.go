package ladder

import (
	"sort"

	"github.com/handshake-viz/handshake-viz/capture"
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
)

// String returns "connection", "phase" or "arrow".
func (k RowKind) String() string {
	switch k {
	case RowConnection:
		return "connection"
	case RowPhase:
		return "phase"
	}
	return "arrow"
}

// Title names a phase header. Close titles are derived from the events:
// TitleClose until the second FIN shows which close it is.
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

// Row is one logical row of the ladder. It is small on purpose: a ladder
// of 100,000 packets holds 100,000 of them. Labels are computed when drawn
// (Label), so toggling raw numbers needs no new layout.
type Row struct {
	Kind   RowKind
	Proto  session.EventKind // segment (TCP) or datagram (UDP)
	Dir    session.Dir       // arrow rows: who sent it
	Title  Title             // phase rows
	Extra  uint8             // arrow rows: lines under the arrow (options, marks)
	Stream int               // connection or flow index
	Event  int               // arrow rows: index of the event in the timeline; headers: of the event they precede
	Line   int               // first screen line of the row in the TUI ladder
}

// Height is the number of TUI lines the row takes: one for headers; label,
// arrow and the extra lines for arrows.
func (r *Row) Height() int {
	if r.Kind != RowArrow {
		return 1
	}
	return 2 + int(r.Extra)
}

// Extra-line bits of an arrow row.
const (
	extraOptions = 1 << iota
	extraMarks
)

// ArrowExtras returns which extra lines the arrow of ev has under it: the
// SYN options line and the analysis marks line.
func ArrowExtras(ev *session.Event) (options, marks bool) {
	return HasOptionsLine(ev), ev.Analysis != 0
}

type streamKey struct {
	kind   session.EventKind
	stream int
}

// closeState follows the close of one connection to name it.
type closeState struct {
	finFrom  session.Dir
	finEnd   uint32 // relative sequence number just after the first FIN
	haveFIN  bool
	ackedFIN bool // the other end acknowledged the first FIN before sending its own
	decided  bool
	title    Title // once decided
}

type streamState struct {
	phase    session.Phase
	phaseRow int // row of the current phase header, -1 before the first
	synFrom  [2]bool
	close    closeState
}

// Layout is the pure ladder layout shared by the TUI and the text outputs:
// from events it computes connection headers, phase headers (with the close
// named from what happened) and arrow rows. It is built incrementally as the
// timeline grows. A Layout is used from one goroutine.
type Layout struct {
	kind    session.EventKind // with stream >= 0: TCP stream or UDP flow
	stream  int               // -1: every stream and flow; else that one only
	rows    []Row
	arrows  []int // row index of each arrow
	lines   int
	last    streamKey
	hasLast bool
	streams map[streamKey]*streamState
	infos   map[streamKey]session.StreamInfo
}

// NewLayout returns an empty layout of one TCP stream (kind KindSegment) or
// UDP flow (KindDatagram), or of every stream and flow when stream is -1.
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
	return l.stream < 0 || (ev.Kind == l.kind && ev.Stream == l.stream)
}

// Add lays out the event with timeline index idx of the connection info.
// Events the layout does not show (another stream) add nothing.
func (l *Layout) Add(idx int, ev *session.Event, info session.StreamInfo) AddResult {
	res := AddResult{First: len(l.rows), Retitled: -1}
	if !l.Accepts(ev) {
		return res
	}
	key := streamKey{ev.Kind, ev.Stream}
	st := l.streams[key]
	if st == nil {
		st = &streamState{phaseRow: -1}
		l.streams[key] = st
		l.infos[key] = info
	}
	if !l.hasLast || l.last != key {
		l.push(Row{Kind: RowConnection, Proto: ev.Kind, Stream: ev.Stream, Event: idx})
		st.phaseRow = -1
	}
	l.last, l.hasLast = key, true

	if ev.Kind == session.KindSegment {
		if st.phaseRow < 0 || st.phase != ev.Phase {
			st.phase = ev.Phase
			st.phaseRow = len(l.rows)
			l.push(Row{Kind: RowPhase, Proto: ev.Kind, Stream: ev.Stream, Event: idx, Title: initialTitle(st, ev.Phase)})
		}
		if t, changed := st.observe(ev); changed {
			l.rows[st.phaseRow].Title = t
			if st.phaseRow < res.First {
				res.Retitled = st.phaseRow
			}
		}
	}

	var extra uint8
	opts, marks := ArrowExtras(ev)
	if opts {
		extra++
	}
	if marks {
		extra++
	}
	l.arrows = append(l.arrows, len(l.rows))
	l.push(Row{Kind: RowArrow, Proto: ev.Kind, Dir: ev.From, Stream: ev.Stream, Event: idx, Extra: extra})
	return res
}

func (l *Layout) push(r Row) {
	r.Line = l.lines
	l.lines += r.Height()
	l.rows = append(l.rows, r)
}

// initialTitle is the title of a phase header when it opens. A close
// phase that resumes after its kind was decided keeps the decided name.
func initialTitle(st *streamState, p session.Phase) Title {
	switch p {
	case session.PhaseHandshake:
		return TitleHandshake
	case session.PhaseData:
		return TitleData
	case session.PhaseClose:
		if st.close.decided {
			return st.close.title
		}
		return TitleClose
	case session.PhaseReset:
		return TitleReset
	}
	return TitleNone
}

// observe updates what the stream knows about its handshake and close and
// returns the new title of the current phase header when it changes.
func (st *streamState) observe(ev *session.Event) (Title, bool) {
	flags := ev.Seg.Flags
	switch ev.Phase {
	case session.PhaseHandshake:
		if flags.Has(capture.SYN) && !flags.Has(capture.ACK) {
			st.synFrom[ev.From] = true
			if st.synFrom[session.FromClient] && st.synFrom[session.FromServer] {
				return TitleSimultaneousOpen, true
			}
		}
	case session.PhaseClose:
		return st.close.observe(ev)
	}
	return TitleNone, false
}

// observe names the close from the FINs and ACKs: the second FIN decides.
// It does not acknowledge the first FIN: simultaneous close. It does and
// the other end had acknowledged the first FIN on its own before: four-way
// close. It does and carries that first acknowledgment: three-way close.
func (c *closeState) observe(ev *session.Event) (Title, bool) {
	if c.decided {
		return TitleNone, false
	}
	flags := ev.Seg.Flags
	if !c.haveFIN {
		if flags.Has(capture.FIN) {
			c.haveFIN = true
			c.finFrom = ev.From
			c.finEnd = ev.RelSeq + ev.Seg.PayloadLen + 1
		}
		return TitleNone, false
	}
	if ev.From == c.finFrom {
		return TitleNone, false
	}
	covers := flags.Has(capture.ACK) && int32(ev.RelAck-c.finEnd) >= 0
	if !flags.Has(capture.FIN) {
		if covers {
			c.ackedFIN = true
		}
		return TitleNone, false
	}
	c.decided = true
	switch {
	case !covers:
		c.title = TitleSimultaneousClose
	case c.ackedFIN:
		c.title = TitleFourWayClose
	default:
		c.title = TitleThreeWayClose
	}
	return c.title, true
}

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
