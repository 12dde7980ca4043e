package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTmuxWatchListGrowsWithEachConnectionsStateAndProcessAndFollowsALadder(t *testing.T) {
	needRoot(t)
	_, port := holdingListener(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	s := startTmux(t, "watch", "-i", "lo", "tcp port "+strconv.Itoa(port))
	s.waitFor(10*time.Second, "capturing live", "0 TCP streams")

	first := startConnMaker(t, []string{addr})
	s.waitFor(10*time.Second, "1 TCP streams", "ESTABLISHED/ESTABLISHED", childName+" "+strconv.Itoa(first.cmd.Process.Pid))
	second := startConnMaker(t, []string{addr})
	s.waitFor(10*time.Second, "2 TCP streams", childName+" "+strconv.Itoa(second.cmd.Process.Pid),
		":"+strconv.Itoa(first.ports[0]), ":"+strconv.Itoa(second.ports[0]))

	s.keys("Enter") // the first row: stream 0
	s.waitFor(10*time.Second, "SYN", "ESTABLISHED")
	s.keys("Escape")
	s.waitFor(10*time.Second, "2 TCP streams")
	first.release(t)
	second.release(t)
	s.waitFor(10*time.Second, "CLOSED/CLOSED")
	s.keys("q")
	if st := s.exitStatus(10 * time.Second); st != "0" {
		t.Fatalf("exit status %s, want 0", st)
	}
}

// The remote recipe of the README, with a local tcpdump: ssh host
// 'tcpdump -U -w - port 443' | handshake-viz open -.
func TestTmuxTcpdumpPipeIntoOpenShowsTheLadderOfTheFilteredConnection(t *testing.T) {
	needRoot(t)
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump not installed (.ci/run installs it)")
	}
	_, port := holdingListener(t)
	_, other := holdingListener(t)
	errFile := filepath.Join(t.TempDir(), "tcpdump.err")
	// -c 4: the SYN, SYN-ACK, ACK and RST of one connection, then
	// tcpdump ends, and so does the stream on open's stdin.
	s := startTmuxWith(t, fmt.Sprintf("%s -i lo -U -c 4 -w - 'tcp port %d' 2>%s |", tcpdump, port, errFile), "open", "-")
	var said []byte
	// Another process writes the file: nothing to wait on but its content.
	if !eventually(10*time.Second, 20*time.Millisecond, func() bool {
		said, _ = os.ReadFile(errFile)
		return strings.Contains(string(said), "listening on")
	}) {
		t.Fatalf("tcpdump never said it was listening: %q; screen:\n%s", said, s.screen())
	}
	reset := func(p int) int {
		c, err := net.DialTCP("tcp", nil, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p})
		if err != nil {
			t.Fatal(err)
		}
		local := c.LocalAddr().(*net.TCPAddr).Port
		c.SetLinger(0)
		c.Close()
		return local
	}
	reset(other) // filtered out by tcpdump
	client := reset(port)
	// One stream on a finished input: open goes straight to its ladder.
	s.waitFor(15*time.Second, "SYN", "RST", strconv.Itoa(client))
	if strings.Contains(s.screen(), ":"+strconv.Itoa(other)) {
		t.Errorf("the connection to port %d, outside the filter, shows:\n%s", other, s.screen())
	}
	s.keys("q")
	if st := s.exitStatus(10 * time.Second); st != "0" {
		t.Fatalf("exit status %s, want 0", st)
	}
}
