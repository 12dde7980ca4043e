package filter

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// corpusDir is the shared folder of public captures beside the checkout.
const corpusDir = "../../../shared/pcaps"

// differential lists expressions whose decision tcpdump (libpcap) and we
// must agree on for every frame of every capture below. Expressions where
// we deliberately differ (IPv6 extension headers) are tested elsewhere.
var differential = []string{
	"",
	"tcp",
	"udp",
	"ip",
	"ip6",
	"tcp or udp",
	"not tcp",
	"port 80",
	"tcp port 22",
	"udp port 53",
	"src port 80",
	"dst port 80",
	"port 80 or 443",
	"portrange 1-1024",
	"tcp dst portrange 20-22",
	"host 192.168.1.1",
	"src host 10.0.0.1",
	"net 192.168.0.0/16",
	"dst net 10.0.0.0/8",
	"net 192.168.0.0 mask 255.255.0.0",
	"ip and tcp[tcpflags] & (tcp-syn|tcp-fin) != 0",
	"ip and tcp[tcpflags] & tcp-rst != 0",
	"ip and tcp[13] = 18",
	"ip and tcp[0:2] = 80",
	"ip and tcp[tcpflags] & tcp-push != 0 and not port 22",
	"ip[8] < 64",
	"ip[2:2] > 100",
	"(tcp and port 80) or (udp and not port 53)",
	"not (src port 80 or dst port 80) and tcp",
	"tcp and not ip6",
	"src or dst port 21",
}

// corpusFiles are captures of every link type the package compiles for.
var corpusFiles = []string{
	"tcpdump/ssh.pcap", "tcpdump/dns_tcp.pcap", "tcpdump/dns_udp.pcap", "tcpdump/print-flags.pcap",
	"zeek/http_get.pcap", "zeek/wikipedia.pcap", "zeek/ftp_ipv6.pcap", "zeek/ftp_bruteforce.pcap",
	"zeek/http-vlan-0.pcap", "zeek/tcp_rst-inject-rae.pcap", "zeek/tunnels_socks.pcap",
	"PcapPlusPlus/four_ipv6_http_streams.pcap", "PcapPlusPlus/raw_ip.pcap", "PcapPlusPlus/sll2.pcap",
	"gopacket/test_ethernet.pcap", "gopacket/test_loopback.pcap", "tcpdump/tfo-5c1fa7f9ae91.pcap",
}

type frames struct {
	link layers.LinkType
	data [][]byte
}

func readPcap(t *testing.T, path string) frames {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	out := frames{link: r.LinkType()}
	for {
		data, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("read %s frame %d: %v", path, len(out.data)+1, err)
		}
		out.data = append(out.data, data)
	}
}

// tcpdumpMatches returns the 1-based frame numbers tcpdump's own filter
// accepts: tcpdump writes the accepted frames to a file, in order, and
// each is found again in the original by its bytes.
func tcpdumpMatches(t *testing.T, path, expr string, all frames) map[int]bool {
	t.Helper()
	out := filepath.Join(t.TempDir(), "accepted.pcap")
	args := []string{"-r", path, "-w", out}
	if expr != "" {
		args = append(args, expr)
	}
	cmd := exec.Command("tcpdump", args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("tcpdump %v: %v: %s", args, err, errb.String())
	}
	acc := readPcap(t, out)
	got := map[int]bool{}
	i := 0
	for _, data := range acc.data {
		for i < len(all.data) && !bytes.Equal(all.data[i], data) {
			i++
		}
		if i == len(all.data) {
			t.Fatalf("tcpdump accepted a frame that is not in %s", path)
		}
		got[i+1] = true
		i++
	}
	return got
}

func TestEveryFrameOfTheCorpusIsDecidedAsTcpdumpDecides(t *testing.T) {
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("tcpdump is not installed (.ci/run installs it): no reference to compare with")
	}
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("the shared captures are not beside the checkout (%v)", err)
	}
	for _, name := range corpusFiles {
		path := filepath.Join(corpusDir, name)
		fr := readPcap(t, path)
		for _, expr := range differential {
			f, err := Compile(expr, fr.link)
			if err != nil {
				t.Fatalf("compile %q for %s: %v", expr, fr.link, err)
			}
			want := tcpdumpMatches(t, path, expr, fr)
			for i, data := range fr.data {
				if got := f.Match(data); got != want[i+1] {
					t.Errorf("%s frame %d, filter %q: we say %v, tcpdump says %v", name, i+1, expr, got, want[i+1])
				}
			}
		}
	}
}
