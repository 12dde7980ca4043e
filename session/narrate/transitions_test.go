package narrate

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

var update = flag.Bool("update", false, "rewrite testdata/transitions.golden")

var (
	client = netip.MustParseAddrPort("10.1.0.2:40000")
	server = netip.MustParseAddrPort("10.1.0.1:8888")
)

// Big ISNs, so that a raw number in a relative sentence cannot hide.
const (
	isnC = 2663352857
	isnS = 1969901340
	ms   = int64(1_000_000)
)

const (
	fS  = capture.SYN
	fSA = capture.SYN | capture.ACK
	fA  = capture.ACK
	fPA = capture.PSH | capture.ACK
	fFA = capture.FIN | capture.ACK
	fRA = capture.RST | capture.ACK
	fR  = capture.RST
	cl  = session.FromClient
	sv  = session.FromServer
)

// seg is one literal segment; seq and ack are relative to the ISNs above
// (ack -1: none).
type seg struct {
	from     session.Dir
	flags    capture.TCPFlags
	seq, ack int64
	len      uint32
}

func (p seg) segment(i int) capture.Segment {
	src, dst := client, server
	isn, peer := uint32(isnC), uint32(isnS)
	if p.from == sv {
		src, dst, isn, peer = server, client, isnS, isnC
	}
	s := capture.Segment{
		Frame: uint64(i + 1), Offset: -1, TimeNS: 1_700_000_000_000_000_000 + int64(i)*ms,
		Src: src.Addr(), Dst: dst.Addr(), SrcPort: src.Port(), DstPort: dst.Port(),
		Proto: capture.ProtoTCP, Flags: p.flags, Seq: isn + uint32(p.seq),
		Window: 65535, PayloadLen: p.len, Options: capture.TCPOptions{WindowScale: -1},
	}
	if p.ack >= 0 {
		s.Ack = peer + uint32(p.ack)
	}
	return s
}

var hs = []seg{{cl, fS, 0, -1, 0}, {sv, fSA, 0, 1, 0}, {cl, fA, 1, 1, 0}}

