package ui

import (
	"path/filepath"
	"testing"

	"github.com/rivo/tview"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// liveConnsOf is what watch would know of the fake catalog's streams: the
// states after each stream's last event, and a process for the even ones.
func liveConnsOf(src *fakeCatalog) []session.LiveConn {
	conns := make([]session.LiveConn, len(src.streams))
	for _, ev := range src.events {
		if ev.Kind == session.KindSegment {
			conns[ev.Stream].Client, conns[ev.Stream].Server = ev.Client, ev.Server
		}
	}
	for i := range conns {
		if i%2 == 0 {
			conns[i].PID, conns[i].Process = 4000+i, "ftp-client"
		}
	}
	return conns
}

// liveBrowser is listedBrowser for watch: the Live columns and drops.
func liveBrowser(t *testing.T, name string, lang narrate.Lang) (*browser, *fakeCatalog) {
	t.Helper()
	src := newFakeCatalog(t, name)
	conns := session.LiveConns{Conns: liveConnsOf(src)}
	b := newBrowser(tview.NewApplication(), src, BrowserOptions{
		Lang: lang, Speed: 1, Title: "handshake-viz watch · lo · " + filepath.Base(name),
		Live:  func() session.LiveConns { return conns },
		Drops: func() uint64 { return 3 },
	})
	b.apply(buildLiveRows(rowModel{}, src.List(), conns, lang), browserStatus{
		packets: src.packets, streams: len(src.streams), flows: len(src.flows), drops: 3,
	})
	return b, src
}

func TestLiveBrowserShowsEachStreamsStatesAndProcessAndTheKernelDrops(t *testing.T) {
	for _, tc := range []struct {
		golden string
		lang   narrate.Lang
	}{
		{"browser_live_ftp.golden", narrate.English},
		{"browser_live_ftp_zh.golden", narrate.Chinese},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			b, _ := liveBrowser(t, "zeek/ftp_bruteforce.pcap", tc.lang)
			golden(t, tc.golden, screenText(t, b.pages, 150, 16))
		})
	}
}

func TestLiveBrowserFilterMatchesTheProcessName(t *testing.T) {
	b, src := liveBrowser(t, "zeek/ftp_bruteforce.pcap", narrate.English)
	press(b, char('/'))
	typeText(b, "ftp-client")
	want := (len(src.streams) + 1) / 2
	if len(b.table.view) != want {
		t.Fatalf("filter ftp-client shows %d rows, want the %d with that process", len(b.table.view), want)
	}
	for i := range b.table.view {
		if k := b.table.viewKey(i); k.index%2 != 0 {
			t.Errorf("stream %d without a process matched", k.index)
		}
	}
}

func TestListOfAFileNeverShowsOrSortsOnTheLiveColumns(t *testing.T) {
	b, _ := listedBrowser(t, "zeek/ftp_bruteforce.pcap", narrate.English)
	ws := b.table.layout(300)
	if ws[colState] != 0 || ws[colProcess] != 0 {
		t.Errorf("file list shows the live columns: widths %d, %d", ws[colState], ws[colProcess])
	}
	for range 2 * numColumns {
		press(b, char('s'))
		if b.table.sortBy == colState || b.table.sortBy == colProcess {
			t.Fatalf("s sorted a file list on the hidden column %v", b.table.sortBy)
		}
	}
}
