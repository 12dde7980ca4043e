package ui

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// windowRow is TCP stream i of a synthetic list: client port 20000+i.
func windowRow(i int) session.StreamRow {
	s := session.StreamSummary{Index: i, Packets: 19,
		Client: netip.AddrPortFrom(netip.MustParseAddr("10.1.0.1"), uint16(20000+i)),
		Server: netip.AddrPortFrom(netip.MustParseAddr("10.1.0.2"), 80)}
	return session.StreamRowOf(&s)
}

// The list of an endless input (open -) that dropped its oldest rows
// shows the rows it holds from the oldest held, says in the status line
// how many went, and keeps the selection on its stream when more go.
func TestBrowserListThatDropsItsOldestRowsSaysSoAndKeepsTheSelection(t *testing.T) {
	for _, tc := range []struct {
		lang narrate.Lang
		want string
	}{
		{narrate.English, "the oldest 1024 not listed (a live list keeps the newest 1976)"},
		{narrate.Chinese, "最早的 1024 条未列出（实时列表只保留最新的 1976 条）"},
	} {
		t.Run(tc.lang.String(), func(t *testing.T) {
			b, _ := listedBrowser(t, "zeek/ftp_bruteforce.pcap", tc.lang)
			lb := session.StreamListBuilder{Keep: 1024}
			for i := range 3000 {
				lb.AppendFinal(windowRow(i))
			}
			apply := func(l session.StreamList) {
				b.apply(buildRows(b.table.model, l, tc.lang), browserStatus{done: false, streams: l.Streams(),
					older: l.First(), held: l.HeldStreams()})
			}
			l := lb.List()
			apply(l)
			got := screenText(t, b.pages, 160, 30)
			if !strings.Contains(got, tc.want) {
				t.Errorf("screen lacks %q:\n%s", tc.want, got)
			}
			if k, ok := b.table.selected(); !ok || k != (rowKey{session.KindSegment, 1024}) {
				t.Errorf("selected %+v, want the oldest row held, stream 1024", k)
			}
			if !strings.Contains(got, "10.1.0.1:21024") || strings.Contains(got, "10.1.0.1:21023") {
				t.Errorf("the first row shown is not stream 1024:\n%s", got)
			}
			// Select stream 2500, then let 500 more streams come: the
			// list drops another chunk, stream 2500 stays selected.
			press(b, key(tcell.KeyEnd))
			for range 3000 - 1 - 2500 {
				press(b, key(tcell.KeyUp))
			}
			if k, _ := b.table.selected(); k.index != 2500 {
				t.Fatalf("selected stream %d after End and Up, want 2500", k.index)
			}
			for i := 3000; i < 3500; i++ {
				lb.AppendFinal(windowRow(i))
			}
			apply(lb.List())
			if l := lb.List(); l.First() != 2048 {
				t.Fatalf("list holds from %d, want 2048", l.First())
			}
			if k, _ := b.table.selected(); k != (rowKey{session.KindSegment, 2500}) {
				t.Errorf("after the list dropped more rows: selected %+v, want stream 2500", k)
			}
			if got := screenText(t, b.pages, 160, 30); !strings.Contains(got, "10.1.0.1:22500") {
				t.Errorf("the selected stream 2500 is not on screen:\n%s", got)
			}
		})
	}
}
