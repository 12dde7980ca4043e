package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the command line in-process and returns its exit status,
// stdout and stderr.
func runCLI(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, bytes.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestExportASCIIAndJSONAreTheDemoNoTUIAndJSONOutputs(t *testing.T) {
	for _, c := range []struct{ format, demoFlag string }{{"ascii", "--no-tui"}, {"json", "--json"}} {
		code, demo, stderr := runCLI(t, nil, "demo", "--recorded", c.demoFlag)
		if code != 0 {
			t.Fatalf("demo --recorded %s: %d %s", c.demoFlag, code, stderr)
		}
		code, exp, stderr := runCLI(t, nil, "export", "recorded.pcapng", "--format", c.format)
		if code != 0 {
			t.Fatalf("export --format %s: %d %s", c.format, code, stderr)
		}
		if exp != demo {
			t.Errorf("export --format %s differs from demo --recorded %s:\n%s\nvs\n%s", c.format, c.demoFlag, exp, demo)
		}
	}
}

func TestExportReadsStdin(t *testing.T) {
	data, err := os.ReadFile("recorded.pcapng")
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, data, "export", "-", "--format", "mermaid")
	if code != 0 || !strings.HasPrefix(out, "sequenceDiagram\n") || strings.Contains(out, "title") {
		t.Errorf("export - = %d, %q, %s", code, out, stderr)
	}
}

func TestExportOutputNeverOverwritesWithoutForce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ladder.svg")
	if err := os.WriteFile(path, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, nil, "export", "recorded.pcapng", "--format", "svg", "-o", path)
	if code != 1 || out != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "--force") {
		t.Errorf("export over an existing file = %d, %q, %q; want 1 and one line naming --force", code, out, stderr)
	}
	if b, _ := os.ReadFile(path); string(b) != "mine" {
		t.Fatalf("the existing file was changed: %q", b)
	}
	if code, _, stderr := runCLI(t, nil, "export", "recorded.pcapng", "--format", "svg", "-o", path, "--force"); code != 0 {
		t.Fatalf("--force: %d %s", code, stderr)
	}
	if b, _ := os.ReadFile(path); !bytes.HasPrefix(b, []byte("<?xml")) {
		t.Errorf("--force did not write the SVG: %.40q", b)
	}
	fresh := filepath.Join(filepath.Dir(path), "new.cast")
	if code, _, stderr := runCLI(t, nil, "export", "recorded.pcapng", "--format", "cast", "-o", fresh); code != 0 {
		t.Fatalf("-o a new file: %d %s", code, stderr)
	}
	if b, _ := os.ReadFile(fresh); !bytes.HasPrefix(b, []byte(`{"version":2,`)) {
		t.Errorf("the cast file starts %.40q", b)
	}
}

func TestExportStreamChoiceAndBadInputSayWhatToDoInOneLine(t *testing.T) {
	ftp := corpus(t, "zeek/ftp_bruteforce.pcap")
	code, out, stderr := runCLI(t, nil, "export", ftp, "--stream", "all")
	conns := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "Stream ") {
			conns[strings.Fields(line)[1]] = true
		}
	}
	if code != 0 || len(conns) != 30 {
		t.Errorf("--stream all: %d, %d connections (want 30), %s", code, len(conns), stderr)
	}
	code, out, _ = runCLI(t, nil, "export", ftp, "--stream", "2", "--format", "plantuml")
	if code != 0 || !strings.Contains(out, "== Simultaneous close ==") || strings.Count(out, "participant ") != 2 {
		t.Errorf("--stream 2 --format plantuml: %d\n%s", code, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", ftp, "--stream", "99"}, "TCP streams 0 to 29"},
		{[]string{"export", ftp, "--stream", "x"}, "or all"},
		{[]string{"export", ftp, "--format", "png"}, "ascii|mermaid|plantuml|svg|json|cast"},
		{[]string{"export", ftp, "--theme", "blue"}, "light or dark"},
		{[]string{"export", ftp, "--format", "svg", "--width", "100"}, "at least"},
		{[]string{"export", ftp, "--lang", "fr"}, "en or zh"},
		{[]string{"export", corpus(t, "tcpdump/dns_udp.pcap")}, "no TCP stream"},
		{[]string{"export", "no-such-file.pcap"}, "no-such-file.pcap"},
	} {
		code, out, stderr := runCLI(t, nil, c.args...)
		if code != 1 || out != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v = %d, %q, %q; want status 1 and one line with %q", c.args[2:], code, out, stderr, c.want)
		}
	}
}

func TestREADMELadderSVGIsTheExportOfTestEthernet(t *testing.T) {
	code, out, stderr := runCLI(t, nil, "export", corpus(t, "gopacket/test_ethernet.pcap"), "--format", "svg")
	if code != 0 {
		t.Fatalf("%d %s", code, stderr)
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "ladder.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if string(doc) != out {
		t.Error("docs/ladder.svg is not the current export: regenerate it with " +
			"handshake-viz export ../shared/pcaps/gopacket/test_ethernet.pcap --format svg -o docs/ladder.svg --force")
	}
}

func TestExportWarnsWhenMermaidWouldRefuseTheDiagram(t *testing.T) {
	ftp := corpus(t, "zeek/ftp_bruteforce.pcap")
	code, out, stderr := runCLI(t, nil, "export", ftp, "--stream", "all", "--format", "mermaid", "--raw")
	if code != 0 || len(out) <= 50000 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "Maximum text size") {
		t.Errorf("a %d-character diagram: status %d, stderr %q; want 0 and one warning line", len(out), code, stderr)
	}
	code, out, stderr = runCLI(t, nil, "export", ftp, "--stream", "2", "--format", "mermaid", "--raw")
	if code != 0 || stderr != "" {
		t.Errorf("a %d-character diagram: status %d, stderr %q; want no warning", len(out), code, stderr)
	}
}
