package export

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

// goldenCaptures are the corpus captures every format is pinned on: a
// three-way close, retransmissions and dup ACKs, a reset, a simultaneous
// close.
var goldenCaptures = []struct {
	name   string // golden file prefix
	file   string
	stream int
}{
	{"ethernet-fin3", "gopacket/test_ethernet.pcap", 0},
	{"pptp-retrans", "tcpdump/pptp.pcap", 0},
	{"ssh-rst", "zeek/http_get-to-ssh-server.pcap", 0},
	{"ftp-simultaneous", "zeek/ftp_bruteforce.pcap", 2},
}

func TestEveryFormatMatchesItsGoldenForCorpusCaptures(t *testing.T) {
	for _, c := range goldenCaptures {
		in := streamInput(t, c.file, c.stream)
		for f := Format(0); f < formats; f++ {
			t.Run(c.name+"/"+f.String(), func(t *testing.T) {
				var b bytes.Buffer
				if err := Write(&b, f, in, Options{Title: c.file}); err != nil {
					t.Fatal(err)
				}
				laddertest.Golden(t, *update, fmt.Sprintf("%s%s.golden", c.name, f.Ext()), b.String())
			})
		}
	}
}

func TestChineseAndRawExportsUseCatalogWordsAndRawNumbers(t *testing.T) {
	in := streamInput(t, "gopacket/test_ethernet.pcap", 0)
	for _, f := range []Format{ASCII, Mermaid, PlantUML, SVG, Cast} {
		t.Run(f.String(), func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, f, in, Options{Lang: narrate.Chinese, Raw: true}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, want := range []string{narrate.Text(narrate.Chinese, "ui.phase.handshake"), narrate.Text(narrate.Chinese, "ui.client")} {
				if !strings.Contains(out, want) {
					t.Errorf("%s in zh lacks %q", f, want)
				}
			}
			if strings.Contains(out, "SYN Seq=0") {
				t.Errorf("%s with raw numbers still writes the relative SYN Seq=0", f)
			}
			laddertest.Golden(t, *update, "ethernet-zh-raw"+f.Ext()+".golden", b.String())
		})
	}
}

func TestEveryFormatMatchesItsGoldenWithCallsDropsAndDelays(t *testing.T) {
	in := lossy(t)
	for f := Format(0); f < formats; f++ {
		t.Run(f.String(), func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, f, in, Options{Theme: Dark}); err != nil {
				t.Fatal(err)
			}
			laddertest.Golden(t, *update, "ethernet-lossy-calls"+f.Ext()+".golden", b.String())
		})
	}
}
