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
