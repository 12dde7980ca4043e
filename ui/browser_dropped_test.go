package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/feed"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// droppingCatalog is a live source whose streams all went to the memory
// budget: OpenStream answers what feed's live catalog answers then.
type droppingCatalog struct{ *fakeCatalog }

func (d droppingCatalog) OpenStream(kind session.EventKind, index int) (*session.Timeline, capture.FrameStore, error) {
	return nil, nil, &feed.DroppedError{Kind: kind, Index: index, Events: 65536}
}

// A stream of a live capture that was dropped from memory says so in the
// browser's language, with the budget and what to do, not as a raw error.
func TestBrowserSaysADroppedStreamWasDroppedInItsLanguage(t *testing.T) {
	for _, tc := range []struct {
		lang narrate.Lang
		want []string
	}{
		{narrate.English, []string{"stream 2 was dropped from memory", "65536 events", "tcpdump -w FILE"}},
		{narrate.Chinese, []string{"TCP 流 2 已从内存中丢弃", "65536 个事件", "tcpdump -w FILE"}},
	} {
		t.Run(tc.lang.String(), func(t *testing.T) {
			src := droppingCatalog{newFakeCatalog(t, "zeek/ftp_bruteforce.pcap")}
			b, notes, _ := runningBrowserIn(t, src, tc.lang)
			waitNote(t, notes, "apply")
			onUI(b, func() {
				press(b, key(tcell.KeyDown))
				press(b, key(tcell.KeyDown))
				press(b, key(tcell.KeyEnter))
			})
			var msg string
			for deadline := time.Now().Add(testTimeout); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				onUI(b, func() {
					if !b.opening {
						msg = b.message
					}
				})
				if msg != "" && !strings.Contains(msg, "…") {
					break
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "cannot open") || strings.Contains(msg, "无法打开") {
				t.Errorf("message %q words the drop as a failure to open", msg)
			}
			onUI(b, func() {
				if page, _ := b.pages.GetFrontPage(); page != pageList {
					t.Errorf("front page %q, want the list", page)
				}
			})
		})
	}
}
