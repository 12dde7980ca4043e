package export

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The real renderers: Debian's chromium and mermaid-cli (mmdc), which
// .ci/run installs. Without them these tests skip and say so.

// chromiumArgs are the flags every headless chromium run here needs (as
// root, without a display or network).
var chromiumArgs = []string{"--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
	"--disable-component-update", "--disable-sync", "--no-first-run"}

func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (.ci/run installs Debian's chromium): the rendering checks need a real browser")
	return ""
}

func renderTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestMermaidCLIParsesAndRendersEveryExportedDiagram(t *testing.T) {
	chromium := findChromium(t)
	mmdc, err := exec.LookPath("mmdc")
	if err != nil {
		t.Skip("mmdc (npm @mermaid-js/mermaid-cli) is not on PATH (.ci/run installs it): the real Mermaid parser cannot check the diagram")
	}
	dir := t.TempDir()
	cfg, _ := json.Marshal(map[string]any{"executablePath": chromium, "args": chromiumArgs})
	if err := os.WriteFile(filepath.Join(dir, "puppeteer.json"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	// mmdc renders every ```mermaid block of a Markdown file in one browser
	// run, to <out>-1.svg, <out>-2.svg, …, and fails if any block does.
	render := func(name string, diagrams ...[]byte) ([][]byte, error) {
		var md bytes.Buffer
		for _, d := range diagrams {
			md.WriteString("```mermaid\n")
			md.Write(d)
			md.WriteString("```\n\n")
		}
		in, out := filepath.Join(dir, name+".md"), filepath.Join(dir, name+"-out.md")
		if err := os.WriteFile(in, md.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(renderTimeout(t), mmdc, "-p", filepath.Join(dir, "puppeteer.json"), "-q", "-i", in, "-o", out)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		if msg, err := cmd.CombinedOutput(); err != nil {
			return [][]byte{msg}, err
		}
		svgs := make([][]byte, len(diagrams))
		for i := range diagrams {
			b, err := os.ReadFile(filepath.Join(dir, name+"-out-"+strconv.Itoa(i+1)+".svg"))
			if err != nil {
				t.Fatalf("mmdc wrote no SVG for diagram %d: %v", i+1, err)
			}
			svgs[i] = b
		}
		return svgs, nil
	}
	// The parser is real: a broken diagram fails.
	if _, err := render("broken", []byte("sequenceDiagram\n    a->>b: x; y\n    Note over a b c\n")); err == nil {
		t.Fatal("mmdc accepted a broken diagram: the check below would prove nothing")
	}
	// A diagram with every kind of row (calls, a drop, a delay, a kernel
	// disagreement, a title with syntax characters), and the goldens.
	in := lossy(t)
	var b bytes.Buffer
	if err := Write(&b, Mermaid, in, Options{Title: "test_ethernet.pcap; #1 <b>"}); err != nil {
		t.Fatal(err)
	}
	diagrams := [][]byte{b.Bytes()}
	goldens, _ := filepath.Glob(filepath.Join("testdata", "*.mmd.golden"))
	for _, g := range goldens {
		d, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		diagrams = append(diagrams, d)
	}
	svgs, err := render("ladders", diagrams...)
	if err != nil {
		t.Fatalf("mmdc rejected an exported diagram: %v\n%s", err, svgs[0])
	}
	for i, svg := range svgs {
		decodeXML(t, svg)
		if !bytes.Contains(svg, []byte(`aria-roledescription="sequence"`)) {
			t.Errorf("diagram %d did not render as a sequence diagram", i+1)
		}
		// mmdc exits 0 but draws an error picture for these.
		for _, bad := range []string{"Syntax error", "Maximum text size"} {
			if bytes.Contains(svg, []byte(bad)) {
				t.Errorf("diagram %d rendered as %q", i+1, bad)
			}
		}
	}
	// Mermaid writes the decoded texts: the escapes came back as characters.
	for _, want := range []string{"SYN, ACK Seq=0 Ack=1", "10.1.1.2:44644", "ESTABLISHED", "Three-way handshake",
		"test_ethernet.pcap; #1 &lt;b&gt;", "connect() → ok", "[dropped by the wire]", "the kernel says: server SYN-RECEIVED"} {
		if !bytes.Contains(svgs[0], []byte(want)) {
			t.Errorf("the rendered diagram lacks %q", want)
		}
	}
}

func TestChromiumDrawsTheSVGArrowsWhereTheLayoutPutThem(t *testing.T) {
	chromium := findChromium(t)
	for _, c := range []struct {
		name string
		in   Input
		o    Options
	}{
		{"light-lossy", lossyInput(t), Options{}},
		{"dark-even-retransmissions", streamInput(t, "tcpdump/pptp.pcap", 0), Options{Theme: Dark, Even: true, Width: 800}},
		{"light-reset", streamInput(t, "zeek/http_get-to-ssh-server.pcap", 0), Options{Width: 1280}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, o := c.in, withWidth(c.o)
			plan := planSVG(build(&in, o), o)
			dir := t.TempDir()
			svgPath, pngPath := filepath.Join(dir, "ladder.svg"), filepath.Join(dir, "ladder.png")
			if err := os.WriteFile(svgPath, svgOf(t, in, o), 0o644); err != nil {
				t.Fatal(err)
			}
			args := append(append([]string{}, chromiumArgs...), "--hide-scrollbars", "--force-device-scale-factor=1",
				"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+pngPath,
				"--window-size="+strconv.Itoa(plan.W)+","+strconv.Itoa(plan.H), "file://"+svgPath)
			cmd := exec.CommandContext(renderTimeout(t), chromium, args...)
			cmd.Env = append(os.Environ(), "HOME="+dir)
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("chromium: %v\n%s", err, msg)
			}
			f, err := os.Open(pngPath)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != plan.W || b.Dy() != plan.H {
				t.Fatalf("screenshot is %v, want %dx%d", b, plan.W, plan.H)
			}
			pal := palettes[o.Theme]
			bg := hexColour(pal.Background)
			if n := countNot(img, bg); n < plan.W*plan.H/50 {
				t.Fatalf("the PNG is nearly blank: %d pixels differ from the background", n)
			}
			for k, a := range plan.Arrows {
				want := hexColour(arrowColour(pal, a))
				for _, frac := range []float64{0.2, 0.4, 0.6, 0.8} {
					x, y := a.X1+(a.X2-a.X1)*frac, a.Y1+(a.Y2-a.Y1)*frac
					if !near(img, x, y, 2, want) {
						t.Errorf("arrow %d: no arrow colour at (%.0f, %.0f), %.0f%% along it", k, x, y, frac*100)
					}
					if near(img, x, y+9, 1, want) {
						t.Errorf("arrow %d: arrow colour 9 px below it at (%.0f, %.0f): the arrows are not where the layout put them", k, x, y+9)
					}
				}
			}
		})
	}
}

func hexColour(s string) color.RGBA {
	v, _ := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
}

// close reports whether c is within a small distance of want (anti-aliasing).
func closeTo(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, w uint8) int { x := int(a>>8) - int(w); return x * x }
	return d(r, want.R)+d(g, want.G)+d(b, want.B) < 45*45
}

