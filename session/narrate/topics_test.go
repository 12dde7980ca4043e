package narrate

import (
	"strings"
	"testing"
	"unicode"
)

// TestEveryKeyExistsInBothLanguages fails when a message exists in one
// language only (the zh-only "field." names are the documented exception:
// English shows capture's own field names).
func TestEveryKeyExistsInBothLanguages(t *testing.T) {
	for k := range tables[English] {
		if !Has(Chinese, k) {
			t.Errorf("%s has no Chinese text", k)
		}
	}
	for k := range tables[Chinese] {
		if strings.HasPrefix(string(k), "field.") {
			continue
		}
		if !Has(English, k) {
			t.Errorf("%s has no English text", k)
		}
	}
}

func TestInterviewModeTextsAreChineseInChinese(t *testing.T) {
	for _, part := range []map[Key]string{zhTopics, zhExplainUI, zhQuiz} {
		for k, v := range part {
			if strings.HasPrefix(string(k), "explain.ui.follow.") || k == "explain.time-wait.title" || k == "explain.ui.stop" || k == "explain.ui.labelled" || k == "explain.layers.in" {
				continue // command lines, names and full-width punctuation only
			}
			if !strings.ContainsFunc(v, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Errorf("%s: Chinese text has no Chinese: %q", k, v)
			}
		}
	}
}

func TestChineseInterviewTermsAreTheTextbooks(t *testing.T) {
	all := ""
	for _, v := range zhTopics {
		all += v
	}
	for _, term := range []string{"三次握手", "四次挥手", "传输层", "粘包", "半连接队列", "全连接队列", "网络层", "数据链路层", "报文段", "数据报"} {
		if !strings.Contains(all, term) {
			t.Errorf("the Chinese topics never say %s", term)
		}
	}
}
