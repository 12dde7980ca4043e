package sockdiag

import (
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// Linux TCP state codes (include/net/tcp_states.h).
const (
	Established uint8 = iota + 1
	SynSent
	SynRecv
	FinWait1
	FinWait2
	TimeWait
	Close
	CloseWait
	LastAck
	Listen
	Closing
	NewSynRecv // a request socket: the server half of a handshake in progress
)

// Socket is one TCP socket as sock_diag reports it.
type Socket struct {
	Local, Remote netip.AddrPort // IPv4-mapped IPv6 addresses unmapped
	State         uint8          // Linux's state code (Established … NewSynRecv)
	// TimeWaitLeft is the time left before a TIME-WAIT socket goes (0
	// for every other state).
	TimeWaitLeft time.Duration
	Backlog      uint32 // bytes in the socket's backlog: segments waiting for the application to release the socket
	UID          uint32 // the socket's owner uid (of the process that created it)
	Inode        uint64 // the socket's inode, as /proc/PID/fd links name it ("socket:[inode]"); 0 without a file (TIME-WAIT, orphaned)
}

// ErrUnsupported is returned outside Linux.
var ErrUnsupported = errors.New("sock_diag needs Linux")

// Live returns, of the sockets with the same local and remote address,
// the one that is not CLOSED: a socket bound explicitly (bind before
// connect) stays in the kernel's bind table after its connection is over
// and is listed as CLOSED with its old peer, beside the connection's
// TIME-WAIT entry. The order of socks is kept otherwise.
func Live(socks []Socket) []Socket {
	type key struct{ l, r netip.AddrPort }
	live := map[key]bool{}
	for _, s := range socks {
		if s.State != Close {
			live[key{s.Local, s.Remote}] = true
		}
	}
	out := socks[:0:0]
	for _, s := range socks {
		if s.State == Close && live[key{s.Local, s.Remote}] {
			continue
		}
		out = append(out, s)
	}
	return out
}

func (s Socket) String() string {
	return fmt.Sprintf("%s -> %s state %d", s.Local, s.Remote, s.State)
}
