package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// ansi matches the SGR sequences the recording colours with.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// finalScreen is what a terminal shows at the end of an output stream of
// the recording: each line as the last "\r" left it, colours removed.
func finalScreen(out string) string {
	out = ansi.ReplaceAllString(out, "")
	var b strings.Builder
	for _, line := range strings.SplitAfter(out, "\n") {
		nl := strings.HasSuffix(line, "\n")
		line = strings.TrimRight(line, "\r\n")
		if i := strings.LastIndex(line, "\r"); i >= 0 {
			line = line[i+1:]
		}
		b.WriteString(line)
		if nl {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// castOutput concatenates the output events of a recording.
func castOutput(t *testing.T, rec []byte) string {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(rec))
	sc.Buffer(nil, 1<<20)
	sc.Scan() // header
	var b strings.Builder
	for sc.Scan() {
		var ev []any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		b.WriteString(ev[2].(string))
	}
	return b.String()
}

func TestCastEndsOnTheScreenOfTheTextLadder(t *testing.T) {
	for _, c := range goldenCaptures {
		in := streamInput(t, c.file, c.stream)
		var rec, text bytes.Buffer
		if err := Write(&rec, Cast, in, Options{}); err != nil {
			t.Fatal(err)
		}
		if err := Write(&text, ASCII, in, Options{}); err != nil {
			t.Fatal(err)
		}
		if got := finalScreen(castOutput(t, rec.Bytes())); got != text.String() {
			t.Errorf("%s: the recording ends on\n%s\nnot on the text ladder\n%s", c.name, got, text.String())
		}
	}
}

func TestAsciinemaPlaysTheRecording(t *testing.T) {
	player, err := exec.LookPath("asciinema")
	if err != nil {
		t.Skip("asciinema is not installed (.ci/run installs Debian's): the real player cannot check the recording")
	}
	scriptCmd, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script (util-linux) is not installed: asciinema cat needs a terminal")
	}
	dir := t.TempDir()
	run := func(rec []byte) (string, error) {
		path := filepath.Join(dir, "ladder.cast")
		if err := os.WriteFile(path, rec, 0o644); err != nil {
			t.Fatal(err)
		}
		// asciinema cat reads keys from /dev/tty: script gives it one.
		cmd := exec.CommandContext(renderTimeout(t), scriptCmd, "-qec", player+" cat "+path, "/dev/null")
		cmd.Env = append(os.Environ(), "HOME="+dir)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if _, err := run([]byte("{\"version\": 2, \"width\": 80}\n[1, \"o\"]\n")); err == nil {
		t.Fatal("asciinema accepted a broken recording: the check below would prove nothing")
	}
	in := lossyInput(t)
	var rec, text bytes.Buffer
	if err := Write(&rec, Cast, in, Options{Title: "test_ethernet.pcap"}); err != nil {
		t.Fatal(err)
	}
	if err := Write(&text, ASCII, in, Options{}); err != nil {
		t.Fatal(err)
	}
	out, err := run(rec.Bytes())
	if err != nil {
		t.Fatalf("asciinema cat rejected the recording: %v\n%s", err, out)
	}
	if got := finalScreen(out); got != text.String() {
		t.Errorf("asciinema plays a recording that ends on\n%q\nnot on the text ladder\n%q", got, text.String())
	}
}

func TestCastDelayedArrowCrossesSlowerAndTimeNeverGoesBack(t *testing.T) {
	in := lossyInput(t) // packet 5 delayed 200 ms
	var rec bytes.Buffer
	if err := Write(&rec, Cast, in, Options{}); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&rec)
	sc.Scan()
	crossing := map[string][2]float64{} // frame number → first and last event time of its arrow line
	last := -1.0
	for sc.Scan() {
		var ev []any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		at, text := ev[0].(float64), ev[2].(string)
		if at < last {
			t.Fatalf("time goes back to %v after %v", at, last)
		}
		last = at
		if f := strings.Fields(strings.TrimLeft(text, "\r")); len(f) > 0 {
			c, ok := crossing[f[0]]
			if !ok {
				c[0] = at
			}
			c[1] = at
			crossing[f[0]] = c
		}
	}
	d := func(frame string) float64 { return crossing[frame][1] - crossing[frame][0] }
	if d("5") < 3*d("6") {
		t.Errorf("the arrow the wire delayed 200 ms crosses in %.2f s, the next in %.2f s: no slower", d("5"), d("6"))
	}
}
