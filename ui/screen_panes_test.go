package ui

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// sizedScreen is newTestScreenWith on a w×h terminal.
func sizedScreen(t testing.TB, tl *session.Timeline, store capture.FrameStore, opts ScreenOptions, w, h int) (*LadderScreen, tcell.SimulationScreen) {
	t.Helper()
	sim := tcell.NewSimulationScreen("UTF-8")
	app := tview.NewApplication().SetScreen(sim)
	sim.SetSize(w, h)
	t.Cleanup(sim.Fini)
	s := NewLadderScreen(app, tl, store, opts)
	s.Primitive().SetRect(0, 0, w, h)
	return s, sim
}

// At 80×24 the essentials stay: the help bar keeps "? keys" and "q quit",
// the banner keeps the position and the speed, the narration says which
// key shows all of it.
func TestScreenGoldenAt80x24KeepsTheEssentials(t *testing.T) {
	tl, store := recordedFixture(t)
	opts := demoOpts
	opts.Recorded = true
	opts.Drops = func() uint64 { return 3 }
	s, sim := sizedScreen(t, tl, store, opts, 80, 24)
	s.player.Seek(8) // playing: the banner shows the speed
	s.sync()
	out := render(s, sim)
	golden(t, "screen_80x24.golden", out)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	banner, bar := lines[0], lines[len(lines)-1]
	for _, want := range []string{"recorded", "8/17", "Data transfer 5/10", "▶ 1x", "⚠ 3 dropped"} {
		if !strings.Contains(banner, want) {
			t.Errorf("80×24 banner %q lacks %q", banner, want)
		}
	}
	for _, want := range []string{"? keys", "q quit", "space play/pause"} {
		if !strings.Contains(bar, want) {
			t.Errorf("80×24 help bar %q lacks %q", bar, want)
		}
	}
	if textWidth(bar) > 80 {
		t.Errorf("help bar is %d cells wide on an 80-column terminal", textWidth(bar))
	}
}

// The help bar keeps the bindings by priority: "? keys · q quit" on any
// width, more as the terminal widens, never wider than the terminal.
func TestHelpBarKeepsKeysAndQuitAtEveryWidth(t *testing.T) {
	prev := 0
	for w := 20; w <= 200; w += 4 {
		for _, lang := range []narrate.Lang{narrate.English, narrate.Chinese} {
			bar := helpBar(lang, w, nil)
			for _, id := range []string{"help", "quit"} {
				b := ladderKeys[bindingIndex(id)]
				if !strings.Contains(bar, narrate.Text(lang, b.barKey())) {
					t.Errorf("%s width %d: bar %q lacks %q", lang, w, bar, narrate.Text(lang, b.barKey()))
				}
			}
			if w >= 30 && textWidth(bar) > w {
				t.Errorf("%s width %d: bar %q is %d cells", lang, w, bar, textWidth(bar))
			}
			if lang == narrate.English {
				if n := strings.Count(bar, " · "); n < prev {
					t.Errorf("width %d shows %d bindings, fewer than a narrower terminal (%d)", w, n+1, prev+1)
				} else {
					prev = n
				}
			}
		}
	}
	if got := helpBar(narrate.English, 200, nil); strings.Count(got, " · ")+1 != barBindings() {
		t.Errorf("a wide terminal's bar %q leaves bindings out", got)
	}
}

func bindingIndex(id string) int {
	for i := range ladderKeys {
		if ladderKeys[i].id == id {
			return i
		}
	}
	panic("no binding " + id)
}

func barBindings() int {
	n := 0
	for i := range ladderKeys {
		if ladderKeys[i].bar > 0 {
			n++
		}
	}
	return n
}

