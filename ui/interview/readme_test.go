package interview

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// The README shows the paused explain screen and the guide's and quiz's
// key tables; keep them the real ones (-update rewrites the tables).
func TestReadmeShowsTheGuideScreenAndKeyTables(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	screen, err := os.ReadFile(filepath.Join("testdata", "guide_handshake_80x24_en.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), strings.TrimRight(string(screen), "\n")) {
		t.Error("README.md's explain screen differs from testdata/guide_handshake_80x24_en.golden: paste the golden into the README")
	}
	laddertest.ReadmeBlocks(t, *update,
		laddertest.Block{Name: "explain-keys", Text: GuideKeysMarkdown(narrate.English)},
		laddertest.Block{Name: "quiz-keys", Text: QuizKeysMarkdown(narrate.English)})
}
