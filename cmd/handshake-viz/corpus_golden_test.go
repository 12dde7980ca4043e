package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpusFiles lists the readable captures of the shared corpus (MANIFEST.tsv
// order sorted by path; the libpcap/ files are deliberately invalid).
func corpusFiles(t *testing.T, root string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "MANIFEST.tsv"))
	if err != nil {
		t.Skipf("shared corpus not found (%v)", err)
	}
	defer f.Close()
	var files []string
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		path, _, _ := strings.Cut(sc.Text(), "\t")
		if !strings.HasPrefix(path, "libpcap/") {
			files = append(files, path)
		}
	}
	sort.Strings(files)
	return files
}

// TestAnalyzeJSONOfTheWholeCorpusIsUnchanged pins `analyze --json` on every
// capture of the shared corpus: performance work must not change a byte.
// The golden was checked against tshark (session/corpus_test.go compares
// stream counts, packets, completeness and retransmissions) and the
// MANIFEST notes. The streamed writer puts "streams" before the totals and
// adds "finished"; with the default --idle/--syn-idle five captures get the
// streams Zeek's timeouts give (their warnings say so), the rest are the
// bytes of the kept report (session/report's corpus test compares the two).
// Rewrite it only for a deliberate change of the numbers:
//
//	cd ../shared/pcaps && handshake-viz analyze --json $(files) > testdata/corpus-analyze.golden.ndjson
func TestAnalyzeJSONOfTheWholeCorpusIsUnchanged(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "pcaps")
	files := corpusFiles(t, root)
	want, err := os.ReadFile(filepath.Join("testdata", "corpus-analyze.golden.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binPath, append([]string{"analyze", "--json"}, files...)...)
	cmd.Dir = root
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}
	gotLines := bytes.Split(bytes.TrimSpace(got), []byte("\n"))
	wantLines := bytes.Split(bytes.TrimSpace(want), []byte("\n"))
	if len(gotLines) != len(wantLines) {
		t.Fatalf("%d reports, want %d", len(gotLines), len(wantLines))
	}
	for i := range wantLines {
		if !bytes.Equal(gotLines[i], wantLines[i]) {
			t.Errorf("%s changed:\n got %s\nwant %s", files[i], gotLines[i], wantLines[i])
		}
	}
}
