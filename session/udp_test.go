package session

import (
	"net/netip"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
)

// dgram is a literal UDP datagram: from the client port (to :53) or back.
type dgram struct {
	port  uint16
	reply bool
	at    int64
	len   uint32
}

func (d dgram) segment(frame uint64) capture.Segment {
	a := netip.MustParseAddrPort("10.0.0.1:1")
	b := netip.MustParseAddrPort("10.0.0.53:53")
	seg := capture.Segment{Frame: frame, TimeNS: d.at, Proto: capture.ProtoUDP, PayloadLen: d.len,
		Src: a.Addr(), SrcPort: d.port, Dst: b.Addr(), DstPort: b.Port()}
	if d.reply {
		seg.Src, seg.Dst, seg.SrcPort, seg.DstPort = seg.Dst, seg.Src, seg.DstPort, seg.SrcPort
	}
	return seg
}

// runUDP feeds the datagrams to a tracker with opts and returns the flows
// taken after each datagram (out[i]: how many), then all of them.
func runUDP(t *testing.T, opts FinishOptions, ds []dgram) (tr *Tracker, got []UDPFlow, out []int) {
	t.Helper()
	tr = NewTrackerWith(TrackerOptions{Finish: opts})
	for i, d := range ds {
		seg := d.segment(uint64(i + 1))
		tr.Track(&seg)
		got = tr.TakeFinishedFlows(got)
		out = append(out, len(got))
	}
	tr.FinishAll()
	return tr, tr.TakeFinishedFlows(got), out
}

func TestUDPFlowIdleLongerThanUDPIdleIsFinishedAndItsNextDatagramStartsANewFlow(t *testing.T) {
	s := int64(time.Second)
	ds := []dgram{
		{1000, false, 0, 30},      // flow 0: query
		{1000, true, 1 * ms, 90},  // its answer
		{2000, false, 30 * s, 30}, // flow 1, still live at 61 s
		{3000, false, 61 * s, 30}, // flow 2: the clock passes 60 s after flow 0's last datagram
		{1000, false, 70 * s, 30}, // flow 0's tuple again, after flow 0 was finished: flow 3
		{2000, true, 80 * s, 10},  // flow 1's answer, 50 s after its query: same flow
	}
	opts := FinishOptions{Stream: true, UDPStream: true, UDPIdle: time.Minute}
	tr, got, out := runUDP(t, opts, ds)
	if want := []int{0, 0, 0, 1, 1, 1}; !equalInts(out, want) {
		t.Errorf("flows out after each datagram %v, want %v", out, want)
	}
	if len(got) != 4 {
		t.Fatalf("%d flows, want 4: %+v", len(got), got)
	}
	for i, f := range got {
		if f.Index != i {
			t.Errorf("flow %d has index %d", i, f.Index)
		}
	}
	if f := got[0]; f.Packets != 2 || f.APackets != 1 || f.Bytes != (PayloadBytes{30, 90}) || f.ConnState() != "SF" || f.History() != "Dd" || f.LastNS-f.FirstNS != ms {
		t.Errorf("flow 0 %+v %s %s", f, f.ConnState(), f.History())
	}
	if f := got[1]; f.Packets != 2 || f.ConnState() != "SF" {
		t.Errorf("flow 1 %+v: the answer 50 s later belongs to it", f)
	}
	if f := got[3]; f.A.Port() != 1000 || f.Packets != 1 || f.ConnState() != "S0" || f.History() != "D" {
		t.Errorf("flow 3 %+v %s", f, f.ConnState())
	}
	if c := tr.FinishCounts(); c.UDPIdle != 1 || c.UDPMaxConns != 0 || c.UDPMaxHeld != 3 {
		t.Errorf("counts %+v: want 1 idle, 3 flows held at most", c)
	}
	if n := tr.UDPFlowCount(); n != 4 {
		t.Errorf("UDPFlowCount %d", n)
	}
}

