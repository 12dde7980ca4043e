package ui

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/cells"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// At 80 columns the stream list shrinks its columns and drops the least
// needed first: retransmissions, RTT and duration stay, in both languages.
func TestBrowserAt80ColumnsKeepsRetrRTTAndDuration(t *testing.T) {
	for _, tc := range []struct {
		file string
		lang narrate.Lang
	}{
		{"zeek/wikipedia.pcap", narrate.English},
		{"tcpdump/of10_pf5240.pcap", narrate.Chinese},
		{"zeek/ftp_bruteforce.pcap", narrate.English},
	} {
		b, _ := listedBrowser(t, tc.file, tc.lang)
		out := screenText(t, b.pages, 80, 24)
		head := strings.Split(out, "\n")[2]
		for _, c := range []column{colIndex, colClient, colServer, colRetrans, colRTT, colDuration} {
			if name := narrate.Text(tc.lang, columnKeys[c]); !strings.Contains(head, name) {
				t.Errorf("%s at 80 columns: header %q lacks %s", tc.file, head, name)
			}
		}
		for i, l := range strings.Split(out, "\n") {
			if cells.Width(l) > 80 {
				t.Errorf("%s line %d is %d cells wide", tc.file, i, cells.Width(l))
			}
		}
	}
}

// Below the minimum size the stream list asks for a bigger terminal.
func TestBrowserBelowTheMinimumAsksToEnlarge(t *testing.T) {
	b, _ := listedBrowser(t, "zeek/wikipedia.pcap", narrate.Chinese)
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	defer sim.Fini()
	sim.SetSize(50, 12)
	if !b.tooSmall(sim) {
		t.Fatal("a 50×12 terminal is not too small for the list")
	}
	sim.Show()
	if got := laddertest.SimText(sim); !strings.Contains(got, "60×16") || !strings.Contains(got, "50×12") {
		t.Errorf("50×12: no request to enlarge:\n%s", got)
	}
	sim.SetSize(80, 24)
	if b.tooSmall(sim) {
		t.Error("80×24 is called too small")
	}
}

// The list's bindings have their texts in both languages and no key is
// bound twice.
func TestEveryBrowserBindingHasItsTexts(t *testing.T) {
	seen := map[[2]int]string{}
	for i := range browserKeys {
		b := &browserKeys[i]
		keys := []narrate.Key{b.nameKey(), b.descKey()}
		if b.bar > 0 {
			keys = append(keys, b.barKey())
		}
		for _, k := range keys {
			for _, lang := range []narrate.Lang{narrate.English, narrate.Chinese} {
				if !narrate.Has(lang, k) {
					t.Errorf("browser binding %s: %s missing in %s", b.id, k, lang)
				}
			}
		}
		for _, tr := range b.keys {
			k := [2]int{int(tr.key), int(tr.r)}
			if other, dup := seen[k]; dup {
				t.Errorf("key %v %q bound twice: %s and %s", tr.key, tr.r, other, b.id)
			}
			seen[k] = b.id
		}
	}
	for _, w := range []int{40, 60, 80} {
		if bar := browserHint(narrate.English, w); !strings.Contains(bar, "? keys") || !strings.Contains(bar, "q quit") {
			t.Errorf("hint at %d cells %q lacks ? keys or q quit", w, bar)
		}
	}
}

// The ladders the list opens get the teacher's controls of `open`.
func TestBrowserLaddersGetThePauseOptions(t *testing.T) {
	src := newFakeCatalog(t, "zeek/wikipedia.pcap")
	b := newBrowser(tview.NewApplication(), src, BrowserOptions{Lang: narrate.English, Speed: 2, PauseAt: PauseAtPhase, StartPaused: true})
	o := b.ladderOptions(rowKey{session.KindSegment, 3})
	if o.PauseAt != PauseAtPhase || !o.StartPaused || o.Speed != 2 || o.Stream != 3 {
		t.Errorf("ladder options %+v lose the browser's", o)
	}
}

// On the smallest terminal the list's help scrolls to its last line, and
// a key other than the scrolling ones closes it.
func TestBrowserHelpScrollsOnTheSmallestTerminal(t *testing.T) {
	b, _ := listedBrowser(t, "zeek/wikipedia.pcap", narrate.English)
	press(b, char('?'))
	out := screenText(t, b.pages, minScreenW, minScreenH)
	if !strings.Contains(out, "▼") || strings.Contains(out, "quit") {
		t.Fatalf("a help taller than the terminal does not say more is below:\n%s", out)
	}
	for range 4 {
		press(b, tcell.NewEventKey(tcell.KeyPgDn, 0, tcell.ModNone))
		out = screenText(t, b.pages, minScreenW, minScreenH)
	}
	if !strings.Contains(out, "quit") {
		t.Errorf("PgDn does not reach the last binding:\n%s", out)
	}
	press(b, char('x'))
	if page, _ := b.pages.GetFrontPage(); page != pageList {
		t.Errorf("front page %q after x on the help", page)
	}
}
