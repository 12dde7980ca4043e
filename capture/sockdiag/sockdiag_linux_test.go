//go:build linux

package sockdiag

import (
	"net"
	"net/netip"
	"testing"
)

func TestDumpFindsAListenerAndBothEndsOfAConnectionOnLoopback(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	socks, err := Dump()
	if err != nil {
		t.Fatal(err)
	}
	addr := func(a net.Addr) netip.AddrPort { return a.(*net.TCPAddr).AddrPort() }
	want := map[[2]netip.AddrPort]uint8{
		{addr(ln.Addr()), netip.AddrPortFrom(netip.IPv4Unspecified(), 0)}: Listen,
		{addr(c.LocalAddr()), addr(c.RemoteAddr())}:                       Established,
		{addr(s.LocalAddr()), addr(s.RemoteAddr())}:                       Established,
	}
	for _, k := range socks {
		if st, ok := want[[2]netip.AddrPort{k.Local, k.Remote}]; ok && st == k.State {
			delete(want, [2]netip.AddrPort{k.Local, k.Remote})
		}
	}
	if len(want) > 0 {
		t.Errorf("not found with their states: %v (dump has %d sockets)", want, len(socks))
	}
}
