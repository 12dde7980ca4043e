package interview

import (
	"testing"

	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// The README shows the paused explain screen and the guide's and quiz's
// key tables; keep them the real ones (-update rewrites the tables).
func TestReadmeShowsTheGuideScreenAndKeyTables(t *testing.T) {
	laddertest.ReadmeShows(t, "guide_handshake_80x24_en.golden")
	laddertest.ReadmeBlocks(t, *update,
		laddertest.Block{Name: "explain-keys", Text: GuideKeysMarkdown(narrate.English)},
		laddertest.Block{Name: "quiz-keys", Text: QuizKeysMarkdown(narrate.English)})
}
