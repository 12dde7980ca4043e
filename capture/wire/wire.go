package wire

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/handshake-viz/handshake-viz/capture"
)

// Addresses and device settings of the wire.
const (
	prefixLen  = 24
	DefaultMTU = 1500
	tunName    = "wire0"
)

// Addr returns the address of end e: 10.77.0.1 for the client,
// 10.77.0.2 for the server.
func Addr(e End) netip.Addr {
	if e == Server {
		return netip.AddrFrom4([4]byte{10, 77, 0, 2})
	}
	return netip.AddrFrom4([4]byte{10, 77, 0, 1})
}

// ErrPrivilege is wrapped by Open's error when the process may not create
// network namespaces or TUN devices.
var ErrPrivilege = errors.New("the lossy wire needs CAP_SYS_ADMIN and CAP_NET_ADMIN (network namespaces, TUN devices): run it as root, e.g. with sudo")

// Config configures a wire.
type Config struct {
	// Policy decides what happens to each packet; nil passes every one.
	Policy Policy
	// MTU of both TUN devices; 0 is DefaultMTU.
	MTU int
	// Stepped delivers one packet at a time and calls AfterDeliver once
	// the destination kernel has processed it, before the next one.
	Stepped bool
	// AfterDeliver, in stepped mode, is called after each packet was
	// delivered and processed (or dropped), from a relay goroutine, while
	// nothing else is delivered. It must not call Close.
	AfterDeliver func(s Step)
}

// Step is one packet in stepped mode, as AfterDeliver sees it.
type Step struct {
	Seg  capture.Segment // decoded, with its Verdict and DelayNS; Frame is the Source's frame number
	From End
	w    *Wire
}

// Socket is one TCP socket of an end's namespace as sock_diag reports it.
type Socket struct {
	Local, Remote netip.AddrPort
	State         KernelState // Linux's state code
	Backlog       uint32      // bytes in the socket's backlog: segments waiting for the application to release the socket
}

// KernelState is a Linux TCP state code (include/net/tcp_states.h).
type KernelState uint8

// Linux TCP states.
const (
	StateEstablished KernelState = iota + 1
	StateSynSent
	StateSynRecv
	StateFinWait1
	StateFinWait2
	StateTimeWait
	StateClose
	StateCloseWait
	StateLastAck
	StateListen
	StateClosing
	StateNewSynRecv // a request socket: the server half of a handshake in progress
)

var kernelStateNames = [...]string{
	StateEstablished: "ESTABLISHED",
	StateSynSent:     "SYN-SENT",
	StateSynRecv:     "SYN-RECEIVED",
	StateFinWait1:    "FIN-WAIT-1",
	StateFinWait2:    "FIN-WAIT-2",
	StateTimeWait:    "TIME-WAIT",
	StateClose:       "CLOSED",
	StateCloseWait:   "CLOSE-WAIT",
	StateLastAck:     "LAST-ACK",
	StateListen:      "LISTEN",
	StateClosing:     "CLOSING",
	StateNewSynRecv:  "SYN-RECEIVED",
}

// String returns the RFC 9293 name of the state (Linux's request socket
// is SYN-RECEIVED, as the RFC knows no request sockets).
func (s KernelState) String() string {
	if int(s) < len(kernelStateNames) && kernelStateNames[s] != "" {
		return kernelStateNames[s]
	}
	return fmt.Sprintf("UNKNOWN(%d)", uint8(s))
}

// Timings of Open and Close, for logs and benchmarks, and how often the
// stepped relay found a delivered segment still in its socket's backlog.
type Timings struct {
	SetupNS, TeardownNS int64
	Delivered           int // packets delivered
	BacklogWaits        int // stepped deliveries that had to wait for the application to release the socket
}

// Find returns the socket with this local and remote address, or false.
// A socket bound explicitly (bind before connect) stays in the kernel's
// bind table after its connection is over, and sock_diag lists it as
// CLOSED with its old peer beside the connection's TIME-WAIT entry: the
// entry that is not CLOSED wins.
func Find(socks []Socket, local, remote netip.AddrPort) (Socket, bool) {
	var found Socket
	ok := false
	for _, s := range socks {
		if s.Local == local && s.Remote == remote {
			if s.State != StateClose {
				return s, true
			}
			found, ok = s, true
		}
	}
	return found, ok
}