func near(img image.Image, x, y float64, radius int, want color.RGBA) bool {
	for dy := -radius; dy <= radius; dy++ {
		for dx := -radius; dx <= radius; dx++ {
			if closeTo(img.At(int(x+0.5)+dx, int(y+0.5)+dy), want) {
				return true
			}
		}
	}
	return false
}

func countNot(img image.Image, bg color.RGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			if !closeTo(img.At(x, y), bg) {
				n += 4
			}
		}
	}
	return n
}

func TestPlantUMLRendersEveryExportedDiagram(t *testing.T) {
	plantuml, err := exec.LookPath("plantuml")
	if err != nil {
		t.Skip("plantuml is not installed (.ci/run installs Debian's): the real PlantUML parser cannot check the diagrams")
	}
	dir := t.TempDir()
	render := func(diagrams map[string][]byte) (string, error) {
		var files []string
		for name, d := range diagrams {
			p := filepath.Join(dir, name+".puml")
			if err := os.WriteFile(p, d, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
		// -failfast2: stop with a non-zero status at the first syntax error.
		cmd := exec.CommandContext(renderTimeout(t), plantuml, append([]string{"-tsvg", "-failfast2", "-nometadata"}, files...)...)
		cmd.Env = append(os.Environ(), "HOME="+dir, "JAVA_TOOL_OPTIONS=-Djava.awt.headless=true")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if _, err := render(map[string][]byte{"broken": []byte("@startuml\nA -> : x\nfoo bar baz\n@enduml\n")}); err == nil {
		t.Fatal("plantuml accepted a broken diagram: the check below would prove nothing")
	}
	os.Remove(filepath.Join(dir, "broken.puml"))
	in := lossy(t)
	var b bytes.Buffer
	if err := Write(&b, PlantUML, in, Options{Title: "test_ethernet.pcap ~ **x** <b>"}); err != nil {
		t.Fatal(err)
	}
	diagrams := map[string][]byte{"lossy": b.Bytes()}
	goldens, _ := filepath.Glob(filepath.Join("testdata", "*.puml.golden"))
	for _, g := range goldens {
		d, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		diagrams[strings.TrimSuffix(filepath.Base(g), ".puml.golden")] = d
	}
	if out, err := render(diagrams); err != nil {
		t.Fatalf("plantuml rejected an exported diagram: %v\n%s", err, out)
	}
	for name := range diagrams {
		svg, err := os.ReadFile(filepath.Join(dir, name+".svg"))
		if err != nil {
			t.Fatalf("plantuml wrote no SVG for %s: %v", name, err)
		}
		decodeXML(t, svg)
		if !bytes.Contains(svg, []byte("Seq=")) {
			t.Errorf("%s: the rendered diagram has no label", name)
		}
	}
	svg, _ := os.ReadFile(filepath.Join(dir, "lossy.svg"))
	for _, want := range []string{"SYN, ACK Seq=0 Ack=1", "client 10.1.1.2:44644", "connect() → ok", "[dropped by the wire]", "Three-way handshake", "**x**"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("the rendered PlantUML diagram lacks %q", want)
		}
	}
}