// Every binding has its texts in both languages, and every key of the
// table reaches its action through HandleKey.
func TestEveryBindingHasItsTextsAndItsKeysWork(t *testing.T) {
	for i := range ladderKeys {
		b := &ladderKeys[i]
		keys := []narrate.Key{b.nameKey(), b.descKey()}
		if b.bar > 0 {
			keys = append(keys, b.barKey())
		}
		for _, k := range keys {
			for _, lang := range []narrate.Lang{narrate.English, narrate.Chinese} {
				if !narrate.Has(lang, k) {
					t.Errorf("binding %s: %s missing in %s", b.id, k, lang)
				}
			}
		}
		for _, tr := range b.keys {
			tl, store := recordedFixture(t)
			s, _ := newTestScreenWith(t, tl, store, demoOpts)
			s.SetQuitFunc(func() {})
			ev := tcell.NewEventKey(tr.key, tr.r, tcell.ModNone)
			if !s.HandleKey(ev) {
				t.Errorf("binding %s: key %v %q not handled", b.id, tr.key, tr.r)
			}
		}
	}
	seen := map[[2]int]string{}
	for i := range ladderKeys {
		for _, tr := range ladderKeys[i].keys {
			k := [2]int{int(tr.key), int(tr.r)}
			if other, dup := seen[k]; dup {
				t.Errorf("key %v %q is bound twice: %s and %s", tr.key, tr.r, other, ladderKeys[i].id)
			}
			seen[k] = ladderKeys[i].id
		}
	}
}

// The `?` screen lists every binding of the table (scrolling at 80×24).
func TestHelpScreenListsEveryBinding(t *testing.T) {
	tl, store := recordedFixture(t)
	s, sim := sizedScreen(t, tl, store, demoOpts, 80, 24)
	s.HandleKey(runeKey('?'))
	// Taller than 24 lines: read it page by page, as a person scrolls it.
	out := render(s, sim)
	for range 3 {
		s.HandleKey(tcell.NewEventKey(tcell.KeyPgDn, 0, tcell.ModNone))
		out += render(s, sim)
	}
	for i := range ladderKeys {
		name := narrate.Text(narrate.English, ladderKeys[i].nameKey())
		if !strings.Contains(out, name) {
			t.Errorf("the help screen at 80×24, scrolled through, lacks %q:\n%s", name, out)
		}
	}
}

// At 120×40 on the SYN, the Headers pane scrolls: the TCP options below
// the fold come into view with ], every value is whole, and the border
// says what is above and below.
func TestScreenGoldenAt120x40WithTheHeadersScrolled(t *testing.T) {
	tl, store := recordedFixture(t)
	s, sim := sizedScreen(t, tl, store, demoOpts, 120, 40)
	s.player.Select(0)
	s.sync()
	first := render(s, sim)
	if !strings.Contains(first, "▼") || !strings.Contains(first, "[ / ] scroll") {
		t.Fatalf("the Headers pane does not say that more is below:\n%s", first)
	}
	for range 12 {
		s.HandleKey(runeKey(']'))
	}
	out := render(s, sim)
	golden(t, "screen_120x40_headers_scrolled.golden", out)
	for _, want := range []string{"TSval", "TSecr 0", "Window scale", "10 (multiply by 1024)", "▲"} {
		if !strings.Contains(out, want) {
			t.Errorf("scrolled Headers pane lacks %q:\n%s", want, out)
		}
	}
	s.HandleKey(keyEv(tcell.KeyRight))
	render(s, sim)
	if s.headScroll.top != 0 {
		t.Errorf("a new packet keeps the headers scrolled to %d, want the top", s.headScroll.top)
	}
}

// The mouse wheel over the Headers pane scrolls it, not the ladder.
func TestMouseWheelScrollsThePaneUnderThePointer(t *testing.T) {
	tl, store := recordedFixture(t)
	s, sim := sizedScreen(t, tl, store, demoOpts, 120, 40)
	s.player.Select(0)
	s.sync()
	render(s, sim)
	hx, hy, _, _ := s.headerBox.GetInnerRect()
	wheel := tcell.NewEventMouse(hx+2, hy+1, tcell.WheelDown, tcell.ModNone)
	s.Primitive().MouseHandler()(tview.MouseScrollDown, wheel, func(tview.Primitive) {})
	if s.headScroll.top != wheelLines || s.player.Selected() != 0 {
		t.Errorf("wheel over Headers: scrolled to %d, selected %d; want %d and 0", s.headScroll.top, s.player.Selected(), wheelLines)
	}
	lx, ly, _, _ := s.ladder.GetInnerRect()
	wheel = tcell.NewEventMouse(lx+10, ly+3, tcell.WheelDown, tcell.ModNone)
	s.Primitive().MouseHandler()(tview.MouseScrollDown, wheel, func(tview.Primitive) {})
	// The ladder view scrolls by itself: the selection stays.
	if s.ladder.top != wheelLines || s.player.Selected() != 0 || s.headScroll.top != wheelLines {
		t.Errorf("wheel over the ladder: ladder at %d, selected %d, headers at %d; want %d, 0 and %d", s.ladder.top, s.player.Selected(), s.headScroll.top, wheelLines, wheelLines)
	}
}

