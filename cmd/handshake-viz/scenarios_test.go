package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/session/exchange"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// runArgs runs the command line in process and returns its status and
// streams.
func runArgs(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// TestEveryScenarioHasLineAndNoticeInBothLanguages holds every entry of the
// library (whoever adds it) to its two catalog keys in en and zh.
func TestEveryScenarioHasLineAndNoticeInBothLanguages(t *testing.T) {
	lib := exchange.Scenarios()
	if len(lib) == 0 {
		t.Fatal("the scenario library is empty")
	}
	for _, sc := range lib {
		for _, k := range []string{sc.LineKey(), sc.NoticeKey()} {
			for _, lang := range []narrate.Lang{narrate.English, narrate.Chinese} {
				if !narrate.Has(lang, narrate.Key(k)) {
					t.Errorf("scenario %s: catalog key %s has no %v text", sc.Name, k, lang)
				}
			}
		}
	}
}

func TestScenariosListsEveryScenarioOnOneLineWithTransportAndNeeds(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		code, out, errOut := runArgs("scenarios", "--lang", lang)
		if code != 0 {
			t.Fatalf("--lang %s: status %d: %s", lang, code, errOut)
		}
		lines := strings.Split(out, "\n")
		for _, sc := range exchange.Scenarios() {
			n := 0
			for _, l := range lines {
				f := strings.Fields(l)
				if len(f) >= 4 && f[0] == sc.Name {
					n++
					if f[1] != sc.Proto.String() {
						t.Errorf("%s: transport %q, want %q", sc.Name, f[1], sc.Proto)
					}
					want := "lo"
					if sc.Wire != nil {
						want = "wire"
					}
					if f[2] != want {
						t.Errorf("%s: needs %q, want %q", sc.Name, f[2], want)
					}
					lang, _ := narrate.ParseLang(lang)
					if !strings.HasSuffix(l, narrate.Text(lang, narrate.Key(sc.LineKey()))) {
						t.Errorf("%s: line %q does not end with the scenario's description", sc.Name, l)
					}
				}
			}
			if n != 1 {
				t.Errorf("--lang %s: scenario %s on %d lines, want 1:\n%s", lang, sc.Name, n, out)
			}
		}
	}
}

func TestScenariosJSONHasEveryNameInLibraryOrder(t *testing.T) {
	code, out, errOut := runArgs("scenarios", "--json", "--lang", "zh")
	if code != 0 {
		t.Fatalf("status %d: %s", code, errOut)
	}
	var got scenariosJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	lib := exchange.Scenarios()
	if got.Version != 1 || len(got.Scenarios) != len(lib) {
		t.Fatalf("version %d, %d scenarios; want 1, %d", got.Version, len(got.Scenarios), len(lib))
	}
	for i, sc := range lib {
		it := got.Scenarios[i]
		if it.Name != sc.Name || it.Line != narrate.Text(narrate.Chinese, narrate.Key(sc.LineKey())) || it.Notice == "" {
			t.Errorf("item %d = %+v, want scenario %s with its Chinese texts", i, it, sc.Name)
		}
		if it.UserNS == (sc.Wire != nil) {
			t.Errorf("%s: user_namespace %v with wire %v", sc.Name, it.UserNS, sc.Wire != nil)
		}
	}
}

func TestScenariosRefusesAnUnknownLanguageInOneLine(t *testing.T) {
	code, _, errOut := runArgs("scenarios", "--lang", "fr")
	if code != 1 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "use en or zh") {
		t.Errorf("status %d, stderr %q", code, errOut)
	}
}

var updateReadme = flag.Bool("update-readme", false, "rewrite README.md's scenario table from the library")

// TestReadmeScenarioTableIsTheLibrary keeps README.md's Scenarios table the
// library's (go test ./cmd/handshake-viz -run ReadmeScenario -update-readme
// rewrites it).
func TestReadmeScenarioTableIsTheLibrary(t *testing.T) {
	laddertest.ReadmeBlocks(t, *updateReadme, laddertest.Block{Name: "scenarios", Text: scenariosMarkdown()})
}
