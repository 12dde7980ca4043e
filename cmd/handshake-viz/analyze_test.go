package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// analyzeRun runs `handshake-viz analyze ARGS` in this process.
func analyzeRun(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"analyze"}, args...), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// docFile is the "file" of each JSON document of the output, in order.
func docFiles(t *testing.T, out string) []string {
	t.Helper()
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var doc struct {
			File string `json:"file"`
		}
		if err := json.Unmarshal([]byte(line), &doc); err != nil {
			t.Fatalf("not a JSON document: %v: %.200s", err, line)
		}
		files = append(files, doc.File)
	}
	return files
}

func TestAnalyzeOfSeveralFilesPrintsEachAsAloneInArgumentOrder(t *testing.T) {
	names := []string{"zeek/wikipedia.pcap", "tcpdump/dns_tcp.pcap", "zeek/ftp_bruteforce.pcap", "zeek/http_get.pcap", "zeek/mysql_auth.pcap", "zeek/tcp_ssh-dups.pcap"}
	var paths []string
	var alone strings.Builder
	for _, n := range names {
		p := corpus(t, n)
		paths = append(paths, p)
		out, _, code := analyzeRun(t, "--json", p)
		if code != 0 {
			t.Fatalf("analyze %s: exit %d", p, code)
		}
		alone.WriteString(out)
	}
	out, errs, code := analyzeRun(t, append([]string{"--json", "--jobs", "2"}, paths...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if got := docFiles(t, out); strings.Join(got, " ") != strings.Join(paths, " ") {
		t.Errorf("documents for %q, want argument order %q", got, paths)
	}
	if out != alone.String() {
		t.Errorf("the parallel run's output differs from the files analyzed one by one")
	}
}

func TestAnalyzeOfADirectoryWalksEveryCaptureUnderIt(t *testing.T) {
	dir := filepath.Dir(corpus(t, "zeek/http_get.pcap"))
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range entries {
		want = append(want, filepath.Join(dir, e.Name()))
	}
	out, errs, code := analyzeRun(t, "--ndjson", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, `{"version":`) {
			var sum struct {
				File string `json:"file"`
			}
			if err := json.Unmarshal([]byte(line), &sum); err != nil {
				t.Fatal(err)
			}
			got = append(got, sum.File)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("summaries for\n%s\nwant every file of %s in order:\n%s", strings.Join(got, "\n"), dir, strings.Join(want, "\n"))
	}
}

func TestAnalyzeOfADirectorySkipsFilesThatAreNotCaptures(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(corpus(t, "tcpdump/dns_tcp.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.pcap"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a capture\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := analyzeRun(t, "--json", dir)
	if code != 0 || len(docFiles(t, out)) != 1 || !strings.Contains(errs, "skipped 1 file") {
		t.Errorf("exit %d, %d documents, stderr %q: want the capture reported and the text file skipped in one line", code, len(docFiles(t, out)), errs)
	}
}

func TestAnalyzeFilterKeepsOnlyTheFramesItAccepts(t *testing.T) {
	p := corpus(t, "zeek/wikipedia.pcap")
	counts := func(args ...string) (packets, tcp, udp int) {
		out, errs, code := analyzeRun(t, append(args, "--json", p)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var doc struct{ Packets, TCPPackets, UDPPackets int }
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &raw); err != nil {
			t.Fatal(err)
		}
		json.Unmarshal(raw["packets"], &doc.Packets)
		json.Unmarshal(raw["tcp_packets"], &doc.TCPPackets)
		json.Unmarshal(raw["udp_packets"], &doc.UDPPackets)
		return doc.Packets, doc.TCPPackets, doc.UDPPackets
	}
	_, allTCP, allUDP := counts()
	if allTCP == 0 || allUDP == 0 {
		t.Fatalf("%d TCP and %d UDP packets: the capture must have both", allTCP, allUDP)
	}
	if n, tcp, udp := counts("--filter", "udp"); n != allUDP || tcp != 0 || udp != allUDP {
		t.Errorf("--filter udp: %d packets (%d TCP, %d UDP), want %d UDP only", n, tcp, udp, allUDP)
	}
	if _, tcp, udp := counts("--filter", "tcp and not udp"); tcp != allTCP || udp != 0 {
		t.Errorf("--filter tcp: %d TCP, %d UDP, want %d TCP only", tcp, udp, allTCP)
	}
}

func TestAnalyzeRefusesABadFilterOrTwoFormatsInOneLine(t *testing.T) {
	p := corpus(t, "zeek/http_get.pcap")
	for _, args := range [][]string{
		{"--filter", "tcp port", p},
		{"--filter", "icmp", p},
		{"--json", "--format", "zeek", p},
		{"--format", "xml", p},
	} {
		out, errs, code := analyzeRun(t, args...)
		if code == 0 || out != "" || strings.Count(errs, "\n") != 1 {
			t.Errorf("analyze %q: exit %d, stdout %q, stderr %q: want exit 1 and one line", args, code, out, errs)
		}
	}
}
