package feed

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// corpusDir is the shared capture corpus, ../shared/pcaps beside the repo.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "pcaps")
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST.tsv")); err != nil {
		t.Skipf("capture corpus not found at %s (CI puts shared/ beside the repo): %v", dir, err)
	}
	return dir
}

// manifestPackets returns the frame count MANIFEST.tsv gives for a file.
func manifestPackets(t testing.TB, name string) uint64 {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir(t), "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) > 5 && cols[0] == name {
			n, err := strconv.ParseUint(cols[5], 10, 64)
			if err != nil {
				t.Fatalf("MANIFEST.tsv packets of %s: %v", name, err)
			}
			return n
		}
	}
	t.Fatalf("%s is not in MANIFEST.tsv", name)
	return 0
}

// tsharkStreams returns how many TCP streams tshark found in a file.
func tsharkStreams(t testing.TB, name string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir(t), "tshark-streams.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]struct {
		Streams []json.RawMessage `json:"streams"`
	}
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	e, ok := all[name]
	if !ok {
		t.Fatalf("%s is not in tshark-streams.json", name)
	}
	return len(e.Streams)
}
