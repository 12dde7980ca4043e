package explain

import (
	"bufio"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// loopEvents are the events of cmd/handshake-viz/recorded.pcapng, a real
// `demo --write` capture (the recording the demo ships): handshake, hello, world,
// ##, four-way close.
func loopEvents(t testing.TB) []session.Event {
	t.Helper()
	src, err := capture.OpenFile(filepath.Join("..", "..", "cmd", "handshake-viz", "recorded.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	tl := session.NewTimeline()
	if _, err := feed.Run(context.Background(), src, feed.Options{Timeline: tl}); err != nil {
		t.Fatal(err)
	}
	if tl.Len() != 17 {
		t.Fatalf("recorded.pcapng: %d events, want 17", tl.Len())
	}
	return tl.Slice(0, tl.Len())
}

var questionLine = regexp.MustCompile(`^\s*(\d+)\.\s`)

// questionNumbers reads the numbered questions of an interview list.
func questionNumbers(t *testing.T, path string) []int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := questionLine.FindStringSubmatch(sc.Text()); m != nil {
			n, _ := strconv.Atoi(m[1])
			out = append(out, n)
		}
	}
	return out
}

func TestEveryInterviewQuestionMapsToATopic(t *testing.T) {
	nums := questionNumbers(t, "testdata/interview-questions.txt")
	if len(nums) != 33 {
		t.Fatalf("testdata lists %d questions, want 33", len(nums))
	}
	covered := Covered()
	for _, n := range nums {
		ts := covered[n]
		if len(ts) == 0 {
			t.Errorf("question %d is answered by no topic", n)
		}
		for _, name := range ts {
			if _, ok := Find(name); !ok {
				t.Errorf("question %d maps to topic %q, which does not exist", n, name)
			}
		}
	}
	for q := range covered {
		if q < 1 || q > len(nums) {
			t.Errorf("a topic claims question %d, which the list does not have", q)
		}
	}
}

// TestTheSharedQuestionListStillHasTheCopiedNumbers checks the copy in
// testdata against the shared notes, where they exist (CI has them; a
// user's checkout does not).
func TestTheSharedQuestionListStillHasTheCopiedNumbers(t *testing.T) {
	const shared = "../../../shared/notes/interview-questions.md"
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("no shared notes at %s (only CI has them)", shared)
	}
	got, want := questionNumbers(t, shared), questionNumbers(t, "testdata/interview-questions.txt")
	if len(got) != len(want) {
		t.Fatalf("shared list has %d questions, testdata %d: copy the list again", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("question %d of the shared list is numbered %d, testdata %d", i+1, got[i], want[i])
		}
	}
}

func TestFollowUpsJumpToTopicsOrScenariosThatExist(t *testing.T) {
	for _, tp := range Topics() {
		if !IsScenario(tp.Scenario) {
			t.Errorf("%s plays scenario %q, not in the library", tp.Name, tp.Scenario)
		}
		for _, f := range tp.FollowUps {
			if _, ok := Find(f.Target); !ok && !IsScenario(f.Target) {
				t.Errorf("%s follow-up %s jumps to %q: neither a topic nor a scenario", tp.Name, f.ID, f.Target)
			}
		}
		if len(tp.FollowUps) > 9 {
			t.Errorf("%s has %d follow-ups; keys 1-9 reach only 9", tp.Name, len(tp.FollowUps))
		}
	}
}

func TestRequiredTopicsExist(t *testing.T) {
	for _, name := range []string{"layers", "handshake", "close", "time-wait", "tcp-vs-udp", "reliability",
		"flow-control", "congestion", "nagle", "framing", "rst", "backlog", "ports", "sockets"} {
		if _, ok := Find(name); !ok {
			t.Errorf("no topic %q", name)
		}
	}
}

func TestEveryTopicTextExistsInBothLanguages(t *testing.T) {
	for _, tp := range Topics() {
		for _, k := range tp.Keys() {
			for _, lang := range []narrate.Lang{narrate.English, narrate.Chinese} {
				if !narrate.Has(lang, k) {
					t.Errorf("%s has no %s text", k, lang)
				}
			}
		}
	}
}

func TestHandshakeStopsAtSYNThenSYNACKWithISNPlusOneThenThirdACK(t *testing.T) {
	evs := loopEvents(t)
	tp, _ := Find("handshake")
	marks := tp.Marks(evs)
	want := []struct {
		id string
		ev int
	}{{"syn", 0}, {"synack", 1}, {"ack", 2}, {"data", 3}}
	if len(marks) != len(want) {
		t.Fatalf("%d marks, want %d: %+v", len(marks), len(want), marks)
	}
	for i, w := range want {
		if marks[i].Stop.ID != w.id || marks[i].Event != w.ev {
			t.Errorf("mark %d: %s at event %d, want %s at %d", i, marks[i].Stop.ID, marks[i].Event, w.id, w.ev)
		}
	}
	syn, synack := evs[0].Seg, evs[1].Seg
	text := StopText(narrate.English, tp, marks[1], evs)
	if synack.Ack != syn.Seq+1 || !strings.Contains(text, strconv.FormatUint(uint64(syn.Seq+1), 10)) {
		t.Errorf("SYN,ACK ack %d, client ISN %d; the stop says %q", synack.Ack, syn.Seq, text)
	}
}

