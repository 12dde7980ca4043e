package ui

import (
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/session/narrate"
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
			if cellsWidth(l) > 80 {
				t.Errorf("%s line %d is %d cells wide", tc.file, i, cellsWidth(l))
			}
		}
	}
}
