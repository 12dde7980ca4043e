package exchange

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/wire"
	"github.com/handshake-viz/handshake-viz/session"
)

// Proto says which transport a scenario uses.
type Proto uint8

// Transports.
const (
	ProtoTCP  Proto = iota // a TCP listener
	ProtoUDP               // a UDP socket
	ProtoBoth              // both, on the same port number
)

// String returns "tcp", "udp" or "tcp+udp".
func (p Proto) String() string {
	switch p {
	case ProtoUDP:
		return "udp"
	case ProtoBoth:
		return "tcp+udp"
	}
	return "tcp"
}

// Scenario is one entry of the library: a real exchange of the kernel's own
// TCP (or UDP), with what the user should notice and the signature its
// trace must show. Adding a scenario is adding one entry to the table and
// its catalog keys (LineKey, NoticeKey) in package narrate.
type Scenario struct {
	Name    string
	Proto   Proto
	Host    string // server address on loopback; "" is 127.0.0.1
	Clients int    // fixed number of clients; 0 takes Options.Clients
	Backlog int    // listen(2) backlog by raw syscalls; 0 is Go's (the system maximum)
	// NoListen binds the server's port without listening: a SYN to it is
	// answered by RST.
	NoListen bool
	// Wire, when set, makes a fresh (stateful) policy for one run: the
	// scenario needs the lossy wire (capture/wire), whose relay asks the
	// policy about every packet; nil runs on loopback.
	Wire func() wire.Policy
	// Play is both ends' behaviour: it opens every socket through r (so
	// each call is recorded) and returns when both ends are done.
	Play func(ctx context.Context, r *Run) error
	// Signature checks that a captured trace of the scenario shows what
	// the scenario is about (the tests run it on a live capture).
	Signature func(tr Trace) error
}

// LineKey is the catalog key of the scenario's one-line description.
func (s *Scenario) LineKey() string { return "scenario." + s.Name + ".line" }

// NoticeKey is the catalog key of its "what to notice" line.
func (s *Scenario) NoticeKey() string { return "scenario." + s.Name + ".notice" }

// ScenarioLoop is the default scenario: the homework's loop exchange.
const ScenarioLoop = "loop"

// Scenarios returns the library, in the order `handshake-viz scenarios`
// lists it. Slice and entries are new on every call.
func Scenarios() []*Scenario { return library() }

// Lookup returns the scenario called name.
func Lookup(name string) (*Scenario, error) {
	lib := library()
	for _, s := range lib {
		if s.Name == name {
			return s, nil
		}
	}
	names := make([]string, len(lib))
	for i, s := range lib {
		names[i] = s.Name
	}
	return nil, fmt.Errorf("unknown scenario %q: choose one of %s (handshake-viz scenarios lists them)", name, strings.Join(names, ", "))
}

func mustLookup(name string) *Scenario {
	s, err := Lookup(name)
	if err != nil {
		panic(err)
	}
	return s
}

// Trace is a captured run as the signatures and trace waits see it: the
// timeline's events (segments, datagrams and calls) in order.
type Trace struct {
	Events []session.Event
	Server netip.AddrPort
}

// Segments returns the TCP segment events.
func (t Trace) Segments() []session.Event { return t.kind(session.KindSegment) }

// Datagrams returns the UDP datagram events.
func (t Trace) Datagrams() []session.Event { return t.kind(session.KindDatagram) }

// Calls returns the socket-call events.
func (t Trace) Calls() []session.Event { return t.kind(session.KindCall) }

func (t Trace) kind(k session.EventKind) []session.Event {
	var out []session.Event
	for _, ev := range t.Events {
		if ev.Kind == k {
			out = append(out, ev)
		}
	}
	return out
}

// Count counts the segments for which f holds.
func (t Trace) Count(f func(ev *session.Event) bool) int {
	n := 0
	for i := range t.Events {
		if ev := &t.Events[i]; ev.Kind == session.KindSegment && f(ev) {
			n++
		}
	}
	return n
}

// Index returns the position in Events of the first event for which f
// holds after position from, or -1.
func (t Trace) Index(from int, f func(ev *session.Event) bool) int {
	for i := from + 1; i < len(t.Events); i++ {
		if f(&t.Events[i]) {
			return i
		}
	}
	return -1
}

// Flags matches a segment from d with exactly these flags (any when d is
// not FromClient or FromServer... use From for that).
func Flags(d session.Dir, f capture.TCPFlags) func(*session.Event) bool {
	return func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.From == d && ev.Seg.Flags == f
	}
}

// HasFlag matches a segment from d carrying flag f.
func HasFlag(d session.Dir, f capture.TCPFlags) func(*session.Event) bool {
	return func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.From == d && ev.Seg.Flags.Has(f)
	}
}

// CallIs matches the call event of side's call in phase.
func CallIs(side session.Dir, call session.SocketCall, phase session.CallPhase) func(*session.Event) bool {
	return func(ev *session.Event) bool {
		return ev.Kind == session.KindCall && ev.Call.Side == side && ev.Call.Call == call && ev.Call.Phase == phase
	}
}

// After checks that the first event matching b comes after the first
// matching a (both must exist); what names them in the error.
func (t Trace) After(a, b func(*session.Event) bool, what string) error {
	i, j := t.Index(-1, a), t.Index(-1, b)
	switch {
	case i < 0:
		return fmt.Errorf("%s: the first event is missing", what)
	case j < 0:
		return fmt.Errorf("%s: the second event is missing", what)
	case j < i:
		return fmt.Errorf("%s: event %d comes before event %d", what, j, i)
	}
	return nil
}
