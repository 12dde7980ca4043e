package export

import (
	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// item is one row of the ladder layout with its texts resolved: what every
// diagram format writes for it. The row is the Layout's; nothing here
// decides a phase, a title or a state.
type item struct {
	Row    ladder.Row
	Ev     *session.Event
	Info   session.StreamInfo
	Header string // connection and phase rows: the header text

	// Arrow rows.
	Label   string // "SYN, ACK Seq=0 Ack=1"
	Options string // SYN options, "" without
	Marks   string // analysis marks and the wire's verdict, "" without
	Kernel  string // a disagreement with the kernel, "" without
	Client  ladder.LifelineState
	Server  ladder.LifelineState
	Dropped bool // the wire dropped it: it never arrives
	Delayed bool
	Reset   bool // an RST
	Retrans bool // a retransmission of any kind

	// Call rows.
	Call string // "connect() → ok"

	Time int64 // Unix ns (the event's; headers: the event they precede)
}

// model is the whole ladder of an Input, laid out once.
type model struct {
	Items []item
	Start int64 // time of the first event, Unix ns
	Lang  narrate.Lang
	RTT   map[int]int64 // handshake RTT of each TCP stream, ns (0: unknown)
	Roles [2]string     // "client", "server" in the language
	Conns []conn        // the connections and flows, in order of first row
}

// conn is one connection or flow of the ladder, for the participants of
// the diagrams.
type conn struct {
	Proto  session.EventKind
	Stream int
	Info   session.StreamInfo
}

// build lays out the events of in with the ladder Layout and resolves the
// texts of every row.
func build(in *Input, o Options) *model {
	lay := ladder.NewLayout(session.KindSegment, -1)
	for i := range in.Events {
		ev := &in.Events[i]
		lay.Add(i, ev, in.info(ev))
	}
	m := &model{
		Start: lay.Start(),
		Lang:  o.Lang,
		RTT:   make(map[int]int64),
		Roles: [2]string{narrate.Text(o.Lang, "ui.client"), narrate.Text(o.Lang, "ui.server")},
	}
	for _, s := range in.Summaries {
		m.RTT[s.Index] = int64(s.RTT) * 1000
	}
	seen := make(map[conn]bool)
	for i := 0; i < lay.Len(); i++ {
		r := lay.Row(i)
		ev := &in.Events[r.Event]
		it := item{Row: *r, Ev: ev, Info: lay.Info(r), Time: ladder.EventTime(ev)}
		switch r.Kind {
		case ladder.RowConnection:
			it.Header = lay.HeaderText(o.Lang, r)
			c := conn{Proto: r.Proto, Stream: r.Stream, Info: it.Info}
			if !seen[c] {
				seen[c] = true
				m.Conns = append(m.Conns, c)
			}
		case ladder.RowPhase:
			it.Header = lay.HeaderText(o.Lang, r)
		case ladder.RowCall:
			it.Call = ladder.CallText(&ev.Call)
		case ladder.RowArrow:
			it.Label = ladder.Label(ev, o.Raw)
			if ladder.HasOptionsLine(ev) {
				it.Options = ladder.OptionsLine(ev.Seg.Options)
			}
			it.Marks = ladder.Marks(o.Lang, ev)
			it.Kernel = ladder.KernelLine(o.Lang, ev)
			it.Client, it.Server = ladder.States(r, ev)
			it.Dropped = ev.Seg.Verdict == capture.Dropped
			it.Delayed = ev.Seg.Verdict == capture.Delayed
			it.Reset = ev.Kind == session.KindSegment && ev.Seg.Flags.Has(capture.RST)
			it.Retrans = ev.Analysis&(session.Retransmission|session.FastRetransmission|session.SpuriousRetransmission) != 0
		}
		m.Items = append(m.Items, it)
	}
	return m
}

// fromClient reports whether the arrow or call of it belongs to the
// client's side.
func (it *item) fromClient() bool { return it.Row.Dir == session.FromClient }

// ids are the participant ids of the connection of it (a socket call's
// are those of its TCP stream): the client's, the server's.
func (it *item) ids() (a, s string) {
	c := conn{Proto: it.Row.Proto, Stream: it.Row.Stream}
	if c.Proto == session.KindCall {
		c.Proto = session.KindSegment
	}
	return participantIDs(c)
}

// arrowEnds is where the arrow of it goes from and to, of the client's
// end and the server's (participant ids, x positions).
func arrowEnds[T any](it *item, client, server T) (from, to T) {
	if it.fromClient() {
		return client, server
	}
	return server, client
}

// stateNotes is the notes of the states the arrow of it changes, the
// sender's first (its state changed when it sent): note(client, state)
// writes one, client telling on which side.
func (it *item) stateNotes(note func(client bool, state string) string) string {
	notes := [2]string{"", ""}
	if st := stateText(it.Client); st != "" {
		notes[0] = note(true, st)
	}
	if st := stateText(it.Server); st != "" {
		notes[1] = note(false, st)
	}
	if !it.fromClient() {
		notes[0], notes[1] = notes[1], notes[0]
	}
	return notes[0] + notes[1]
}

// stateText returns the state name of a lifeline state, "" when none is shown.
func stateText(s ladder.LifelineState) string {
	if !s.Show {
		return ""
	}
	return ladder.StateName(s.State, false)
}
