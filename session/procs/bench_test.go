package procs

import (
	"net"
	"testing"
)

// BenchmarkLookupNewSocket is the cost of finding the process of a
// connection seen for the first time: a read of /proc/net/tcp{,6} and a
// walk over every process's descriptors (the machine's size sets it).
func BenchmarkLookupNewSocket(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	q := []Conn{{c.LocalAddr().(*net.TCPAddr).AddrPort(), c.RemoteAddr().(*net.TCPAddr).AddrPort()}}
	for b.Loop() {
		tab := New() // empty cache: the walk happens
		if !tab.Lookup(q)[0].Process.Known() {
			b.Fatal("not found")
		}
	}
}

// BenchmarkLookupKnownSocket is the cost of looking a cached connection up
// again (the refresh of an open connection).
func BenchmarkLookupKnownSocket(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	q := []Conn{{c.LocalAddr().(*net.TCPAddr).AddrPort(), c.RemoteAddr().(*net.TCPAddr).AddrPort()}}
	tab := New()
	tab.Lookup(q)
	for b.Loop() {
		if !tab.Lookup(q)[0].Process.Known() {
			b.Fatal("not found")
		}
	}
}
