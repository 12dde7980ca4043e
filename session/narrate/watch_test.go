package narrate

import "testing"

// A table that is not merged in catalog.go is silently unused: pin that
// watch's are (a merge once dropped them).
func TestWatchMessagesAreInTheCatalogInBothLanguages(t *testing.T) {
	for lang, table := range map[Lang]map[Key]string{English: enWatch, Chinese: zhWatch} {
		for k, v := range table {
			if got := tables[lang][k]; got != v {
				t.Errorf("%s %s: catalog has %q, want %q (is the table merged in catalog.go?)", lang, k, got, v)
			}
		}
	}
}
