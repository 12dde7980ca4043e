package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// decodeXML reads every token of doc and returns the element names seen.
func decodeXML(t *testing.T, doc []byte) map[string]int {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	names := make(map[string]int)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			names[se.Name.Local]++
		}
	}
	return names
}

func svgOf(t *testing.T, in Input, o Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, SVG, in, o); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSVGIsWellFormedSelfContainedXMLInBothThemesAndSpacings(t *testing.T) {
	for _, c := range goldenCaptures {
		in := streamInput(t, c.file, c.stream)
		for _, o := range []Options{{}, {Theme: Dark}, {Even: true, Width: 600}, {Title: "a <b> & \"c\""}} {
			doc := svgOf(t, in, o)
			names := decodeXML(t, doc)
			if names["svg"] != 1 {
				t.Errorf("%s: %d svg elements, want 1", c.name, names["svg"])
			}
			if want := len(planSVG(build(&in, o), withWidth(o)).Arrows); names["line"] < want+2 {
				t.Errorf("%s: %d lines for %d arrows and 2 lifelines", c.name, names["line"], want)
			}
			for _, bad := range []string{"<script", "href", "@import", "url(", "<image", "@font-face"} {
				if bytes.Contains(doc, []byte(bad)) {
					t.Errorf("%s: the SVG refers to something outside itself (%q)", c.name, bad)
				}
			}
		}
	}
}

func withWidth(o Options) Options {
	if o.Width == 0 {
		o.Width = DefaultWidth
	}
	return o
}

func TestSVGArrowsSlopeByTimeUnlessEven(t *testing.T) {
	in := streamInput(t, "zeek/http_get-to-ssh-server.pcap", 0)
	m := build(&in, withWidth(Options{}))
	timed := planSVG(m, withWidth(Options{}))
	even := planSVG(m, withWidth(Options{Even: true}))
	// Packet 3 comes 146 ms after packet 2 (the handshake RTT is 0.8 ms):
	// by time its row stands much further down than evenly.
	gap := func(p *svgPlan, k int) float64 { return p.Arrows[k].Y1 - p.Arrows[k-1].Y1 }
	if gap(timed, 2) <= gap(even, 2)+20 {
		t.Errorf("a 146 ms gap takes %.0f px by time, %.0f px evenly: time does not show", gap(timed, 2), gap(even, 2))
	}
	for k, a := range even.Arrows {
		if d := a.Y2 - a.Y1; d != svgEvenDrop {
			t.Errorf("even arrow %d drops %.0f px, want %d", k, d, svgEvenDrop)
		}
	}
	for k, a := range timed.Arrows {
		if a.Y2 <= a.Y1 {
			t.Errorf("arrow %d does not slope down (%.0f → %.0f)", k, a.Y1, a.Y2)
		}
	}
}

// lossyInput is a real stream with what the lossy wire adds: packet 4
// dropped, packet 5 delayed 200 ms.
func lossyInput(t *testing.T) Input {
	in := streamInput(t, "gopacket/test_ethernet.pcap", 0)
	in.Events[3].Seg.Verdict = capture.Dropped
	in.Events[4].Seg.Verdict = capture.Delayed
	in.Events[4].Seg.DelayNS = 200e6
	return in
}

func TestDroppedPacketEndsMidWireWithCrossInEveryDiagram(t *testing.T) {
	in := lossyInput(t)
	o := withWidth(Options{})
	p := planSVG(build(&in, o), o)
	a := p.Arrows[3]
	if !a.Dropped || a.X2 != (p.ClientX+p.ServerX)/2 {
		t.Errorf("dropped arrow ends at x=%.0f, want mid-wire %.0f", a.X2, (p.ClientX+p.ServerX)/2)
	}
	if d := p.Arrows[4]; d.Y2-d.Y1 <= p.Arrows[5].Y2-p.Arrows[5].Y1 {
		t.Errorf("the arrow delayed 200 ms is no steeper than the next one")
	}
	doc := svgOf(t, in, Options{})
	decodeXML(t, doc)
	if !bytes.Contains(doc, []byte("[dropped by the wire]")) {
		t.Error("the SVG does not say the packet was dropped")
	}
	var b bytes.Buffer
	if err := Write(&b, Mermaid, in, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "c0a-xc0b: [dropped by the wire]<br/>PSH, ACK Seq=1 Ack=1 Len=72") {
		t.Errorf("mermaid has no -x arrow for the dropped packet:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "c0b--)c0a:") {
		t.Errorf("mermaid has no --) arrow for the delayed packet")
	}
	b.Reset()
	if err := Write(&b, PlantUML, in, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "c0a ->x c0b : [dropped by the wire]") {
		t.Errorf("plantuml has no ->x arrow for the dropped packet:\n%s", b.String())
	}
	b.Reset()
	if err := Write(&b, ASCII, in, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "-------✕") {
		t.Errorf("the text ladder does not stop the dropped arrow with ✕:\n%s", b.String())
	}
}