func cat(parts ...[]seg) []seg {
	var out []seg
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// transitionScenarios walk every transition of RFC 9293's diagram that a
// segment causes (the session package pins the states; this pins the
// words).
var transitionScenarios = []struct {
	name string
	segs []seg
	opts session.TrackerOptions
}{
	{"four-way close", cat(hs, []seg{{cl, fPA, 1, 1, 12}, {sv, fA, 1, 13, 0}, {cl, fFA, 13, 1, 0}, {sv, fA, 1, 14, 0}, {sv, fFA, 1, 14, 0}, {cl, fA, 14, 2, 0}}), session.TrackerOptions{}},
	{"three-way close with data in the FIN", cat(hs, []seg{{cl, fPA, 1, 1, 72}, {sv, fA, 1, 73, 0}, {sv, fFA | capture.PSH, 1, 73, 355}, {cl, fFA, 73, 357, 0}, {sv, fA, 357, 74, 0}}), session.TrackerOptions{}},
	{"half-close: data with the ACK of the FIN", cat(hs, []seg{{sv, fFA, 1, 1, 0}, {cl, fPA, 1, 2, 600}, {sv, fA, 2, 601, 0}, {cl, fFA, 601, 2, 0}, {sv, fA, 2, 602, 0}}), session.TrackerOptions{}},
	{"simultaneous open", []seg{{cl, fS, 0, -1, 0}, {sv, fS, 0, -1, 0}, {cl, fSA, 0, 1, 0}, {sv, fSA, 0, 1, 0}}, session.TrackerOptions{}},
	{"simultaneous close", cat(hs, []seg{{cl, fFA, 1, 1, 0}, {sv, fFA, 1, 1, 0}, {cl, fA, 2, 2, 0}, {sv, fA, 2, 2, 0}}), session.TrackerOptions{}},
	{"refused, guessed from a file", []seg{{cl, fS, 0, -1, 0}, {sv, fRA, -isnS, 1, 0}}, session.TrackerOptions{}},
	{"refused, port known closed", []seg{{cl, fS, 0, -1, 0}, {sv, fRA, -isnS, 1, 0}}, session.TrackerOptions{NoListener: []netip.AddrPort{server}}},
	{"RST dropped in SYN-SENT", []seg{{cl, fS, 0, -1, 0}, {sv, fR, 0, -1, 0}, {sv, fSA, 0, 1, 0}, {cl, fA, 1, 1, 0}}, session.TrackerOptions{}},
	{"RST in SYN-RECEIVED", []seg{{cl, fS, 0, -1, 0}, {sv, fSA, 0, 1, 0}, {cl, fR, 1, -1, 0}}, session.TrackerOptions{}},
	{"RST in ESTABLISHED", cat(hs, []seg{{sv, fRA, 1, 1, 0}}), session.TrackerOptions{}},
	{"RST in FIN-WAIT-2", cat(hs, []seg{{cl, fFA, 1, 1, 0}, {sv, fA, 1, 2, 0}, {sv, fRA, 1, 2, 0}}), session.TrackerOptions{}},
	{"RST in TIME-WAIT", cat(hs, []seg{{cl, fFA, 1, 1, 0}, {sv, fFA, 1, 2, 0}, {sv, fR, 2, -1, 0}}), session.TrackerOptions{}},
	{"retransmissions and duplicate ACKs", cat(hs, []seg{
		{cl, fPA, 1, 1, 100}, {cl, fPA, 101, 1, 100}, {cl, fPA, 201, 1, 100},
		{sv, fA, 1, 101, 0}, {sv, fA, 1, 101, 0}, {sv, fA, 1, 101, 0},
		{cl, fPA, 101, 1, 100}, {sv, fA, 1, 301, 0}, {cl, fPA, 201, 1, 100},
	}), session.TrackerOptions{}},
}

// narrate runs a scenario through a Tracker and returns the events.
func narrateScenario(t *testing.T, segs []seg, opts session.TrackerOptions) []session.Event {
	t.Helper()
	tr := session.NewTrackerWith(opts)
	var evs []session.Event
	for i, p := range segs {
		s := p.segment(i)
		evs = append(evs, tr.Observe(&s)...)
	}
	return evs
}

func TestNarrationOfEveryTransitionMatchesTheGolden(t *testing.T) {
	var b strings.Builder
	for _, sc := range transitionScenarios {
		fmt.Fprintf(&b, "## %s\n", sc.name)
		for i, ev := range narrateScenario(t, sc.segs, sc.opts) {
			fmt.Fprintf(&b, "%d %s %s -> client %s, server %s\n", i+1, ev.From, ev.Seg.Flags, ev.Client, ev.Server)
			fmt.Fprintf(&b, "  en: %s\n  raw: %s\n  zh: %s\n", Explain(English, &ev, session.StreamInfo{}, Relative),
				Explain(English, &ev, session.StreamInfo{}, Raw), Explain(Chinese, &ev, session.StreamInfo{}, Relative))
		}
	}
	path := filepath.Join("testdata", "transitions.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./session/narrate -update writes it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("narration differs from %s (go test ./session/narrate -update rewrites it; read the diff)", path)
	}
}

// The state names a sentence gives are the states after arrival: every end
// that changed state is named in its new state.
func TestNarrationNamesTheStateEachEndEntersOnArrival(t *testing.T) {
	for _, sc := range transitionScenarios {
		for i, ev := range narrateScenario(t, sc.segs, sc.opts) {
			got := Explain(English, &ev, session.StreamInfo{}, Relative)
			for _, end := range []struct {
				side  session.Side
				state session.State
			}{{session.ClientSide, ev.Client}, {session.ServerSide, ev.Server}} {
				if ev.Changed&end.side != 0 && !strings.Contains(got, end.state.String()) {
					t.Errorf("%s arrow %d: an end entered %s, the narration does not say so: %q", sc.name, i+1, end.state, got)
				}
			}
		}
	}
}

// Relative narration never shows a raw number, except where it says once
// how the ISN is shown; raw narration never a relative one.
func TestNarrationNeverMixesRawAndRelativeNumbers(t *testing.T) {
	for _, sc := range transitionScenarios {
		for i, ev := range narrateScenario(t, sc.segs, sc.opts) {
			rel := Explain(English, &ev, session.StreamInfo{}, Relative)
			bridge := Text(English, "note.also.isn", Text(English, roleKey(ev.From)), ev.Seg.Seq-ev.RelSeq)
			rel = strings.Replace(rel, bridge, "", 1)
			for _, raw := range []uint32{ev.Seg.Seq, ev.Seg.Ack, ev.Seg.Seq + ev.Seg.SeqSpace()} {
				if raw > 1_000_000 && strings.Contains(rel, strconv.FormatUint(uint64(raw), 10)) {
					t.Errorf("%s arrow %d: relative narration shows raw %d: %q", sc.name, i+1, raw, rel)
				}
			}
			rawText := Explain(English, &ev, session.StreamInfo{}, Raw)
			if strings.Contains(rawText, "shown as") || strings.Contains(rawText, "relative") {
				t.Errorf("%s arrow %d: raw narration speaks of relative numbers: %q", sc.name, i+1, rawText)
			}
		}
	}
}

// A segment playing several roles is narrated in each: test_ethernet's FIN
// with 355 bytes, and a half-close segment with 600 bytes and the ACK of
// the FIN.
func TestNarrationTellsEveryRoleOfASegment(t *testing.T) {
	cases := []struct {
		scenario int
		arrow    int
		words    []string
	}{
		{1, 6, []string{"FIN (sequence number 356)", "355 bytes of data at sequence number 1."}},
		{2, 5, []string{"acknowledges the FIN (acknowledgment number 2)", "600 bytes of data at sequence number 1"}},
		{12, 10, []string{"[TCP Fast Retransmission]"}},
		{12, 12, []string{"[TCP Spurious Retransmission]"}},
		{12, 8, []string{"[TCP Dup ACK 7#1]"}},
		{12, 9, []string{"[TCP Dup ACK 7#2]"}},
		{12, 11, []string{"That acknowledges 200 new bytes."}},
	}
	for _, tc := range cases {
		sc := transitionScenarios[tc.scenario]
		evs := narrateScenario(t, sc.segs, sc.opts)
		got := Explain(English, &evs[tc.arrow-1], session.StreamInfo{}, Relative)
		for _, w := range tc.words {
			if !strings.Contains(got, w) {
				t.Errorf("%s arrow %d lacks %q: %q", sc.name, tc.arrow, w, got)
			}
		}
	}
}
