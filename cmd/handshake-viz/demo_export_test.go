package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// assertWellFormedXML fails the test unless b (the file name) decodes as
// XML to its end.
func assertWellFormedXML(t *testing.T, name string, b []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := dec.Token(); err == io.EOF {
			return
		} else if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
	}
}

// demo --export runs the exchange with no screen and writes the ladder:
// for the recorded exchange the ASCII export is exactly the --no-tui text.
func TestDemoExportASCIIOfTheRecordingIsTheNoTUIText(t *testing.T) {
	export, err := exec.Command(binPath, "demo", "--recorded", "--export", "ascii").Output()
	if err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command(binPath, "demo", "--recorded", "--no-tui").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(export, text) {
		t.Errorf("demo --export ascii differs from demo --no-tui:\n%s\n---\n%s", export, text)
	}
}

// A live scenario exported: the refused scenario as Mermaid names the RST
// and connect()'s ECONNREFUSED; the lost-syn scenario as SVG is one
// well-formed file with its dropped SYN, and -o never replaces a file
// without --force.
func TestDemoScenarioExportWritesMermaidAndSVG(t *testing.T) {
	needRoot(t)
	out, err := exec.Command(binPath, "demo", "--scenario", "refused", "--export", "mermaid").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"sequenceDiagram", "RST, ACK", "connect() → ECONNREFUSED", "CLOSED"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the refused scenario's Mermaid lacks %q:\n%s", want, out)
		}
	}
	path := filepath.Join(t.TempDir(), "lost-syn.svg")
	if out, err := exec.Command(binPath, "demo", "--scenario", "lost-syn", "--export", "svg", "-o", path).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	assertWellFormedXML(t, path, b)
	if !strings.Contains(string(b), "[dropped by the wire]") || !strings.Contains(string(b), "[TCP Retransmission]") {
		t.Errorf("the lost-syn SVG lacks the dropped SYN's mark or its retransmission")
	}
	again := exec.Command(binPath, "demo", "--scenario", "lost-syn", "--export", "svg", "-o", path)
	if out, err := again.CombinedOutput(); err == nil || !strings.Contains(string(out), "--force") {
		t.Errorf("a second export over %s: err %v, output %q; want a refusal naming --force", path, err, out)
	}
}
