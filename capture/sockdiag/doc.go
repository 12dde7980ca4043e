// Package sockdiag reads the kernel's table of TCP sockets with sock_diag
// (NETLINK_SOCK_DIAG, linux/inet_diag.h): every state, TIME-WAIT sockets
// (which have no file descriptor) and the request sockets of handshakes
// in progress included, with the time left on a socket's timer and the
// bytes waiting in its backlog. It is the one sock_diag reader of the
// program: the lossy wire (capture/wire) reads each end's namespace with
// it, and the exchange (session/exchange) the kernel's view of both ends.
//
// A netlink socket belongs to the network namespace of the thread that
// opened it: Open in a namespace, then Dump from any goroutine (a Conn's
// dumps are serialized). Dump opens and closes a socket in the calling
// thread's namespace. Linux only; elsewhere every call fails.
package sockdiag
