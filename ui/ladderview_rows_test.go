package ui

import (
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// rowsTimeline is the literal exchange as a scenario of the library shows
// it: socket calls between the packets (connect called before the SYN,
// returning after the SYN,ACK; accept returning after the third ACK), the
// client's "hello" dropped by the lossy wire and sent again, and one arrow
// where the kernel's state disagrees with the inferred one.
func rowsTimeline() *session.Timeline {
	ps := laddertest.Exchange()
	evs := laddertest.Events(0, 1, ps)
	call := func(at int64, side session.Dir, c session.SocketCall, ph session.CallPhase, res string) session.Event {
		ev := session.Event{Kind: session.KindCall, Stream: 0, From: side,
			Call: session.Call{Side: side, Call: c, Phase: ph, Result: res, TimeNS: at}}
		ev.Seg.TimeNS = at
		return ev
	}
	ms := int64(1e6)
	dropped := evs[3] // the client's "hello"
	dropped.Seg.Verdict = capture.Dropped
	resent := evs[3]
	resent.Seg.TimeNS += ms / 2
	resent.Seg.Frame = 99
	resent.Analysis = session.Retransmission
	kernel := evs[4] // the server's ACK: the kernel says the client is still something else
	kernel.Kernel = session.KernelView{Known: true, Client: session.FinWait1, Server: session.Established}
	out := []session.Event{
		call(evs[0].Seg.TimeNS-ms/4, session.FromClient, session.CallConnect, session.CallEnter, ""),
		evs[0], evs[1],
		call(evs[1].Seg.TimeNS+ms/4, session.FromClient, session.CallConnect, session.CallReturn, "ok"),
		evs[2],
		call(evs[2].Seg.TimeNS+ms/4, session.FromServer, session.CallAccept, session.CallReturn, "ok"),
		dropped, resent, kernel,
	}
	out = append(out, evs[5:]...)
	tl := session.NewTimeline()
	tl.Append(laddertest.Lookup{}, out...)
	tl.Finish()
	return tl
}

func TestLadderViewDrawsSocketCallsDroppedArrowsAndKernelDisagreement(t *testing.T) {
	tl := rowsTimeline()
	v, l := newView(tl)
	sim := laddertest.NewSim(t, 70, 60)
	v.SetRect(0, 0, 70, 60)
	v.shown, v.progress = l.Arrows(), 1
	v.Draw(sim)
	sim.Show()
	out := laddertest.SimText(sim)
	golden(t, "ladder_rows.golden", out)

	// Each call is drawn on its own side, between the right packets.
	lines := strings.Split(out, "\n")
	find := func(sub string) int {
		for i, ln := range lines {
			if strings.Contains(ln, sub) {
				return i
			}
		}
		t.Fatalf("the ladder lacks %q:\n%s", sub, out)
		return -1
	}
	syn, synack, third := find("SYN Seq=0"), find("SYN, ACK Seq=0 Ack=1"), find("ACK Seq=1 Ack=1")
	connect, connected, accepted := find("connect()"), find("connect() → ok"), find("accept() → ok")
	if !(connect < syn && synack < connected && connected < third && third < accepted) {
		t.Errorf("calls out of place: connect() %d, SYN %d, SYN,ACK %d, connect() → ok %d, third ACK %d, accept() → ok %d",
			connect, syn, synack, connected, third, accepted)
	}
	if i := strings.Index(lines[connected], "connect() → ok"); i > 35 {
		t.Errorf("the client's call is drawn on the server's side (column %d)", i)
	}
	if i := strings.Index(lines[accepted], "accept() → ok"); i < 35 {
		t.Errorf("the server's call is drawn on the client's side (column %d)", i)
	}
	// The dropped arrow stops mid-wire at ✕; its retransmission is marked.
	k := 3 // arrow index of the dropped "hello"
	if row := l.Row(l.ArrowRow(k)); tl.At(row.Event).Seg.Verdict != capture.Dropped {
		t.Fatalf("arrow %d is not the dropped segment", k+1)
	}
	y := arrowY(v, l, k)
	wire := screenLine(sim, y)
	if !strings.Contains(wire, "✕") || strings.Contains(wire, "▶") {
		t.Errorf("the dropped arrow's line %q must end mid-wire at ✕", wire)
	}
	if !strings.Contains(out, "[TCP Retransmission]") {
		t.Errorf("the retransmission of the dropped segment is not marked:\n%s", out)
	}
	// The kernel's disagreement is written, never hidden.
	if !strings.Contains(out, "⚠ the kernel says: client FIN-WAIT-1") {
		t.Errorf("the kernel's disagreement is not shown:\n%s", out)
	}
	if ev := tl.At(l.Row(l.ArrowRow(5)).Event); ladder.KernelLine(narrate.English, &ev) == "" {
		t.Errorf("arrow 6 should carry the kernel line")
	}
}
