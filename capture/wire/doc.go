// Package wire is the lossy wire: two unnamed network namespaces, one per
// end of an exchange, joined by two TUN devices through a relay in the
// program, which decides for every packet to pass it, drop it or delay it.
//
// The client end is 10.77.0.1/24 on a TUN device in its own namespace, the
// server end 10.77.0.2/24 in another; each namespace has lo up, IPv6
// disabled (no IPv6 packets on the wire) and net.ipv4.tcp_orphan_retries=1
// (an orphaned socket does not keep its namespace alive for minutes). The
// namespaces are held only as file descriptors: nothing is left when the
// program exits, is killed, or panics. Opening a wire needs CAP_SYS_ADMIN
// (namespaces) and CAP_NET_ADMIN (TUN devices, addresses).
//
// A Wire is a capture.Source: every packet the relay saw, as raw IPv4
// (layers.LinkTypeRaw), with its Verdict (Passed, Dropped, Delayed) and
// DelayNS. Packets come out in the order they reached their destination's
// kernel (or were dropped), with timestamps taken from the monotonic clock,
// so they never go backwards: a passed or dropped packet is stamped when the
// relay read it, a delayed one when it was delivered (it left its sender
// DelayNS earlier). Delays let later packets overtake earlier ones.
//
// Do runs a function on a locked OS thread inside one end's namespace:
// sockets it opens stay there. A few threads per end enter the namespace
// at Open and wait there, so Do needs no privilege: a program may give up
// its capabilities once the wire is open. They end with the wire. The package session/exchange adapts a Wire
// to its Network interface (capture imports none of the project's
// packages, so the ends are this package's Client and Server).
//
// Policies decide per packet; the relay calls a Policy from one goroutine
// at a time, in the order the packets were read, so policies may keep
// state without locking. Predicates (Match) likewise.
//
// In stepped mode (Config.Stepped) the relay delivers one packet at a time
// and, once the destination kernel has processed it (the write into the
// TUN device runs the receive path on the writing thread; a segment that
// found its socket owned by the application waits in the socket's backlog
// until the application releases it, so the relay also waits until the
// destination socket's backlog, read with sock_diag, is empty), calls
// Config.AfterDeliver before anything else is delivered. The hook may read
// both ends' kernel states (Sockets) and ask which end has already sent
// its next packet (Step.Pending): a socket call in the application (close,
// shutdown) changes its end's state at the moment it sends, independently
// of the relay.
//
// Close ends the relay, closes the TUN devices and the namespaces' file
// descriptors, and returns when every goroutine of the wire has ended;
// cancelling the context given to Open closes the wire too. Sockets opened
// in the namespaces belong to the caller: close them before the wire.
package wire
