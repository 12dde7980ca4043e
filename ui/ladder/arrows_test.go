package ladder

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// The picture, arrow by arrow, of real captures nobody here wrote (and of
// the demo's own recording): for every arrow, what the ladder writes beside
// each lifeline and at which end, its label and marks, and the narration.

// fileEvents runs a capture through the real decoder, Tracker and feed and
// returns its timeline's events with the stream infos.
func fileEvents(t *testing.T, path string) ([]session.Event, *session.Timeline) {
	t.Helper()
	tl, _, _ := laddertest.Play(t, path, feed.Options{})
	return tl.Slice(0, tl.Len()), tl
}

// arrowPicture is what one arrow of a layout shows.
type arrowPicture struct {
	ev             *session.Event
	client, server LifelineState
}

// pictureOf lays out stream's TCP events and returns each arrow's picture.
func pictureOf(evs []session.Event, tl *session.Timeline, stream int) []arrowPicture {
	l := NewLayout(session.KindSegment, stream)
	for i := range evs {
		l.Add(i, &evs[i], tl.StreamInfo(evs[i].Kind, evs[i].Stream))
	}
	out := make([]arrowPicture, l.Arrows())
	for k := range out {
		r := l.Row(l.ArrowRow(k))
		ev := &evs[r.Event]
		c, s := States(r, ev)
		out[k] = arrowPicture{ev: ev, client: c, server: s}
	}
	return out
}

// checkPicture asserts the state rule on every arrow: nothing the Tracker
// changed is hidden, the sender's change stands at the send end and the
// receiver's at the arrival end, and what the lifelines show, read top to
// bottom, is always the Tracker's state of both ends after the arrow.
func checkPicture(t *testing.T, name string, pic []arrowPicture) {
	t.Helper()
	var shown [2]session.State
	for k, a := range pic {
		ev := a.ev
		for side, ls := range []LifelineState{a.client, a.server} {
			d := session.Dir(side) // FromClient == 0, FromServer == 1
			bit := session.ClientSide
			want := ev.Client
			if d == session.FromServer {
				bit, want = session.ServerSide, ev.Server
			}
			wantAt := ArrivalEnd
			if d == ev.From {
				wantAt = SendEnd
			}
			if ls.At != wantAt {
				t.Errorf("%s arrow %d: the %v's state stands at the %v end, want %v", name, k+1, d, ls.At, wantAt)
			}
			if ev.Changed&bit != 0 && !ls.Show && ev.Seg.Verdict != capture.Dropped {
				t.Errorf("%s arrow %d: the %v changed to %v but its lifeline shows nothing", name, k+1, d, want)
			}
			if ls.Show {
				if ls.State != want {
					t.Errorf("%s arrow %d: the %v's lifeline shows %v, the Tracker says %v", name, k+1, d, ls.State, want)
				}
				shown[side] = ls.State
			}
			if shown[side] != want {
				t.Errorf("%s arrow %d: reading the lifelines the %v is %v, the Tracker says %v", name, k+1, d, shown[side], want)
			}
		}
		// The narration speaks of each end whose state changed.
		if ev.Changed != 0 {
			text := narrate.Explain(narrate.English, ev, session.StreamInfo{}, narrate.Relative)
			for _, st := range changedStates(ev) {
				if !strings.Contains(text, st.String()) {
					t.Errorf("%s arrow %d: the narration does not name the new state %v:\n%s", name, k+1, st, text)
				}
			}
		}
	}
}

func changedStates(ev *session.Event) []session.State {
	var out []session.State
	if ev.Changed&session.ClientSide != 0 {
		out = append(out, ev.Client)
	}
	if ev.Changed&session.ServerSide != 0 && (len(out) == 0 || out[0] != ev.Server) {
		out = append(out, ev.Server)
	}
	return out
}

// pictureText writes one line per arrow: number, direction, label and
// marks, what each lifeline shows (state@end, "." for nothing), and the
// English narration.
func pictureText(pic []arrowPicture) string {
	var b strings.Builder
	side := func(ls LifelineState) string {
		if !ls.Show {
			return "."
		}
		return ls.State.String() + "@" + ls.At.String()
	}
	for k, a := range pic {
		arrow := "->"
		if a.ev.From == session.FromServer {
			arrow = "<-"
		}
		fmt.Fprintf(&b, "%d %s %s", k+1, arrow, Label(a.ev, false))
		if m := Marks(narrate.English, a.ev); m != "" {
			fmt.Fprintf(&b, "  %s", m)
		}
		fmt.Fprintf(&b, "\n  client %s · server %s\n", side(a.client), side(a.server))
		if text := narrate.Explain(narrate.English, a.ev, session.StreamInfo{}, narrate.Relative); text != "" {
			fmt.Fprintf(&b, "  %s\n", text)
		}
	}
	return b.String()
}

// wantStates is the state of both ends after each arrow, written from RFC
// 9293 by hand for the captures below (the sender changes on sending, the
// receiver on arrival).
type wantStates []string

