package feed

import (
	"net/netip"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

var (
	mergeServer = netip.MustParseAddrPort("127.0.0.1:5000")
	mergeClient = func(port uint16) netip.AddrPort { return netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port) }
)

// synOf is the client's SYN of a connection from port at time t.
func synOf(port uint16, t int64) capture.Segment {
	c := mergeClient(port)
	return capture.Segment{TimeNS: t, Src: c.Addr(), Dst: mergeServer.Addr(), SrcPort: c.Port(), DstPort: mergeServer.Port(),
		Proto: capture.ProtoTCP, Flags: capture.SYN, Seq: 1000, Window: 65535}
}

// observe runs seg through tr and registers its events with m, as Run
// does, and returns the calls due before it.
func observe(tr *session.Tracker, m *callMerge, seg capture.Segment) []session.Event {
	evs := tr.Observe(&seg)
	for i := range evs {
		m.register(tr, &evs[i])
	}
	calls := append([]session.Event(nil), m.take(tr, seg.TimeNS)...)
	for i := range evs {
		m.saw(&evs[i])
	}
	return calls
}

func connect(q *Calls, port uint16, phase session.CallPhase, t int64) {
	q.Record(session.Call{Side: session.FromClient, Call: session.CallConnect, Phase: phase, TimeNS: t}, mergeClient(port), mergeServer, session.KernelView{})
}

// The merge hands over each call before the packet after it, and the
// calls recorded for later (a feed behind its sockets) wait untouched; a
// call on a 4-tuple whose packets never came goes once it is lostAfter
// overdue, while an accept waiting for a connection waits on.
func TestCallMergeHandsOverDueCallsInOrderAndLetsCallsOfLostPacketsGo(t *testing.T) {
	q := NewCalls()
	m := newCallMerge(q)
	tr := session.NewTracker()
	base := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC).UnixNano()
	ms := int64(time.Millisecond)
	q.Record(session.Call{Side: session.FromServer, Call: session.CallAccept, Phase: session.CallEnter, TimeNS: base}, mergeServer, netip.AddrPort{}, session.KernelView{})
	connect(q, 40000, session.CallEnter, base+1*ms)
	connect(q, 40001, session.CallEnter, base+2*ms) // its SYN is never captured
	// 1,000 clients later, all recorded before the feed got to them.
	for i := range 1000 {
		connect(q, uint16(41000+i), session.CallEnter, base+100*ms+int64(i)*ms)
	}
	got := observe(tr, m, synOf(40000, base+3*ms))
	if len(got) != 2 || got[0].Call.Call != session.CallAccept || got[1].Call.Call != session.CallConnect || got[1].Stream != 0 {
		t.Fatalf("before the first SYN: %+v, want accept's and connect's enters on stream 0", got)
	}
	if n := len(q.stuck); n != 1 {
		t.Errorf("%d calls waiting for their stream, want the one of port 40001", n)
	}
	if pend := len(q.pending) - q.head; pend != 1000 {
		t.Errorf("%d calls queued for later, want the 1,000 clients'", pend)
	}
	// The next clients' SYNs: each connect before its SYN; 40001's call
	// waits until it is lostAfter overdue.
	for i := range 3 {
		got = observe(tr, m, synOf(uint16(41000+i), base+100*ms+int64(i)*ms+ms/2))
		if len(got) != 1 || got[0].Call.Phase != session.CallEnter || got[0].Stream != 1+i {
			t.Fatalf("before SYN %d: %+v, want its connect's enter", i, got)
		}
	}
	if len(q.stuck) != 1 {
		t.Fatalf("the call of the lost SYN went early: %d waiting", len(q.stuck))
	}
	// The other 997 clients' SYNs never come either: past lostAfter their
	// calls go too, and a SYN then has no call before it.
	late := base + 1100*ms + lostAfter + ms
	if got = observe(tr, m, synOf(50000, late)); len(got) != 0 {
		t.Errorf("%d calls before a SYN lostAfter later, want none", len(got))
	}
	if n := len(q.stuck) + len(q.pending) - q.head; n != 0 {
		t.Errorf("%d calls still queued past lostAfter, want none (their packets were lost)", n)
	}

	// An accept's enter waits for its connection however long it takes.
	q = NewCalls()
	m = newCallMerge(q)
	tr = session.NewTracker()
	q.Record(session.Call{Side: session.FromServer, Call: session.CallAccept, Phase: session.CallEnter, TimeNS: base}, mergeServer, netip.AddrPort{}, session.KernelView{})
	m.take(tr, base+lostAfter*3)
	if len(q.stuck) != 1 {
		t.Fatalf("an accept waiting for a connection went: %d waiting", len(q.stuck))
	}
	if got = observe(tr, m, synOf(50001, base+lostAfter*3+ms)); len(got) != 1 || got[0].Call.Call != session.CallAccept {
		t.Errorf("before the SYN after a long wait: %+v, want the accept's enter", got)
	}
}

// BenchmarkCallMergeTakeBehindALongQueue is one packet's take while
// 100,000 calls wait for later packets (a feed behind its sockets): its
// cost must not grow with the queue.
func BenchmarkCallMergeTakeBehindALongQueue(b *testing.B) {
	q := NewCalls()
	m := newCallMerge(q)
	tr := session.NewTracker()
	base := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC).UnixNano()
	for i := range 100_000 {
		connect(q, uint16(1+i%60000), session.CallEnter, base+int64(time.Hour)+int64(i))
	}
	b.ResetTimer()
	for i := range b.N {
		m.take(tr, base+int64(i))
	}
}
