//go:build linux

package sockdiag

import (
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestFindReturnsTheOneConnectionWithItsInodeAndNeverTheListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	a := client.LocalAddr().(*net.TCPAddr).AddrPort()
	b := client.RemoteAddr().(*net.TCPAddr).AddrPort()

	c, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, ok, err := c.Find(a, b)
	if err != nil || !ok {
		t.Fatalf("Find(client end) = %v, %v", ok, err)
	}
	if s.Local != a || s.Remote != b || s.State != Established || s.UID != uint32(os.Getuid()) {
		t.Errorf("found %+v, want %v -> %v ESTABLISHED of uid %d", s, a, b, os.Getuid())
	}
	// The inode is the one /proc/self/fd names.
	f, err := client.(*net.TCPConn).File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	link, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(f.Fd())))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	if want := "socket:[" + strconv.FormatUint(s.Inode, 10) + "]"; link != want {
		t.Errorf("inode %d, /proc says %s", s.Inode, link)
	}
	if !strings.HasPrefix(link, "socket:[") {
		t.Fatal(link)
	}
	// Nothing connects from port 1: the kernel's fallback to the
	// listener on b's port is not returned.
	if s, ok, err := c.Find(b, netip.MustParseAddrPort("127.0.0.1:1")); ok || err != nil {
		t.Errorf("Find of a connection that does not exist = %+v, %v, %v", s, ok, err)
	}
}
