// Package filter compiles the everyday subset of pcap-filter syntax (what
// tcpdump and Wireshark's capture filters take) to a classic BPF program,
// in Go, without libpcap: the kernel runs the program on a live socket,
// and x/net/bpf's VM runs the same program on each frame of a saved
// capture, so one syntax and one meaning serve everywhere.
//
// Supported:
//
//	tcp  udp  ip  ip6
//	[src|dst] host ADDR            (IPv4 or IPv6 literal; no name lookups)
//	[src|dst] net CIDR             (10.0.0.0/8, fe80::/10, or net ADDR mask MASK)
//	[tcp|udp] [src|dst] port N
//	[tcp|udp] [src|dst] portrange N-M
//	tcp[OFF[:SIZE]], udp[…], ip[…], ip6[…] with & | + - * << >> and
//	  = != < <= > >=; tcpflags, tcp-fin, tcp-syn, tcp-rst, tcp-push,
//	  tcp-ack, tcp-urg, tcp-ece, tcp-cwr
//	and && or || not !  ( )        (and binds tighter than or, as in libpcap)
//
// As in libpcap, a bare value after and/or repeats the last primitive's
// qualifiers: `port 80 or 443` is `port 80 or port 443`.
//
// Where this package differs from libpcap, on purpose, and documented:
// IPv6 extension headers (hop-by-hop, routing, destination options, and a
// first fragment) are walked to find TCP or UDP, so `tcp`, `port` and
// `tcp[…]` match IPv6 packets with extension headers (libpcap's `port`
// and `tcp[…]` do not look past them). Anything outside the subset
// (`icmp`, `arp`, `vlan`, `ether`, host names, `greater`, …) is refused
// with an error naming the token; nothing is silently widened.
//
// Link types: Ethernet, Linux SLL and SLL2, Null/Loop, and raw IP. A
// parsed Expr compiles once per link type; a Filter is safe for
// concurrent use by Match only if each goroutine has its own (the VM is
// not shared state, but Match reuses nothing either: it is cheap to copy).
//
// filter imports no package of this project.
package filter
