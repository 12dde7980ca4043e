package narrate

import (
	"fmt"
	"strings"
)

// Lang is a language of the catalog.
type Lang uint8

// Languages.
const (
	English Lang = iota
	Chinese
)

// String returns the language tag: "en" or "zh".
func (l Lang) String() string {
	if l == Chinese {
		return "zh"
	}
	return "en"
}

// ParseLang maps "en"/"english" and "zh"/"chinese"/"cn" to a Lang.
func ParseLang(s string) (Lang, error) {
	switch strings.ToLower(s) {
	case "", "en", "english":
		return English, nil
	case "zh", "cn", "chinese", "中文":
		return Chinese, nil
	}
	return English, fmt.Errorf("unknown language %q: use en or zh", s)
}

// Key identifies a message, e.g. "note.syn" or "ui.help.title".
type Key string

// tables maps each language to its messages. Message templates use fmt verbs
// with explicit argument indexes (%[1]d) so translations may reorder them.
// Files of this package add their messages in their own var blocks, merged
// by merge (one table a line); nothing mutates the tables afterwards.
var tables = map[Lang]map[Key]string{
	English: merge(
		enUI,
		enNotes,
		enCmd,
		enBrowser,
		enTopics,
		enExplainUI,
		enQuiz,
		enLadder,
		enInterviewKeys,
		enExplainSource,
		enQuizLab,
		enCompare,
		enScenarios,
		enScenariosLoopback,
		enScenariosWire,
		enScenariosDies,
		enExport,
		enWatch,
		enScreenExport,
	),
	Chinese: merge(
		zhUI,
		zhNotes,
		zhCmd,
		zhBrowser,
		zhFields,
		zhTopics,
		zhExplainUI,
		zhQuiz,
		zhLadder,
		zhInterviewKeys,
		zhExplainSource,
		zhQuizLab,
		zhCompare,
		zhScenarios,
		zhScenariosLoopback,
		zhScenariosWire,
		zhScenariosDies,
		zhExport,
		zhWatch,
		zhScreenExport,
	),
}

func merge(parts ...map[Key]string) map[Key]string {
	out := make(map[Key]string)
	for _, p := range parts {
		for k, v := range p {
			out[k] = v
		}
	}
	return out
}

// Has reports whether the catalog has key in lang.
func Has(lang Lang, key Key) bool {
	_, ok := tables[lang][key]
	return ok
}

// Text returns the message key in lang with args filled in. A message
// missing in lang falls back to English; a key missing everywhere returns
// the key itself, so a gap shows instead of vanishing.
func Text(lang Lang, key Key, args ...any) string {
	tmpl, ok := tables[lang][key]
	if !ok {
		tmpl, ok = tables[English][key]
	}
	if !ok {
		return string(key)
	}
	if len(args) == 0 {
		return tmpl
	}
	return fmt.Sprintf(tmpl, args...)
}
