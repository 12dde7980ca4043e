package interview

import (
	"strings"
	"testing"

	"github.com/rivo/uniseg"

	"github.com/handshake-viz/handshake-viz/session/explain"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

var langs = []narrate.Lang{narrate.English, narrate.Chinese}

func TestTextGoldenOfEveryTopicInBothLanguages(t *testing.T) {
	ex := loopExchange(t)
	for _, tp := range explain.Topics() {
		for _, lang := range langs {
			var b strings.Builder
			if err := WriteTopic(&b, lang, Lesson{Topic: tp, Exchange: ex}); err != nil {
				t.Fatal(err)
			}
			laddertest.Golden(t, *update, "text_"+tp.Name+"_"+lang.String()+".golden", b.String())
		}
	}
}

func TestTextGoldenOfTheTopicList(t *testing.T) {
	for _, lang := range langs {
		var b strings.Builder
		if err := WriteList(&b, lang); err != nil {
			t.Fatal(err)
		}
		laddertest.Golden(t, *update, "list_"+lang.String()+".golden", b.String())
	}
}

func TestTopicTextParagraphsFitEightyColumns(t *testing.T) {
	ex := loopExchange(t)
	for _, tp := range explain.Topics() {
		for _, lang := range langs {
			var b strings.Builder
			if err := WriteTopic(&b, lang, Lesson{Topic: tp, Exchange: ex}); err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(b.String(), "\n") {
				if strings.Contains(line, "--->") || strings.Contains(line, "<---") {
					continue // ladder lines are as wide as the demo's
				}
				if w := uniseg.StringWidth(line); w > 80 {
					t.Errorf("%s %s: line of %d cells: %q", tp.Name, lang, w, line)
				}
			}
		}
	}
}

func TestHandshakeTextPausesUnderEachKeyPacket(t *testing.T) {
	ex := loopExchange(t)
	tp, _ := explain.Find("handshake")
	var b strings.Builder
	if err := WriteTopic(&b, narrate.English, Lesson{Topic: tp, Exchange: ex}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	for _, want := range []struct{ arrow, pause string }{
		{"SYN Seq=0", "⏸ 1/3 SYN"},
		{"SYN, ACK Seq=0 Ack=1", "⏸ 2/3 SYN,ACK"},
		{"ACK Seq=1 Ack=1", "⏸ 3/3 ACK"},
	} {
		found := false
		for i, l := range lines[:len(lines)-1] {
			if strings.Contains(l, want.arrow) && strings.Contains(lines[i+1], want.pause) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %q line right under the %q arrow", want.pause, want.arrow)
		}
	}
}