func TestUDPFlowSeenAgainPastUDPIdleBeforeTheClockExpiredItStartsANewFlow(t *testing.T) {
	s := int64(time.Second)
	// The second datagram alone moves the clock past the first's idle time.
	ds := []dgram{{1000, false, 0, 1}, {1000, false, 90 * s, 1}}
	tr, got, _ := runUDP(t, FinishOptions{Stream: true, UDPStream: true, UDPIdle: time.Minute}, ds)
	if len(got) != 2 || got[0].Packets != 1 || got[1].Packets != 1 || tr.FinishCounts().UDPIdle != 1 {
		t.Errorf("flows %+v counts %+v", got, tr.FinishCounts())
	}
}

func TestMaxConnsFinishesTheOldestUDPFlowFirstAndCountsIt(t *testing.T) {
	ds := []dgram{
		{1000, false, 0, 1},
		{2000, false, 1 * ms, 1},
		{1000, true, 2 * ms, 1},  // flow 0 answered
		{3000, false, 3 * ms, 1}, // a third flow: flow 0, the oldest, is finished
		{1000, true, 4 * ms, 1},  // a late answer on flow 0's tuple: flow 3
	}
	tr, got, out := runUDP(t, FinishOptions{Stream: true, UDPStream: true, MaxConns: 2}, ds)
	if want := []int{0, 0, 0, 1, 2}; !equalInts(out, want) {
		t.Errorf("flows out after each datagram %v, want %v", out, want)
	}
	if len(got) != 4 || got[0].Packets != 2 || got[3].A.Port() != 53 || got[3].Index != 3 {
		t.Errorf("flows %+v", got)
	}
	if c := tr.FinishCounts(); c.UDPMaxConns != 2 || c.UDPMaxHeld != 3 || c.MaxConns != 0 {
		t.Errorf("counts %+v: want 2 UDP flows cut by the limit, none of TCP", c)
	}
}

func TestUDPFlowsWithoutFinishOptionsAreAllKept(t *testing.T) {
	s := int64(time.Second)
	ds := []dgram{{1000, false, 0, 1}, {1000, true, 600 * s, 1}}
	tr, got, _ := runUDP(t, FinishOptions{}, ds)
	if len(got) != 0 {
		t.Errorf("taken %+v, want none", got)
	}
	if fs := tr.UDPFlows(); len(fs) != 1 || fs[0].Packets != 2 {
		t.Errorf("flows %+v, want one of 2 datagrams (no timeout without options)", fs)
	}
}

func TestStreamWithoutUDPStreamKeepsEveryUDPFlowWhole(t *testing.T) {
	// open's catalog: TCP streams handed over, UDP flows listed whole.
	ds := []dgram{{1000, false, 0, 1}, {2000, false, 1 * ms, 1}, {3000, false, 2 * ms, 1}, {1000, true, 600 * ms, 1}}
	tr, got, _ := runUDP(t, FinishOptions{Stream: true, MaxConns: 2}, ds)
	if fs := tr.UDPFlows(); len(got) != 0 || len(fs) != 3 || fs[0].Packets != 2 {
		t.Errorf("taken %+v, kept %+v: want none taken, 3 flows kept", got, fs)
	}
}

func TestFinishedUDPFlowsAreFreedOnceTaken(t *testing.T) {
	tr := NewTrackerWith(TrackerOptions{Finish: FinishOptions{Stream: true, UDPStream: true, MaxConns: 10}})
	var got []UDPFlow
	for i := range 100_000 {
		seg := dgram{uint16(i), false, int64(i) * ms, 1}.segment(uint64(i + 1))
		tr.Track(&seg)
		got = tr.TakeFinishedFlows(got[:0])
	}
	if n := len(tr.udp.flows); n > 2100 {
		t.Errorf("%d flow records held after 100,000 flows with at most 10 live", n)
	}
	if n := len(tr.udp.index); n != 10 {
		t.Errorf("%d 4-tuples known, want 10", n)
	}
	if si := tr.StreamInfo(KindDatagram, 99_999); si.Proto != capture.ProtoUDP {
		t.Errorf("the newest flow is not known: %+v", si)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
