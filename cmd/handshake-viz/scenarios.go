package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/handshake-viz/handshake-viz/session/exchange"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// scenariosOptions are the flags of `handshake-viz scenarios`.
type scenariosOptions struct {
	lang string
	json bool
}

func newScenariosCmd(ios streams, o *scenariosOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenarios",
		Short: "List the scenarios demo --scenario can run, one line each",
		Long: `Lists the scenario library: each is a real exchange of the kernel's own TCP
(or UDP), captured and animated like the demo. NEEDS says where it runs: lo
(loopback: CAP_NET_RAW, or an unprivileged user namespace) or wire (the lossy
wire: root).`,
		Example: `  handshake-viz scenarios
  handshake-viz scenarios --lang zh
  handshake-viz scenarios --json | jq -r '.scenarios[].name'
  sudo handshake-viz demo --scenario refused`,
		Args: cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			lang, err := narrate.ParseLang(o.lang)
			if err != nil {
				return fmt.Errorf("--lang: %w", err)
			}
			list := scenarioList(lang)
			if o.json {
				return writeScenariosJSON(ios.out, list)
			}
			return writeScenarios(ios.out, lang, list)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.lang, "lang", defaultLang(), langFlagUsage)
	f.BoolVar(&o.json, "json", false, "print the list as one JSON object")
	return cmd
}

// scenarioItem is one scenario as `scenarios` lists it (and its --json).
type scenarioItem struct {
	Name       string `json:"name"`
	Proto      string `json:"transport"`
	Needs      string `json:"needs"`      // "lo" or "wire"
	Privileges string `json:"privileges"` // what it takes to run live
	UserNS     bool   `json:"user_namespace"`
	Line       string `json:"line"`
	Notice     string `json:"notice"`
}

// scenarioList describes the library in lang, in its order.
func scenarioList(lang narrate.Lang) []scenarioItem {
	lib := exchange.Scenarios()
	out := make([]scenarioItem, 0, len(lib))
	for _, sc := range lib {
		it := scenarioItem{
			Name:       sc.Name,
			Proto:      sc.Proto.String(),
			Needs:      "lo",
			Privileges: narrate.Text(lang, "scenarios.privileges.lo"),
			UserNS:     true,
			Line:       narrate.Text(lang, narrate.Key(sc.LineKey())),
			Notice:     narrate.Text(lang, narrate.Key(sc.NoticeKey())),
		}
		if needsWire(sc) {
			it.Needs, it.UserNS = "wire", false
			it.Privileges = narrate.Text(lang, "scenarios.privileges.wire")
		}
		out = append(out, it)
	}
	return out
}

// needsWire reports whether a scenario runs on the lossy wire (TUN
// devices: root only).
func needsWire(sc *exchange.Scenario) bool { return sc.Wire != nil }

// writeScenarios writes the table: name, transport, needs, line; then the
// legend of NEEDS. Columns are padded by display width (a Chinese heading
// takes two cells a character).
func writeScenarios(w io.Writer, lang narrate.Lang, list []scenarioItem) error {
	h := func(k narrate.Key) string { return narrate.Text(lang, k) }
	rows := [][]string{{h("scenarios.head.name"), h("scenarios.head.proto"), h("scenarios.head.needs"), h("scenarios.head.line")}}
	for _, it := range list {
		rows = append(rows, []string{it.Name, it.Proto, h(narrate.Key("scenarios.needs." + it.Needs)), it.Line})
	}
	var widths [3]int
	for _, r := range rows {
		for i := range widths {
			widths[i] = max(widths[i], cellWidth(r[i]))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i := range widths {
			b.WriteString(r[i])
			b.WriteString(strings.Repeat(" ", widths[i]-cellWidth(r[i])+2))
		}
		b.WriteString(r[3])
		b.WriteByte('\n')
	}
	for _, k := range []narrate.Key{"", "scenarios.legend.lo", "scenarios.legend.wire", "scenarios.legend.run"} {
		if k != "" {
			b.WriteString(h(k))
		}
		b.WriteByte('\n')
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing the scenario list: %w (is the output closed?)", err)
	}
	return nil
}

// cellWidth is the number of terminal cells s takes: two for Han
// characters and full-width punctuation, one otherwise.
func cellWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) {
			n++
		}
	}
	return n
}

// scenariosJSON is `scenarios --json`.
type scenariosJSON struct {
	Version   int            `json:"version"`
	Scenarios []scenarioItem `json:"scenarios"`
}

func writeScenariosJSON(w io.Writer, list []scenarioItem) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(scenariosJSON{Version: 1, Scenarios: list})
}

// scenariosMarkdown is the README's table of the library (English): one
// row per scenario, generated so the README cannot drift from the table.
func scenariosMarkdown() string {
	var b strings.Builder
	b.WriteString("| scenario | transport | needs | what it shows | what to notice |\n| --- | --- | --- | --- | --- |\n")
	for _, it := range scenarioList(narrate.English) {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", it.Name, it.Proto, it.Needs,
			strings.ReplaceAll(it.Line, "|", `\|`), strings.ReplaceAll(it.Notice, "|", `\|`))
	}
	return b.String()
}