// A literal IPv6 segment with a scaled window, SACK blocks and a Chinese
// payload: the headers pane shows the whole destination, the calculated
// window, the SACK blocks relative to the acked ISN and the text.
func TestHeadersShowWholeIPv6AddressCalculatedWindowRelativeSACKAndUTF8(t *testing.T) {
	src := netip.MustParseAddr("2001:db8:85a3:1f0b:9a2c:feee:1a2b:5dc2")
	dst := netip.MustParseAddr("2001:db8:85a3:1f0b:9a2c:feee:3c4d:5dc3")
	const clientISN, serverISN = 1000, 5000
	payload := "你好，世界 hello"
	ip := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolTCP, HopLimit: 64, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
	sack := make([]byte, 16)
	put := func(b []byte, v uint32) { b[0], b[1], b[2], b[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v) }
	put(sack[0:], serverISN+1001)
	put(sack[4:], serverISN+2001)
	put(sack[8:], serverISN+3001)
	put(sack[12:], serverISN+4001)
	tcp := &layers.TCP{SrcPort: 40000, DstPort: 443, Seq: clientISN + 1, Ack: serverISN + 1, ACK: true, PSH: true, Window: 64,
		Options: []layers.TCPOption{
			{OptionType: layers.TCPOptionKindNop}, {OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindSACK, OptionLength: 18, OptionData: sack},
		}}
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, tcp, gopacket.Payload(payload)); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	ev := session.Event{Kind: session.KindSegment, From: session.FromClient, RelSeq: 1, RelAck: 1, WinShift: 10,
		Seg: capture.Segment{Proto: capture.ProtoTCP, Flags: capture.ACK | capture.PSH, Seq: clientISN + 1, Ack: serverISN + 1, Window: 64}}
	s := &LadderScreen{lang: narrate.English, theme: ColorTheme()}
	s.sel = selection{arrow: 0, ev: ev, data: data, layers: capture.Detail(data, layers.LinkTypeRaw)}
	width := 52 // the Headers pane of a 120-column terminal
	text := func() string {
		var b strings.Builder
		for _, l := range s.headerLines(width) {
			for _, p := range l.pieces {
				b.WriteString(p.text + " ")
			}
			b.WriteByte('\n')
		}
		return b.String()
	}
	for i, l := range s.sel.layers {
		if l.Group == capture.GroupNetwork {
			s.sel.layer = i
		}
	}
	if got := text(); !strings.Contains(got, dst.String()) || !strings.Contains(got, src.String()) {
		t.Errorf("IPv6 addresses not whole in a %d-cell pane:\n%s", width, got)
	}
	width = 34 // 80 columns: the address wraps, nothing is lost
	if got := strings.ReplaceAll(text(), " \n", ""); !strings.Contains(got, dst.String()) {
		t.Errorf("IPv6 destination lost in a %d-cell pane:\n%s", width, got)
	}
	width = 52
	for i, l := range s.sel.layers {
		if l.Group == capture.GroupTransport {
			s.sel.layer = i
		}
	}
	got := text()
	for _, want := range []string{"64 × 1024 = 65536", "1001–2001, 3001–4001"} {
		if !strings.Contains(got, want) {
			t.Errorf("TCP header lacks %q:\n%s", want, got)
		}
	}
	s.raw = true
	if got := text(); !strings.Contains(got, "6001–7001, 8001–9001") {
		t.Errorf("raw numbers: SACK blocks not raw:\n%s", got)
	}
	s.sel.layer = len(s.sel.layers) - 1
	s.lang = narrate.Chinese
	got = text()
	if !strings.Contains(got, payload) || !strings.Contains(got, "载荷（21 字节）") {
		t.Errorf("payload not shown as text with a Chinese header name:\n%s", got)
	}
}

