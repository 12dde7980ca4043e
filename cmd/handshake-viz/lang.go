package main

import (
	"os"
	"strings"

	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// langFromEnv is the default of --lang: "zh" when the first of LANGUAGE
// (its first entry), LC_ALL, LC_MESSAGES and LANG that is set names a
// Chinese locale (zh, zh_CN.UTF-8, zh_TW…), "en" otherwise. getenv is
// os.Getenv (tests pass their own).
func langFromEnv(getenv func(string) string) string {
	for _, name := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if name == "LANGUAGE" {
			v, _, _ = strings.Cut(v, ":")
		}
		if v == "" {
			continue
		}
		if v == "zh" || strings.HasPrefix(strings.ToLower(v), "zh_") || strings.HasPrefix(strings.ToLower(v), "zh-") || strings.HasPrefix(strings.ToLower(v), "zh.") {
			return narrate.Chinese.String()
		}
		return narrate.English.String()
	}
	return narrate.English.String()
}

// defaultLang is langFromEnv of this process's environment.
func defaultLang() string { return langFromEnv(os.Getenv) }

// langFlagUsage is the help of a --lang flag that defaults from the
// environment.
const langFlagUsage = "language: en or zh (default from LANGUAGE, LC_ALL, LC_MESSAGES, LANG)"
