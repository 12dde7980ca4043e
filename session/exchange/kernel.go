package exchange

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/handshake-viz/handshake-viz/session"
)

// KernelState is one TCP socket as the kernel sees it.
type KernelState struct {
	Local, Remote netip.AddrPort
	State         string // RFC 9293 name: "ESTABLISHED", "TIME-WAIT", "CLOSED", …
	// TimeWaitLeft is the time left before a TIME-WAIT socket goes
	// (sock_diag only; 0 otherwise).
	TimeWaitLeft time.Duration
}

// String returns "local -> remote STATE".
func (k KernelState) String() string {
	return fmt.Sprintf("%s -> %s %s", k.Local, k.Remote, k.State)
}

// Linux TCP state codes (include/net/tcp_states.h), as /proc/net/tcp and
// TCP_INFO report them.
const (
	linuxEstablished = 0x01
	linuxSynSent     = 0x02
	linuxSynRecv     = 0x03
	linuxFinWait1    = 0x04
	linuxFinWait2    = 0x05
	linuxTimeWait    = 0x06
	linuxClose       = 0x07
	linuxCloseWait   = 0x08
	linuxLastAck     = 0x09
	linuxListen      = 0x0A
	linuxClosing     = 0x0B
	linuxNewSynRecv  = 0x0C // request socket: the server half of a handshake
)

// StateClosed is the name of a socket that does not exist (any more).
const StateClosed = "CLOSED"

// stateName maps a Linux TCP state code to its RFC 9293 name.
func stateName(code uint8) string {
	switch code {
	case linuxEstablished:
		return "ESTABLISHED"
	case linuxSynSent:
		return "SYN-SENT"
	case linuxSynRecv, linuxNewSynRecv:
		return "SYN-RECEIVED"
	case linuxFinWait1:
		return "FIN-WAIT-1"
	case linuxFinWait2:
		return "FIN-WAIT-2"
	case linuxTimeWait:
		return "TIME-WAIT"
	case linuxClose:
		return StateClosed
	case linuxCloseWait:
		return "CLOSE-WAIT"
	case linuxLastAck:
		return "LAST-ACK"
	case linuxListen:
		return "LISTEN"
	case linuxClosing:
		return "CLOSING"
	}
	return fmt.Sprintf("UNKNOWN(%d)", code)
}

// sessionStates maps RFC 9293 names to the tracker's states.
var sessionStates = map[string]session.State{
	"CLOSED": session.Closed, "LISTEN": session.Listen, "SYN-SENT": session.SynSent,
	"SYN-RECEIVED": session.SynReceived, "ESTABLISHED": session.Established,
	"FIN-WAIT-1": session.FinWait1, "FIN-WAIT-2": session.FinWait2,
	"CLOSE-WAIT": session.CloseWait, "CLOSING": session.Closing,
	"LAST-ACK": session.LastAck, "TIME-WAIT": session.TimeWait,
}

// SessionState returns the kernel state as the tracker's State; ok is
// false for a name the tracker has no state for.
func (k KernelState) SessionState() (session.State, bool) {
	s, ok := sessionStates[k.State]
	return s, ok
}
