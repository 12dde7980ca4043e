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
			for _, tok := range tokens(word) {
				if tok.w > w { // a run longer than a line: broken anywhere
					for _, c := range tok.clusters {
						if lw+c.w > w && lw > 0 {
							flush()
						}
						line.WriteString(c.s)
						lw += c.w
					}
					continue
				}
				if lw+tok.w > w && lw > 0 && !strings.Contains(noLineStart, tok.s) {
					if tok.s == " " {
						continue
					}
					flush()
				}
				line.WriteString(tok.s)
				lw += tok.w
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

// cluster is one grapheme cluster and its width in cells.
type cluster struct {
	s string
	w int
}

// token is what a line may not be broken inside: one wide character, one
// space, or a run of narrow characters (a number or a Latin word inside
// Chinese text: "（MAC 地址）" never breaks inside "MAC").
type token struct {
	s        string
	w        int
	clusters []cluster
}

func tokens(word string) []token {
	var out []token
	state := -1
	narrow := false // the last token is a run of narrow characters
	for word != "" {
		var cl string
		var cw int
		cl, word, cw, state = uniseg.FirstGraphemeClusterInString(word, state)
		isNarrow := cw <= 1 && cl != " "
		if isNarrow && narrow {
			t := &out[len(out)-1]
			t.s += cl
			t.w += cw
			t.clusters = append(t.clusters, cluster{cl, cw})
			continue
		}
		out = append(out, token{s: cl, w: cw, clusters: []cluster{{cl, cw}}})
		narrow = isNarrow
	}
	return out
}
