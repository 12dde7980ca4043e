package ui

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

var (
	udpClientAP = netip.MustParseAddrPort("127.0.0.1:40113")
	udpServerAP = netip.MustParseAddrPort("127.0.0.1:8888")
)

// compareLookup names the literal TCP connection and the UDP flow.
type compareLookup struct{}

func (compareLookup) StreamInfo(kind session.EventKind, index int) session.StreamInfo {
	if kind == session.KindDatagram {
		return session.StreamInfo{Index: index, Proto: capture.ProtoUDP, Client: udpClientAP, Server: udpServerAP}
	}
	return laddertest.StreamInfo(index)
}

// compareTimeline is a tcp-vs-udp run as the scenario makes it: the
// literal TCP exchange (frame lengths of lo: 14 + 20 + 20, SYN options
// 20 more) and the same "hello" with its answer over UDP.
func compareTimeline() *session.Timeline {
	tcp := laddertest.Events(0, 1, laddertest.Exchange())
	for i := range tcp {
		seg := &tcp[i].Seg
		seg.WireLen = 14 + 20 + 20 + seg.PayloadLen
		if seg.Flags.Has(capture.SYN) {
			seg.WireLen += 20
		}
	}
	var udp []session.Event
	for i, d := range []struct {
		from    session.Dir
		payload string
	}{{session.FromClient, "hello"}, {session.FromServer, laddertest.Reply}} {
		src, dst := udpClientAP, udpServerAP
		if d.from == session.FromServer {
			src, dst = dst, src
		}
		frame := uint64(20 + i)
		udp = append(udp, session.Event{
			Kind: session.KindDatagram, Stream: 0, N: i + 1, From: d.from, Note: session.NoteDatagram,
			Seg: capture.Segment{
				Frame: frame, TimeNS: laddertest.T0 + int64(frame)*1e6, Proto: capture.ProtoUDP,
				Src: src.Addr(), SrcPort: src.Port(), Dst: dst.Addr(), DstPort: dst.Port(),
				PayloadLen: uint32(len(d.payload)), WireLen: uint32(14 + 20 + 8 + len(d.payload)),
			},
		})
	}
	tl := session.NewTimeline()
	tl.Append(compareLookup{}, append(tcp, udp...)...)
	tl.Finish()
	return tl
}

func TestCompareMeasuresPacketsHeaderBytesAndTimeToFirstData(t *testing.T) {
	tl := compareTimeline()
	c := Compare(tl.Slice(0, tl.Len()), LinkHeaderLoopback)
	want := Comparison{
		TCP: Figures{Packets: 11, HeaderBytes: 11*40 + 2*20, PayloadBytes: 5 + 27, FirstData: 3 * time.Millisecond, HasData: true, HasLengths: true},
		UDP: Figures{Packets: 2, HeaderBytes: 2 * 28, PayloadBytes: 5 + 27, FirstData: 0, HasData: true, HasLengths: true},
	}
	if c != want {
		t.Errorf("Compare = %+v\nwant      %+v", c, want)
	}
}