// entity is a Mermaid entity code (#59;).
var entity = regexp.MustCompile(`#[0-9]+;`)

func TestMermaidEscapesItsSyntaxInTexts(t *testing.T) {
	got := mermaidText("a;b#c:d%%e<f>&g\nh")
	want := "a#59;b#35;c#58;d#37;#37;e#60;f#62;#38;g<br/>h"
	if got != want {
		t.Errorf("mermaidText = %q, want %q", got, want)
	}
	// An IPv6 endpoint is all colons: the participant line must keep none.
	in := streamInput(t, "gopacket/test_ethernet.pcap", 0)
	v6 := netip.MustParseAddrPort("[2001:db8::1]:443")
	info := in.Info
	in.Info = func(k session.EventKind, s int) session.StreamInfo {
		si := info(k, s)
		si.Server = v6
		return si
	}
	var b bytes.Buffer
	if err := Write(&b, Mermaid, in, Options{Title: "x;y"}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		body := line
		if i := strings.Index(line, ": "); i >= 0 {
			body = line[i+2:]
		} else if i := strings.Index(line, " as "); i >= 0 {
			body = line[i+4:]
		}
		if strings.ContainsAny(entity.ReplaceAllString(strings.ReplaceAll(body, "<br/>", ""), ""), ";:#%<>") {
			t.Errorf("unescaped Mermaid syntax in %q", line)
		}
	}
}

func TestCastIsAnAsciinemaV2RecordingInTimeOrder(t *testing.T) {
	in := streamInput(t, "tcpdump/pptp.pcap", 0)
	var b bytes.Buffer
	if err := Write(&b, Cast, in, Options{}); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&b)
	sc.Buffer(nil, 1<<20)
	if !sc.Scan() {
		t.Fatal("empty recording")
	}
	var h castHeader
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Version != 2 || h.Width < 80 || h.Height < 12 {
		t.Fatalf("header %s: %+v %v", sc.Bytes(), h, err)
	}
	last, arrows, frames := -1.0, 0, 0
	var screen strings.Builder
	for sc.Scan() {
		var ev []any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || len(ev) != 3 || ev[1] != "o" {
			t.Fatalf("event line %s: %v", sc.Bytes(), err)
		}
		at := ev[0].(float64)
		if at < last {
			t.Fatalf("time goes back: %v after %v", at, last)
		}
		if at-last > castMaxGap+float64(castFrames+1)*castFrame+1e-9 && last >= 0 {
			t.Errorf("a gap of %.3f s: more than the %g s cap", at-last, castMaxGap)
		}
		last = at
		text := ev[2].(string)
		if strings.HasPrefix(text, "\r") {
			frames++
		}
		if strings.HasSuffix(text, "\r\n") && strings.Contains(text, ansiArrow) {
			arrows++
		}
		screen.WriteString(text)
	}
	if arrows != len(in.Events) {
		t.Errorf("%d arrows drawn, want one per packet (%d)", arrows, len(in.Events))
	}
	if frames != (castFrames+1)*len(in.Events) { // the growing arrow, then the whole line
		t.Errorf("%d animation frames, want %d per arrow", frames, castFrames)
	}
	if !strings.Contains(screen.String(), ansiMarks+"[TCP Retransmission]") {
		t.Error("the retransmission marks are not coloured")
	}
}

func TestResetArrowsAreMarkedInTheDiagrams(t *testing.T) {
	in := streamInput(t, "zeek/http_get-to-ssh-server.pcap", 0)
	o := withWidth(Options{})
	m := build(&in, o)
	resets := 0
	for _, a := range planSVG(m, o).Arrows {
		if a.Reset {
			resets++
		}
	}
	if resets != 2 {
		t.Errorf("%d reset arrows in the SVG plan, want the capture's 2", resets)
	}
	doc := svgOf(t, in, Options{})
	if n := bytes.Count(doc, []byte(`stroke="`+palettes[Light].Reset+`"`)); n != 2 {
		t.Errorf("%d lines in the reset colour, want 2", n)
	}
	for i := range m.Items {
		if it := &m.Items[i]; it.Row.Kind == ladder.RowPhase && it.Row.Title == ladder.TitleReset {
			return
		}
	}
	t.Error("no reset phase in the layout")
}

func TestParseFormatAndThemeAcceptTheirNamesOnly(t *testing.T) {
	for f := Format(0); f < formats; f++ {
		if g, err := ParseFormat(strings.ToUpper(f.String())); err != nil || g != f {
			t.Errorf("ParseFormat(%q) = %v, %v", f, g, err)
		}
	}
	if _, err := ParseFormat("png"); err == nil || !strings.Contains(err.Error(), "ascii|mermaid") {
		t.Errorf("ParseFormat(png) = %v, want an error listing the formats", err)
	}
	if _, err := ParseTheme("blue"); err == nil {
		t.Error("ParseTheme(blue) accepted")
	}
	if err := Write(io.Discard, SVG, Input{}, Options{Width: 100}); err == nil {
		t.Error("a 100 px SVG was accepted")
	}
}