func TestWindowValueIsCalculatedFromTheTrackersShift(t *testing.T) {
	for _, tc := range []struct {
		shift int8
		w     uint16
		want  string
	}{
		{session.WinShiftNone, 65495, "65495"}, // a SYN, or no scaling negotiated
		{7, 64, "64 × 128 = 8192"},
		{0, 64, "64"}, // WS=0: factor 1
		{session.WinShiftUnknown, 64, "64 (scale unknown: the handshake was not captured)"},
	} {
		ev := &session.Event{WinShift: tc.shift}
		if got := windowValue(valueCtx{lang: narrate.English, ev: ev}, tc.w); got != tc.want {
			t.Errorf("window %d shift %d: %q, want %q", tc.w, tc.shift, got, tc.want)
		}
	}
}

func TestPayloadTextKeepsUTF8AndDotsTheRest(t *testing.T) {
	for in, want := range map[string]string{
		"hello\r\n":                "hello␍↵",
		"中文\x00\xff":               "中文..",
		"a\tb":                     "a b",
		string([]byte{0xe4, 0xb8}): "..", // a cut-off character
	} {
		if got := payloadText([]byte(in), false); got != want {
			t.Errorf("payloadText(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]bool{
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n":            true,
		"你好，世界":                                        true,
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03": false, // a TLS ClientHello
		"": true,
	} {
		if got := mostlyText([]byte(in)); got != want {
			t.Errorf("mostlyText(%q) = %v, want %v", in, got, want)
		}
	}
}

// Below the minimum size the screen asks for a bigger terminal, in the
// reader's language.
func TestScreenBelowTheMinimumAsksToEnlarge(t *testing.T) {
	tl, store := recordedFixture(t)
	for _, lang := range []narrate.Lang{narrate.English, narrate.Chinese} {
		opts := demoOpts
		opts.Lang = lang
		s, sim := sizedScreen(t, tl, store, opts, 50, 20)
		out := render(s, sim)
		want := map[narrate.Lang]string{narrate.English: "Enlarge the terminal to at least 60×16", narrate.Chinese: "60×16"}[lang]
		if !strings.Contains(strings.ReplaceAll(out, "\n", " "), want) {
			t.Errorf("%s 50×20: no request to enlarge:\n%s", lang, out)
		}
	}
}

// In focus mode the ladder takes the whole width; f again brings the
// panes back.
func TestFocusModeHidesTheSidePanes(t *testing.T) {
	tl, store := recordedFixture(t)
	s, sim := sizedScreen(t, tl, store, demoOpts, 100, 30)
	s.player.Select(3)
	s.sync()
	s.HandleKey(runeKey('f'))
	out := render(s, sim)
	if strings.Contains(out, "TCP state") || strings.Contains(out, "Headers") {
		t.Errorf("focus mode still shows the side panes:\n%s", out)
	}
	if _, _, w, _ := s.ladder.GetRect(); w != 100 {
		t.Errorf("focus mode ladder is %d wide, want 100", w)
	}
	s.HandleKey(runeKey('f'))
	if out := render(s, sim); !strings.Contains(out, "TCP state") {
		t.Errorf("a second f does not bring the panes back:\n%s", out)
	}
}

// e shows the whole narration where three lines cut it.
func TestExpandShowsTheWholeNarration(t *testing.T) {
	tl, store := recordedFixture(t)
	s, sim := sizedScreen(t, tl, store, demoOpts, 80, 20)
	s.player.Select(1)
	s.sync()
	note := strings.Join(strings.Fields(s.sel.note), " ")
	if out := render(s, sim); !strings.Contains(out, "e: all of it") || !strings.Contains(out, "e explain") {
		t.Fatalf("a cut narration does not say e shows all of it (border and help bar):\n%s", out)
	}
	s.player.Select(3) // a short note (data): e is of no use, the bar leaves it out
	s.sync()
	if out := render(s, sim); strings.Contains(out, "e explain") {
		t.Errorf("a narration that fits keeps e in the help bar:\n%s", out)
	}
	s.player.Select(1)
	s.sync()
	render(s, sim)
	s.HandleKey(runeKey('e'))
	out := render(s, sim)
	flat := strings.Join(strings.Fields(strings.NewReplacer("│", " ").Replace(out)), " ")
	if !strings.Contains(flat, note[len(note)-30:]) {
		t.Errorf("expanded narration does not end with %q:\n%s", note[len(note)-30:], out)
	}
}

// The phase progress line counts the arrows of the layout's phase.
func TestBannerShowsThePhaseProgress(t *testing.T) {
	tl, store := recordedFixture(t)
	s, sim := newTestScreenWith(t, tl, store, demoOpts)
	for _, tc := range []struct {
		arrow int
		want  string
	}{{1, "Three-way handshake 2/3"}, {2, "Three-way handshake 3/3"}, {14, "Four-way close 2/4"}} {
		s.player.Select(tc.arrow)
		s.sync()
		banner := strings.SplitN(render(s, sim), "\n", 2)[0]
		if !strings.Contains(banner, tc.want) {
			t.Errorf("arrow %d: banner %q lacks %q", tc.arrow+1, banner, tc.want)
		}
	}
}

// hexDumpLine finds where a line of the Bytes pane starts.
var hexDumpLine = regexp.MustCompile(`[0-9a-f]{4}  [0-9a-f]{2} `)

// englishWord is a run of Latin letters on a Chinese screen.
var englishWord = regexp.MustCompile(`\b[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\b`)

// allowedOnChineseScreens are the Latin words a Chinese screen may show:
// protocol and field names of the RFCs, key names, states, the demo's own
// messages and title, hex digits, and the names of file formats.
var allowedOnChineseScreens = wordSet(`TCP UDP IP IPv IPv4 IPv6 OSI Ethernet II SYN ACK FIN PSH RST URG ECE CWR Seq Ack Len
		MSS WS SACK SACK_PERM PERM TS TSval TSecr NOP TTL DF MF DSCP ECN VLAN ARPHRD RTT ISN MSL
		Space Tab Shift-Tab Home End PgUp PgDn Ctrl-C Esc Enter pause-at
		SYN-SENT SYN-RECEIVED LISTEN ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 FIN-WAIT CLOSE-WAIT CLOSING LAST-ACK TIME-WAIT CLOSED
		SYN-RCVD ESTAB FIN-WT-1 FIN-WT-2 CLOSE-WT TIME-WT
		handshake-viz demo hello world x sudo UTC
		pcapng Mermaid PlantUML SVG JSON asciinema`)

// Chinese screens use the catalog for every word of the interface: a
// Latin word that is not a protocol name, a key or data fails the test.
func TestChineseScreensHaveNoUntranslatedWords(t *testing.T) {
	tl, store := recordedFixture(t)
	opts := demoOpts
	opts.Lang = narrate.Chinese
	opts.Recorded = true
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		for arrow := range 17 {
			for layer := range 4 {
				s, sim := sizedScreen(t, tl, store, opts, size[0], size[1])
				s.player.Select(arrow)
				s.sync()
				for range layer {
					s.HandleKey(keyEv(tcell.KeyTab))
				}
				screens := []string{render(s, sim)}
				s.HandleKey(runeKey(']'))
				s.HandleKey(runeKey(']'))
				screens = append(screens, render(s, sim))
				if arrow == 0 && layer == 0 {
					// The `?` screen, without the panes around it.
					screens = append(screens, narrate.Text(opts.Lang, "ui.help.title")+"\n"+
						strings.Join(helpLines(opts.Lang, size[0]), "\n")+"\n"+narrate.Text(opts.Lang, "ui.help.close"))
				}
				for _, scr := range screens {
					for _, line := range strings.Split(scr, "\n") {
						if loc := hexDumpLine.FindStringIndex(line); loc != nil {
							line = line[:loc[0]] // the hex dump and its ASCII column
						}
						for _, loc := range englishWord.FindAllStringIndex(line, -1) {
							w := line[loc[0]:loc[1]]
							if strings.HasPrefix(line[loc[1]:], "…") && cutAllowed(w) {
								continue
							}
							if len(w) > 1 && !allowedOnChineseScreens[w] && !isHex(w) {
								t.Errorf("%d×%d arrow %d layer %d: untranslated %q in %q", size[0], size[1], arrow+1, layer, w, line)
								return
							}
						}
					}
				}
			}
		}
	}
}

// cutAllowed reports whether w is an allowed word cut short.
func cutAllowed(w string) bool {
	for a := range allowedOnChineseScreens {
		if strings.HasPrefix(a, w) {
			return true
		}
	}
	return false
}

func isHex(w string) bool {
	for _, r := range strings.ToLower(w) {
		if !strings.ContainsRune("0123456789abcdefx", r) {
			return false
		}
	}
	return true
}

// The README's key tables are the bindings tables (-update rewrites them).
func TestReadmeKeyTablesAreTheBindingsTables(t *testing.T) {
	laddertest.ReadmeBlocks(t, *update,
		laddertest.Block{Name: "keys", Text: KeysMarkdown(narrate.English)},
		laddertest.Block{Name: "browser-keys", Text: BrowserKeysMarkdown(narrate.English)})
}

// --pause-at phase on the recorded exchange stops after the SYN, the
// first data segment and the first FIN: where its phase headers are.
func TestScreenPauseAtPhaseStopsAtEachPhaseStart(t *testing.T) {
	tl, store := recordedFixture(t)
	opts := demoOpts
	opts.PauseAt = PauseAtPhase
	s, sim := newTestScreenWith(t, tl, store, opts)
	c := newClock()
	var stops []int
	for range 100 {
		s.refresh(c.after(DefaultInterval))
		if s.player.AtEnd() {
			break
		}
		if !s.player.Playing() {
			stops = append(stops, s.player.Position())
			if banner := strings.SplitN(render(s, sim), "\n", 2)[0]; !strings.Contains(banner, "space plays") {
				t.Errorf("stopped at %d: the banner %q does not say space plays", s.player.Position(), banner)
			}
			s.HandleKey(runeKey(' '))
		}
	}
	if want := []int{1, 4, 14}; fmt.Sprint(stops) != fmt.Sprint(want) {
		t.Errorf("stopped after packets %v, want %v", stops, want)
	}
}

// --start-paused shows nothing until space, then plays.
func TestScreenStartPausedWaitsForSpace(t *testing.T) {
	tl, store := recordedFixture(t)
	opts := demoOpts
	opts.StartPaused = true
	s, _ := newTestScreenWith(t, tl, store, opts)
	c := newClock()
	s.refresh(c.after(DefaultInterval))
	s.refresh(c.after(DefaultInterval))
	if s.player.Position() != 0 {
		t.Fatalf("start-paused screen shows %d packets before space", s.player.Position())
	}
	s.HandleKey(runeKey(' '))
	s.refresh(c.after(time.Millisecond))
	if s.player.Position() != 1 || !s.player.Playing() {
		t.Errorf("after space: position %d playing %v, want 1 true", s.player.Position(), s.player.Playing())
	}
}

// The stream list in Chinese, with its help page: the only Latin words are
// protocol names and the analyze --json names the filter matches.
func TestChineseStreamListHasNoUntranslatedWords(t *testing.T) {
	json := strings.Fields("complete incomplete refused simultaneous none open fin3 fin4 rst half-closed client server both tcp udp retrans")
	ok := func(w string) bool { return allowedOnChineseScreens[w] || slices.Contains(json, w) || isHex(w) }
	b, _ := listedBrowser(t, "zeek/wikipedia.pcap", narrate.Chinese)
	screens := []string{screenText(t, b.pages, 120, 30), screenText(t, b.pages, 80, 24)}
	press(b, char('?'))
	screens = append(screens, screenText(t, b.pages, 120, 30))
	for _, scr := range screens {
		for _, line := range strings.Split(scr, "\n")[1:] { // the title is the file name
			for _, w := range englishWord.FindAllString(line, -1) {
				if len(w) > 1 && !ok(w) {
					t.Errorf("untranslated %q in %q", w, line)
				}
			}
		}
	}
}

// The `?` screen at 80×24: every binding, none cut.
func TestScreenGoldenHelpAt80x24(t *testing.T) {
	tl, store := recordedFixture(t)
	s, sim := sizedScreen(t, tl, store, demoOpts, 80, 24)
	s.player.Select(0)
	s.sync()
	s.HandleKey(runeKey('?'))
	golden(t, "screen_80x24_help.golden", render(s, sim))
}

// The banner gives way in order on narrow terminals: the position and the
// play state with its speed always stay, and it never overflows.
func TestBannerKeepsPositionAndSpeedAtEveryWidth(t *testing.T) {
	parts := []bannerPart{
		{full: "handshake-viz · /a/long/path/to/a/capture.pcapng · stream 3 · Esc: list"},
		{full: "recorded exchange (sudo for a live one)", short: "recorded", drop: 2},
		{full: "packet 12 of 340", short: "12/340"},
		{full: "Four-way close 3/4", drop: 1},
		{full: "▶ playing 2x", short: "▶ 2x"},
	}
	for w := 24; w <= 200; w++ {
		got := fitBanner(parts, w)
		if textWidth(got) > w {
			t.Errorf("width %d: %q is %d cells", w, got, textWidth(got))
		}
		if !strings.Contains(got, "12/340") && !strings.Contains(got, "packet 12 of 340") || !strings.Contains(got, "2x") {
			t.Errorf("width %d: %q lost the position or the speed", w, got)
		}
		if w >= 60 && !strings.Contains(got, "Four-way close 3/4") {
			t.Errorf("width %d: %q dropped the phase while the title could be cut", w, got)
		}
	}
}

// The state pane's border gives the selected packet's time: since the
// first packet with the gap since the previous one; t switches to the
// capture's clock.
func TestTimeKeySwitchesBetweenRelativeAndAbsoluteTimes(t *testing.T) {
	tl, store := recordedFixture(t)
	s, sim := sizedScreen(t, tl, store, demoOpts, 120, 40)
	s.player.Select(3)
	s.sync()
	first, fourth := tl.At(0).Seg.TimeNS, s.sel.ev.Seg.TimeNS
	prev := tl.At(2).Seg.TimeNS
	want := fmt.Sprintf("t=%s s (Δ %s s)", seconds(fourth-first), seconds(fourth-prev))
	if out := render(s, sim); !strings.Contains(out, want) {
		t.Errorf("relative time %q not on screen:\n%s", want, out)
	}
	s.HandleKey(runeKey('t'))
	abs := time.Unix(0, fourth).UTC().Format("2006-01-02 15:04:05.000000") + " UTC"
	if out := render(s, sim); !strings.Contains(out, abs) {
		t.Errorf("after t, absolute time %q not on screen:\n%s", abs, out)
	}
}

// Header names and values of captures with every link type we decode, in
// Chinese: no English word of ours (protocol names and values aside).
func TestChineseHeaderNamesAndValuesOfEveryLinkType(t *testing.T) {
	for _, name := range []string{
		"tcpdump/tcp-handshake-nano.pcap",       // Linux SLL
		"zeek/tls_openjdk-25.0.2-zeek.org.pcap", // SLL2
		"tcpdump/tcp_rst_diag_payload.pcap",     // Null/Loop
		"zeek/mixed-vlan-mpls.pcap",             // VLAN, MPLS
		"zeek/ftp_ipv6.pcap",                    // IPv6
		"tcpdump/mptcp-tcprst.pcap",             // raw IP, unknown TCP option kind
		"tcpdump/tcp_rst_data-trunc.pcap",       // a header cut short by the snap length
	} {
		src, err := capture.OpenFile(corpusFile(t, name))
		if err != nil {
			t.Fatal(err)
		}
		tl, store := session.NewTimeline(), capture.NewMemoryStore()
		_, err = feed.Run(context.Background(), src, feed.Options{Timeline: tl, Store: store})
		src.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i := range min(tl.Len(), 12) {
			ev := tl.At(i)
			p, ok := store.Frame(ev.Seg.Frame)
			if !ok {
				continue
			}
			ctx := valueCtx{lang: narrate.Chinese, ev: &ev}
			for _, l := range capture.Detail(p.Data, p.LinkType) {
				texts := []string{layerName(narrate.Chinese, &l)}
				for _, f := range l.Fields {
					texts = append(texts, fieldName(narrate.Chinese, f.Name))
					if f.Name != "Data" {
						texts = append(texts, fieldValue(ctx, &l, &f, p.Data))
					}
				}
				for _, text := range texts {
					for _, w := range englishWord.FindAllString(text, -1) {
						if len(w) > 1 && !allowedOnChineseScreens[w] && !isHex(w) && !protocolWords[w] {
							t.Errorf("%s frame %d %s: untranslated %q in %q", name, ev.Seg.Frame, l.Name, w, text)
						}
					}
				}
			}
		}
	}
}

// protocolWords are names of protocols and their values that stay as
// they are in Chinese (gopacket's names of ether types, IP protocols…).
var protocolWords = wordSet(`Linux SLL SLL2 v2 MPLS MPLSUnicast Null ICMPv4 ICMPv6 ARP DNS TLS HTTP FTP PPP PPPoE LLC SNAP
		Dot1Q IPv6HopByHop IPv6Routing IPv6Destination IPv6Fragment TCPOptionKind`)

// wordSet is the set of the words of s.
func wordSet(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// Every size, every mode, both languages: the screen draws without
// panicking; from the minimum size up the help bar keeps "? keys" and
// "q quit" and the banner the position; below it, the screen asks for it.
func TestScreenDrawsEverySizeInEveryMode(t *testing.T) {
	tl, store := recordedFixture(t)
	for _, lang := range []narrate.Lang{narrate.English, narrate.Chinese} {
		opts := demoOpts
		opts.Lang, opts.Recorded = lang, true
		opts.Warnings = func() []string { return []string{"frame 10: truncated record at byte 5974: unexpected EOF"} }
		s, sim := sizedScreen(t, tl, store, opts, 10, 10)
		s.player.Select(5)
		s.sync()
		help, quit := narrate.Text(lang, "ui.bar.help"), narrate.Text(lang, "ui.bar.quit")
		pos := narrate.Text(lang, "ui.banner.position.short", 6, 17)
		for _, keys := range []string{"", "f", "e", "]]]]}}}}"} {
			for _, r := range keys {
				s.HandleKey(runeKey(r))
			}
			for w := 1; w <= 130; w += 11 {
				for h := 1; h <= 45; h += 6 {
					sim.SetSize(w, h)
					s.Primitive().SetRect(0, 0, w, h)
					out := render(s, sim)
					lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
					if w < minScreenW || h < minScreenH {
						if w >= 20 && h >= 3 && !strings.Contains(strings.Join(strings.Fields(out), ""), fmt.Sprintf("%d×%d", minScreenW, minScreenH)) {
							t.Errorf("%s %d×%d: no request to enlarge:\n%s", lang, w, h, out)
						}
						continue
					}
					if bar := lines[len(lines)-1]; !strings.Contains(bar, help) || !strings.Contains(bar, quit) {
						t.Errorf("%s %d×%d keys %q: help bar %q", lang, w, h, keys, bar)
					}
					if b := lines[0]; !strings.Contains(b, pos) && !strings.Contains(b, narrate.Text(lang, "ui.banner.position", 6, 17)) {
						t.Errorf("%s %d×%d keys %q: banner %q lacks the position", lang, w, h, keys, b)
					}
				}
			}
		}
	}
}

// On the smallest terminal the `?` screen scrolls: every binding can be
// reached, and a key other than the scrolling ones closes it.
func TestHelpScreenScrollsOnTheSmallestTerminal(t *testing.T) {
	tl, store := recordedFixture(t)
	s, sim := sizedScreen(t, tl, store, demoOpts, minScreenW, minScreenH)
	s.HandleKey(runeKey('?'))
	out := render(s, sim)
	if !strings.Contains(out, "▼") || strings.Contains(out, "q, Ctrl-C") {
		t.Fatalf("a help taller than the terminal does not say more is below:\n%s", out)
	}
	for range 5 {
		s.HandleKey(keyEv(tcell.KeyPgDn))
		out = render(s, sim)
	}
	if !strings.Contains(out, "q, Ctrl-C") || !s.helpShown {
		t.Errorf("PgDn does not reach the last binding:\n%s", out)
	}
	s.HandleKey(runeKey('x'))
	if s.helpShown {
		t.Error("x does not close the help")
	}
}
