package procs

import (
	"net"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"testing"
)

func TestParseHexAddrReadsIPv4AndIPv6AsTheKernelPrintsThem(t *testing.T) {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("the literal lines below are those of a little-endian machine")
	}
	for _, c := range []struct{ in, want string }{
		{"0100007F:1F90", "127.0.0.1:8080"},
		{"0101A8C0:01BB", "192.168.1.1:443"},
		{"00000000000000000000000001000000:0016", "[::1]:22"},
		{"0000000000000000FFFF00000100007F:0050", "[::ffff:127.0.0.1]:80"},
		{"B80D0120000000000000000001000000:0035", "[2001:db8::1]:53"},
	} {
		got, err := parseHexAddr(c.in)
		if err != nil || got.String() != c.want {
			t.Errorf("parseHexAddr(%q) = %v, %v; want %s", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "0100007F", "0100007F:zz", "01007F:1F90", "xx00007F:1F90"} {
		if _, err := parseHexAddr(bad); err == nil {
			t.Errorf("parseHexAddr(%q) accepted", bad)
		}
	}
}

func TestParseSocketsSkipsTheHeaderAndInodeZero(t *testing.T) {
	table := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 5151 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:D432 0100007F:1F90 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000
`
	m := map[sockKey]uint64{}
	if err := parseSockets(strings.NewReader(table), m); err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 {
		t.Fatalf("parsed %d sockets, want 2 (the TIME-WAIT one has no inode): %v", len(m), m)
	}
	k := sockKey{netip.MustParseAddrPort("127.0.0.1:54321"), netip.MustParseAddrPort("127.0.0.1:8080")}
	if runtime.GOARCH == "amd64" && m[k] != 5151 {
		t.Errorf("connection inode = %d, want 5151 (%v)", m[k], m)
	}
}

// selfComm is this process's comm.
func selfComm(t *testing.T) string {
	b, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	return strings.TrimSpace(string(b))
}

func TestLookupFindsThisProcessBehindBothEndsOfALoopbackConnection(t *testing.T) {
	comm := selfComm(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	a := client.LocalAddr().(*net.TCPAddr).AddrPort()
	b := client.RemoteAddr().(*net.TCPAddr).AddrPort()

	for _, viaProc := range []bool{false, true} {
		t.Run(map[bool]string{false: "sock_diag", true: "proc_net_tcp"}[viaProc], func(t *testing.T) {
			lookupBothEnds(t, viaProc, a, b, comm)
		})
	}
	client.Close()
	server.Close()
	// Closed: the client end is in TIME-WAIT or gone, with no inode.
	if got := New().Lookup([]Conn{{a, b}}); got[0].Process.Known() && got[0].LocalA {
		t.Errorf("a closed client socket still found: %+v", got[0])
	}
}

func lookupBothEnds(t *testing.T, viaProc bool, a, b netip.AddrPort, comm string) {
	gone := netip.MustParseAddrPort("127.0.0.1:1")
	tab := New()
	defer tab.Close()
	tab.noDiag = viaProc
	for round := range 2 { // the second from the cache
		got := tab.Lookup([]Conn{{a, b}, {b, a}, {gone, b}})
		want := Process{PID: os.Getpid(), Name: comm}
		if got[0].Process != want || !got[0].LocalA {
			t.Errorf("round %d: client end: %+v, want %+v on A", round, got[0], want)
		}
		if got[1].Process != want || !got[1].LocalA {
			t.Errorf("round %d: server end: %+v, want %+v on A", round, got[1], want)
		}
		if got[2].Process.Known() {
			t.Errorf("round %d: a connection that does not exist found %+v", round, got[2])
		}
	}
	if (tab.diag != nil) == viaProc {
		t.Errorf("sock_diag in use: %t, want %t", tab.diag != nil, !viaProc)
	}
}