func TestCloseStopsAtEachOfTheFourSegments(t *testing.T) {
	evs := loopEvents(t)
	tp, _ := Find("close")
	got := markEvents(tp, evs)
	if want := []int{13, 14, 15, 16}; !slices.Equal(got, want) {
		t.Errorf("close stops at events %v, want %v", got, want)
	}
}

func TestEveryStopSentenceRendersWithItsNumbers(t *testing.T) {
	evs := loopEvents(t)
	for _, tp := range Topics() {
		for _, m := range tp.Marks(evs) {
			for _, lang := range []narrate.Lang{narrate.English, narrate.Chinese} {
				s := StopText(lang, tp, m, evs)
				if strings.Contains(s, "%!") || strings.HasPrefix(s, "explain.") {
					t.Errorf("%s %s/%s: %q", lang, tp.Name, m.Stop.ID, s)
				}
			}
		}
	}
}

func TestStopsWithoutTheirPacketAreLeftOut(t *testing.T) {
	evs := loopEvents(t)
	tp, _ := Find("rst")
	marks := tp.Marks(evs)
	if len(marks) != 2 || marks[0].Stop.ID != "syn" || marks[1].Stop.ID != "fin" {
		t.Errorf("rst on an exchange without RST: %+v, want the syn and fin stops only", marks)
	}
}

func TestQuizOptionsHoldTheRealValueOnceAndDistinctWrongOnes(t *testing.T) {
	evs := loopEvents(t)
	for seed := uint64(0); seed < 50; seed++ {
		qs := Quiz(evs, rand.New(rand.NewPCG(seed, 1)), QuizOptions{N: 6})
		if len(qs) != 6 {
			t.Fatalf("seed %d: %d questions", seed, len(qs))
		}
		for _, q := range qs {
			ev := &evs[q.Event]
			right := q.Options[q.Answer]
			var real string
			switch q.Ask {
			case AskFlags:
				real = ev.Seg.Flags.String()
			case AskSeq:
				real = "Seq=" + strconv.Itoa(int(ev.RelSeq))
			case AskAck:
				real = "Ack=" + strconv.Itoa(int(ev.RelAck))
			case AskLen:
				real = "Len=" + strconv.Itoa(int(ev.Seg.PayloadLen))
			case AskState:
				real = narrate.Text(narrate.English, "quiz.option.state", ev.Client.String(), ev.Server.String())
			}
			if right != real {
				t.Errorf("seed %d event %d %s: answer %q, packet has %q", seed, q.Event, q.Ask, right, real)
			}
			if len(q.Options) < 3 {
				t.Errorf("seed %d event %d %s: only %d options", seed, q.Event, q.Ask, len(q.Options))
			}
			seen := map[string]bool{}
			for _, o := range q.Options {
				if seen[o] {
					t.Errorf("seed %d: option %q twice in %v", seed, o, q.Options)
				}
				seen[o] = true
			}
		}
	}
}

func TestQuizIsNewEachSeedAndTheSameForOneSeed(t *testing.T) {
	evs := loopEvents(t)
	a := Quiz(evs, rand.New(rand.NewPCG(1, 1)), QuizOptions{})
	b := Quiz(evs, rand.New(rand.NewPCG(1, 1)), QuizOptions{})
	c := Quiz(evs, rand.New(rand.NewPCG(2, 1)), QuizOptions{})
	if !sameQuiz(a, b) {
		t.Error("the same seed gave two quizzes")
	}
	if sameQuiz(a, c) {
		t.Error("seeds 1 and 2 gave the same quiz")
	}
}

func TestQuizOnATopicAsksAboutItsKeyPacketsFirst(t *testing.T) {
	evs := loopEvents(t)
	tp, _ := Find("handshake")
	focus := markEvents(tp, evs)
	qs := Quiz(evs, rand.New(rand.NewPCG(3, 3)), QuizOptions{N: 3, Focus: focus})
	var got []int
	for _, q := range qs {
		got = append(got, q.Event)
	}
	if want := []int{1, 2, 3}; !slices.Equal(got, want) { // the SYN (0) is shown, never asked
		t.Errorf("asked about events %v, want %v", got, want)
	}
}

func TestScoreCountsRightAndWrong(t *testing.T) {
	var s Score
	s.Add(true)
	s.Add(false)
	s.Add(true)
	if s.Right != 2 || s.Asked != 3 {
		t.Errorf("score %+v", s)
	}
}

func sameQuiz(a, b []Question) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Event != b[i].Event || a[i].Ask != b[i].Ask || strings.Join(a[i].Options, "|") != strings.Join(b[i].Options, "|") {
			return false
		}
	}
	return true
}

// markEvents are the timeline events the stops of tp mark in evs.
func markEvents(tp Topic, evs []session.Event) []int {
	var out []int
	for _, m := range tp.Marks(evs) {
		out = append(out, m.Event)
	}
	return out
}
