package interview

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// The README shows the paused explain screen and the guide's and quiz's
// key tables; keep them the real ones (-update rewrites the tables).
func TestReadmeShowsTheGuideScreenAndKeyTables(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	screen, err := os.ReadFile(filepath.Join("testdata", "guide_handshake_80x24_en.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(readme, strings.TrimRight(string(screen), "\n")) {
		t.Error("README.md's explain screen differs from testdata/guide_handshake_80x24_en.golden: paste the golden into the README")
	}
	for _, tc := range []struct{ name, want string }{
		{"explain-keys", GuideKeysMarkdown(narrate.English)},
		{"quiz-keys", QuizKeysMarkdown(narrate.English)},
	} {
		begin, end := "<!-- "+tc.name+":begin", "<!-- "+tc.name+":end -->"
		i, j := strings.Index(readme, begin), strings.Index(readme, end)
		if i < 0 || j < i {
			t.Fatalf("README.md has no %q … %q block", begin, end)
		}
		i += strings.Index(readme[i:], "-->") + len("-->\n")
		if *update {
			readme = readme[:i] + tc.want + readme[j:]
			continue
		}
		if got := readme[i:j]; got != tc.want {
			t.Errorf("README.md's %s table differs from the key table (go test ./ui/interview -run Readme -update)\n--- README\n%s--- table\n%s", tc.name, got, tc.want)
		}
	}
	if *update {
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
