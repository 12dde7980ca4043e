package laddertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Block is a generated block of the README: the text between the lines
// "<!-- Name:begin …-->" and "<!-- Name:end -->".
type Block struct {
	Name, Text string
}

// ReadmeBlocks checks that the module's README.md holds each block as
// generated; with update it rewrites the blocks instead. The begin line
// of a block says which test rewrites it.
func ReadmeBlocks(t testing.TB, update bool, blocks ...Block) {
	t.Helper()
	path := filepath.Join(moduleRoot(t), "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, bl := range blocks {
		begin, end := "<!-- "+bl.Name+":begin", "<!-- "+bl.Name+":end -->"
		i, j := strings.Index(readme, begin), strings.Index(readme, end)
		if i < 0 || j < i {
			t.Fatalf("README.md has no %q … %q block", begin, end)
		}
		k := i + strings.Index(readme[i:], "-->") + len("-->\n")
		if update {
			readme = readme[:k] + bl.Text + readme[j:]
			continue
		}
		if got := readme[k:j]; got != bl.Text {
			t.Errorf("README.md's %s block differs from what makes it (%s)\n--- README\n%s--- made\n%s",
				bl.Name, strings.TrimSpace(readme[i:k]), got, bl.Text)
		}
	}
	if update {
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// ReadmeShows checks that the module's README.md shows the golden file
// testdata/golden of the calling test's package (a screen pasted into
// it), so the README's picture is the real one.
func ReadmeShows(t testing.TB, golden string) {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(moduleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	screen, err := os.ReadFile(filepath.Join("testdata", golden))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), strings.TrimRight(string(screen), "\n")) {
		t.Errorf("README.md's screen differs from testdata/%s: paste the golden into the README", golden)
	}
}
