package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// quizRun runs `quiz ARGS --no-tui` with the answer lines and returns
// stdout.
func quizRun(t *testing.T, answers string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	args = append([]string{"quiz", "--no-tui", "--lang", "en"}, args...)
	if code := run(args, strings.NewReader(answers), &out, &errb); code != 0 {
		t.Fatalf("quiz %v: exit %d: %s", args, code, errb.String())
	}
	return out.String()
}

var (
	optionLine  = regexp.MustCompile(`^    ([a-d])\) (.*)$`)
	wrongLine   = regexp.MustCompile(`✗ Not quite: it was (.*?)\. `)
	scoreLine   = regexp.MustCompile(`Score: (\d+) of (\d+)`)
	questionHdr = regexp.MustCompile(`^Question \d+ of \d+`)
)

// rightLetters reads, from a transcript answered all "a", the letter of
// each question's right option.
func rightLetters(t *testing.T, transcript string) []string {
	t.Helper()
	var letters []string
	var opts map[string]string
	for _, line := range strings.Split(transcript, "\n") {
		switch {
		case questionHdr.MatchString(line):
			opts = map[string]string{}
		case optionLine.MatchString(line):
			m := optionLine.FindStringSubmatch(line)
			opts[m[2]] = m[1]
		case strings.Contains(line, "✓ Right"):
			letters = append(letters, "a")
		case wrongLine.MatchString(line):
			right := wrongLine.FindStringSubmatch(line)[1]
			l, ok := opts[right]
			if !ok {
				t.Fatalf("the right answer %q is none of the options %v", right, opts)
			}
			letters = append(letters, l)
		}
	}
	return letters
}

func TestQuizNoTUIScoresAnswersReadFromStdinAndTheSeedRepeatsTheQuiz(t *testing.T) {
	first := quizRun(t, strings.Repeat("a\n", 5), "handshake", "--recorded", "--seed", "11")
	right := rightLetters(t, first)
	if len(right) != 5 {
		t.Fatalf("%d questions answered, want 5:\n%s", len(right), first)
	}
	// Same seed: the same questions. All right but the second.
	answers := append([]string(nil), right...)
	answers[1] = map[string]string{"a": "b", "b": "c", "c": "d", "d": "a"}[right[1]]
	second := quizRun(t, strings.Join(answers, "\n")+"\n", "handshake", "--recorded", "--seed", "11")
	m := scoreLine.FindStringSubmatch(second)
	if m == nil || m[1] != "4" || m[2] != "5" {
		t.Errorf("score line %v, want 4 of 5:\n%s", m, second)
	}
	if strings.Count(second, "✓ Right") != 4 || strings.Count(second, "✗ Not quite") != 1 {
		t.Errorf("verdicts do not match the answers:\n%s", second)
	}
}

func TestQuizFileAsksTheWiresharkLabQuestions(t *testing.T) {
	out := quizRun(t, strings.Repeat("a\n", 6), "recorded.pcapng", "--seed", "5")
	for _, want := range []string{
		"what is the relative sequence number of the SYN-ACK, packet 2?",
		"which packet completes the three-way handshake?",
		"which packet starts the close of the connection?",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("quiz FILE does not ask %q", want)
		}
	}
	right := rightLetters(t, out)
	got := quizRun(t, strings.Join(right, "\n")+"\n", "recorded.pcapng", "--seed", "5")
	if m := scoreLine.FindStringSubmatch(got); m == nil || m[1] != m[2] || m[2] != fmt.Sprint(len(right)) {
		t.Errorf("all right answers scored %v:\n%s", m, got)
	}
	if !strings.Contains(got, "✓ Right: packet 3 (client, ACK)") {
		t.Errorf("the handshake is not completed by packet 3, the client's ACK:\n%s", got)
	}
}

func TestQuizUnknownArgumentIsOneLine(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"quiz", "no-such-thing"}, nil, &out, &errb); code != 1 || strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), "neither a topic nor a capture file") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

func TestLangDefaultsFromTheEnvironment(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "en"},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, "zh"},
		{map[string]string{"LANG": "en_US.UTF-8"}, "en"},
		{map[string]string{"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"},
		{map[string]string{"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"},
		{map[string]string{"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh"},
		{map[string]string{"LC_MESSAGES": "zh_CN.UTF-8"}, "zh"},
	} {
		if got := langFromEnv(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("%v: %s, want %s", c.env, got, c.want)
		}
	}
}

func TestExplainAndQuizSpeakChineseUnderAChineseLocale(t *testing.T) {
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "zh_CN.UTF-8")
	var out, errb bytes.Buffer
	if code := run([]string{"explain", "close", "--recorded"}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "参考答案") {
		t.Errorf("explain under LANG=zh_CN: exit %d, %s%s", code, out.String()[:min(200, out.Len())], errb.String())
	}
	out.Reset()
	if code := run([]string{"quiz", "--recorded", "--seed", "1"}, strings.NewReader(""), &out, &errb); code != 0 || !strings.Contains(out.String(), "得分") {
		t.Errorf("quiz under LANG=zh_CN: exit %d, %s", code, out.String())
	}
}

func TestQuizFileOnACaptureOfManyConnectionsShowsTheOneAskedAbout(t *testing.T) {
	path := corpus(t, "tcpdump/resp_1_benchmark.pcap") // 15 TCP connections
	out := quizRun(t, strings.Repeat("a\n", 6), path, "--seed", "1")
	if !strings.Contains(out, "Stream 0 ·") || strings.Contains(out, "Stream 1 ·") {
		t.Errorf("the lab quiz does not show connection 0 alone:\n%s", out)
	}
	if !strings.Contains(out, "which packet completes the three-way handshake?") {
		t.Errorf("no lab question:\n%s", out)
	}
}
