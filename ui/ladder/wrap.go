package ladder

import (
	"strings"

	"github.com/rivo/uniseg"
)

// Wrap breaks text into lines of at most w cells, at spaces when it can
// and between any two wide characters (Chinese).
func Wrap(text string, w int) []string {
	if w <= 0 {
		return nil
	}
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		var line strings.Builder
		lw := 0
		flush := func() {
			lines = append(lines, strings.TrimRight(line.String(), " "))
			line.Reset()
			lw = 0
		}
		for _, word := range strings.SplitAfter(para, " ") {
			ww := uniseg.StringWidth(strings.TrimRight(word, " "))
			if lw > 0 && lw+ww > w && !startsWide(word) {
				flush()
			}
			state := -1
			for word != "" {
				var cl string
				var cw int
				cl, word, cw, state = uniseg.FirstGraphemeClusterInString(word, state)
				if lw+cw > w && lw > 0 && !strings.Contains(noLineStart, cl) {
					if cl == " " {
						continue
					}
					flush()
				}
				line.WriteString(cl)
				lw += cw
			}
		}
		flush()
	}
	return lines
}

// noLineStart is the punctuation a Chinese line must not start with: it
// hangs past the width instead (two cells at most).
const noLineStart = "，。、；：？！）」』》"

// startsWide reports whether s starts with a wide (CJK) character, which
// may be broken anywhere, so a word starting with one fills the line.
func startsWide(s string) bool {
	for _, r := range s {
		return uniseg.StringWidth(string(r)) > 1
	}
	return false
}
