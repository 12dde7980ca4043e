package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// parseDemo parses demo flags without running anything.
func parseDemo(t *testing.T, args ...string) (*demoOptions, error) {
	t.Helper()
	o := &demoOptions{}
	cmd := newDemoCmd(streams{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &bytes.Buffer{}}, o)
	if err := cmd.ParseFlags(args); err != nil {
		return o, err
	}
	return o, o.validate()
}

func TestDemoFlagsDefaultsAreOneClientHelloWorldAtNormalSpeed(t *testing.T) {
	o, err := parseDemo(t)
	if err != nil {
		t.Fatal(err)
	}
	if o.clients != 1 || o.speed != 1 || o.port != 0 || o.noTUI || o.json || o.raw {
		t.Errorf("defaults = %+v", o)
	}
	if got := strings.Join(o.exchangeMessages(), ","); got != "hello,world,##" {
		t.Errorf("messages = %q, want hello,world,##", got)
	}
	if o.language != narrate.English {
		t.Errorf("language = %v, want en", o.language)
	}
}

func TestDemoFlagsRepeatedMessagesKeepOrderAndEndWithHashes(t *testing.T) {
	o, err := parseDemo(t, "-m", "a b", "--message", "c", "--clients", "3", "--speed", "2.5", "--lang", "zh")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(o.exchangeMessages(), "|"); got != "a b|c|##" {
		t.Errorf("messages = %q", got)
	}
	if o.clients != 3 || o.speed != 2.5 || o.language != narrate.Chinese {
		t.Errorf("parsed = %+v", o)
	}
	o, err = parseDemo(t, "-m", "x", "-m", "##")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(o.exchangeMessages(), "|"); got != "x|##" {
		t.Errorf("explicit ## duplicated: %q", got)
	}
}

func TestDemoFlagsRejectBadValuesWithOneLineHint(t *testing.T) {
	for _, args := range [][]string{
		{"--port", "70000"},
		{"--clients", "0"},
		{"--speed", "0"},
		{"--speed", "-1"},
		{"-m", ""},
		{"-m", "two\nlines"},
		{"--lang", "fr"},
		{"--recorded", "--clients", "2"},
	} {
		_, err := parseDemo(t, args...)
		if err == nil {
			t.Errorf("%v: accepted, want an error", args)
			continue
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: error spans lines: %q", args, err)
		}
	}
}

func TestDemoWriteRefusesToReplaceAFileUnlessForced(t *testing.T) {
	existing := filepath.Join(t.TempDir(), "kept.pcapng")
	if err := os.WriteFile(existing, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := parseDemo(t, "--write", existing)
	if err == nil || !strings.Contains(err.Error(), "the file exists") || !strings.Contains(err.Error(), "--force") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("--write over an existing file: %v, want one line naming --force", err)
	}
	if b, _ := os.ReadFile(existing); string(b) != "mine" {
		t.Fatalf("the existing file was touched: %q", b)
	}
	if _, err := parseDemo(t, "--write", existing, "--force"); err != nil {
		t.Fatalf("--force: %v", err)
	}
	if _, err := parseDemo(t, "--write", filepath.Join(t.TempDir(), "new.pcapng")); err != nil {
		t.Fatalf("a new file: %v", err)
	}
}

func TestAnalyzeNeedsAFileArgument(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"analyze"}, strings.NewReader(""), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "arg") {
		t.Errorf("code %d, stderr %q", code, errb.String())
	}
}

func TestUnknownCommandFailsWithOneLine(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"bogus"}, strings.NewReader(""), &out, &errb)
	if code != 1 || strings.Count(errb.String(), "\n") != 1 {
		t.Errorf("code %d, stderr %q", code, errb.String())
	}
}
