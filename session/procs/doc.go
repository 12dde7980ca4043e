// Package procs finds the local process behind a TCP connection, as
// `ss -p` does: the connection's socket inode (and uid) from the kernel
// by sock_diag (capture/sockdiag's exact lookup by the two ends; when
// the kernel does not answer it, from /proc/net/tcp and /proc/net/tcp6,
// which cost tens of milliseconds to read on a machine with a large TCP
// hash table), then the process whose /proc/PID/fd holds
// "socket:[inode]", and its name from /proc/PID/comm.
//
// A Table caches inode -> (PID, fd) and checks a cached entry with one
// readlink before trusting it, so looking up a connection already known
// costs about 10 µs; only new sockets cost a walk over the processes'
// descriptors (those of the socket's uid first), once per Lookup for all
// of them.
//
// Contracts: a Table is used from one goroutine. Lookup never fails: a
// socket that is gone (closed, or in TIME-WAIT, which has no inode) or a
// process this program may not inspect (another user's, once root was
// dropped) is simply not found. Everything reads the network namespace
// and the process table of the calling process.
//
// procs imports capture/sockdiag (the program's one sock_diag reader).
package procs