func (w wantStates) check(t *testing.T, name string, pic []arrowPicture) {
	t.Helper()
	if len(pic) != len(w) {
		t.Fatalf("%s: %d arrows, want %d", name, len(pic), len(w))
	}
	for k, a := range pic {
		got := a.ev.Client.String() + " " + a.ev.Server.String()
		if got != w[k] {
			t.Errorf("%s arrow %d (%s): client/server %s, want %s", name, k+1, Label(a.ev, false), got, w[k])
		}
	}
}

func TestEveryArrowOfTheDemoRecordingShowsBothEndsByTheStateRule(t *testing.T) {
	evs, tl := fileEvents(t, filepath.Join("..", "..", "cmd", "handshake-viz", "recorded.pcapng"))
	pic := pictureOf(evs, tl, 0)
	wantStates{
		"SYN-SENT SYN-RECEIVED",    // 1 SYN: sent → SYN-SENT; arrives → SYN-RECEIVED
		"ESTABLISHED SYN-RECEIVED", // 2 SYN,ACK arrives → client ESTABLISHED
		"ESTABLISHED ESTABLISHED",  // 3 the third ACK arrives → server ESTABLISHED
		"ESTABLISHED ESTABLISHED",  // 4 hello
		"ESTABLISHED ESTABLISHED",  // 5 its ACK
		"ESTABLISHED ESTABLISHED",  // 6 the echo
		"ESTABLISHED ESTABLISHED",  // 7 its ACK
		"ESTABLISHED ESTABLISHED",  // 8 world
		"ESTABLISHED ESTABLISHED",  // 9
		"ESTABLISHED ESTABLISHED",  // 10
		"ESTABLISHED ESTABLISHED",  // 11
		"ESTABLISHED ESTABLISHED",  // 12 ##
		"ESTABLISHED ESTABLISHED",  // 13 its ACK
		"FIN-WAIT-1 CLOSE-WAIT",    // 14 client FIN: FIN-WAIT-1 on sending, CLOSE-WAIT on arrival
		"FIN-WAIT-2 CLOSE-WAIT",    // 15 its ACK arrives → FIN-WAIT-2
		"TIME-WAIT LAST-ACK",       // 16 server FIN: LAST-ACK on sending, TIME-WAIT on arrival
		"TIME-WAIT CLOSED",         // 17 the final ACK arrives → CLOSED
	}.check(t, "recorded.pcapng", pic)
	checkPicture(t, "recorded.pcapng", pic)
	laddertest.Golden(t, *update, "arrows_exchange.golden", pictureText(pic))
}

func TestEveryArrowOfAThreeWayCloseShowsTheServerInTimeWait(t *testing.T) {
	// gopacket's test_ethernet.pcap: the client's FIN is answered by the
	// server's FIN,ACK that also acknowledges it; the server was in
	// FIN-WAIT-1 and its own FIN is acknowledged by the client's FIN, so it
	// is TIME-WAIT, not FIN-WAIT-2 (issue 12).
	evs, tl := fileEvents(t, laddertest.CorpusFile(t, "gopacket/test_ethernet.pcap"))
	pic := pictureOf(evs, tl, 0)
	checkPicture(t, "test_ethernet.pcap", pic)
	laddertest.Golden(t, *update, "arrows_test_ethernet.golden", pictureText(pic))
	last := pic[len(pic)-1].ev
	if last.Client != session.Closed && last.Client != session.TimeWait {
		t.Errorf("after the last arrow the client is %v", last.Client)
	}
	var sawTimeWait bool
	for _, a := range pic {
		if a.ev.Server == session.TimeWait || a.ev.Client == session.TimeWait {
			sawTimeWait = true
		}
	}
	if !sawTimeWait {
		t.Errorf("no end reaches TIME-WAIT in a closed connection:\n%s", pictureText(pic))
	}
}

func TestEveryArrowOfRealCapturesKeepsTheStateRule(t *testing.T) {
	// Retransmissions and dup ACKs (ssh), a SYN,ACK retransmitted and a
	// three-way close (pptp), a refused connection and an RST after data,
	// a FIN followed by RST.
	for _, tc := range []struct {
		file   string
		stream int
		golden string
	}{
		{"tcpdump/ssh.pcap", 0, "arrows_ssh.golden"},
		{"tcpdump/pptp.pcap", 0, "arrows_pptp.golden"},
		{"zeek/http_get-to-ssh-server.pcap", 0, "arrows_rst_after_data.golden"},
		{"PcapPlusPlus/one_tcp_rst.pcap", 0, "arrows_refused.golden"},
		{"PcapPlusPlus/one_tcp_stream_fin_rst_close_packet.pcap", 0, "arrows_fin_then_rst.golden"},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			evs, tl := fileEvents(t, laddertest.CorpusFile(t, tc.file))
			pic := pictureOf(evs, tl, tc.stream)
			if len(pic) == 0 {
				t.Fatalf("%s: stream %d has no arrows", tc.file, tc.stream)
			}
			checkPicture(t, tc.file, pic)
			laddertest.Golden(t, *update, tc.golden, pictureText(pic))
		})
	}
}