func TestCompareScreenShowsBothLaddersSideBySideOverTheMeasuredTable(t *testing.T) {
	for _, tc := range []struct {
		lang narrate.Lang
		file string
	}{{narrate.English, "compare_tcp_udp.golden"}, {narrate.Chinese, "compare_tcp_udp_zh.golden"}} {
		tl := compareTimeline()
		s := NewCompareScreen(nil, tl, ScreenOptions{
			Title:  "handshake-viz demo · tcp-vs-udp · live capture on lo, 127.0.0.1:8888",
			Notice: narrate.Text(tc.lang, "demo.notice", "the same messages, 11 TCP segments against 2 datagrams."),
			Lang:   tc.lang,
		})
		sim := laddertest.NewSim(t, 120, 40)
		s.SetRect(0, 0, 120, 40)
		s.Draw(sim)
		sim.Show()
		out := laddertest.SimText(sim)
		golden(t, tc.file, out)
		lines := strings.Split(out, "\n")
		// The TCP ladder is on the left half, the UDP one on the right,
		// and the datagram arrows carry no flags and no states.
		for _, ln := range lines {
			if i := strings.Index(ln, "SYN Seq=0"); i >= 60 {
				t.Errorf("a TCP arrow on the right half: %q", ln)
			}
			if i := strings.Index(ln, "UDP Len=5"); i >= 0 && i < 60 {
				t.Errorf("a UDP arrow on the left half: %q", ln)
			}
			if i := strings.Index(ln, "UDP Len="); i >= 0 && strings.ContainsAny(ln[i:], "[") {
				t.Errorf("a UDP arrow with marks: %q", ln)
			}
		}
		if !strings.Contains(out, "UDP Len=5") || !strings.Contains(out, "UDP Len=27") {
			t.Errorf("the UDP ladder lacks its datagrams:\n%s", out)
		}
		if tc.lang == narrate.English {
			for _, want := range []string{"packets", "11", "480", "56", "3ms"} {
				if !strings.Contains(out, want) {
					t.Errorf("the table lacks %q:\n%s", want, out)
				}
			}
		}
	}
}

func TestComparisonTextHasOneLinePerFigureWithBothColumns(t *testing.T) {
	tl := compareTimeline()
	var b strings.Builder
	if err := Compare(tl.Slice(0, tl.Len()), LinkHeaderLoopback).WriteText(&b, narrate.English); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 7 || !strings.HasPrefix(lines[0], "TCP vs UDP") {
		t.Fatalf("table:\n%s", b.String())
	}
	if f := strings.Fields(lines[2]); len(f) != 3 || f[0] != "packets" || f[1] != "11" || f[2] != "2" {
		t.Errorf("packets line %q, want packets 11 2", lines[2])
	}
	if !strings.HasSuffix(lines[3], "480     56") {
		t.Errorf("header bytes line %q", lines[3])
	}
}

func TestRunCompareGrowsWithTheTimelineAndQuitsOnQAndOnContext(t *testing.T) {
	for _, how := range []string{"q", "context"} {
		full := compareTimeline()
		tl := session.NewTimeline() // grows while the screen is up
		sim := tcell.NewSimulationScreen("UTF-8")
		app := tview.NewApplication().SetScreen(sim)
		sim.SetSize(120, 40)
		ready := make(chan struct{})
		var once sync.Once
		app.SetAfterDrawFunc(func(screen tcell.Screen) {
			// The simulation's contents are those of the last Show, which
			// tview calls after this function: show this frame first, or
			// the last frame drawn is never read.
			screen.Show()
			if strings.Contains(laddertest.SimText(sim), "UDP Len=27") {
				once.Do(func() { close(ready) })
			}
		})
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- runCompare(ctx, app, tl, ScreenOptions{Title: "tcp-vs-udp", Lang: narrate.English}) }()
		tl.Append(compareLookup{}, full.Slice(0, full.Len())...)
		select {
		case <-ready:
		case <-time.After(10 * time.Second):
			t.Fatal("the UDP ladder never showed the last datagram")
		}
		if how == "q" {
			sim.InjectKey(tcell.KeyRune, 'q', tcell.ModNone)
		} else {
			cancel()
		}
		select {
		case err := <-errc:
			if err != nil {
				t.Errorf("%s: runCompare = %v", how, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the screen did not stop", how)
		}
		cancel()
		sim.Fini()
	}
}

// A terminal tcell cannot drive ends the tcp-vs-udp screen at once with
// the line that names TERM and the way without a screen, as the ladder's.
func TestRunCompareOnADumbTerminalNamesTERMAndNoTUI(t *testing.T) {
	t.Setenv("TERM", "dumb")
	err := RunCompare(context.Background(), compareTimeline(), ScreenOptions{Title: "tcp-vs-udp", Lang: narrate.English})
	if err == nil || !strings.Contains(err.Error(), `TERM="dumb" cannot show it`) || !strings.Contains(err.Error(), "--no-tui") {
		t.Errorf("RunCompare with TERM=dumb = %v, want the error naming TERM and --no-tui", err)
	}
}
