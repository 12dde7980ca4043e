package session

// SocketCall names a socket call of the program's own client or server
// (the exchange owns both sockets, so it knows when each was called and
// when it returned).
type SocketCall uint8

// Socket calls, as the homework's client and server make them.
const (
	CallSocket SocketCall = iota
	CallBind
	CallListen
	CallConnect
	CallAccept
	CallSend
	CallRecv
	CallShutdown
	CallClose
)

var socketCallNames = [...]string{
	CallSocket:   "socket",
	CallBind:     "bind",
	CallListen:   "listen",
	CallConnect:  "connect",
	CallAccept:   "accept",
	CallSend:     "send",
	CallRecv:     "recv",
	CallShutdown: "shutdown",
	CallClose:    "close",
}

// String returns the call's name, e.g. "connect".
func (c SocketCall) String() string { return enumName(socketCallNames[:], int(c)) }

// MarshalText implements encoding.TextMarshaler.
func (c SocketCall) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// CallPhase says whether a call event marks the call or its return.
type CallPhase uint8

// Call phases.
const (
	CallEnter  CallPhase = iota // the program called it
	CallReturn                  // it returned (Result says how)
)

// String returns "call" or "return" (the "phase" of a call in --json).
func (p CallPhase) String() string {
	if p == CallReturn {
		return "return"
	}
	return "call"
}

// MarshalText implements encoding.TextMarshaler.
func (p CallPhase) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Call is one socket call event (Event.Kind == KindCall): which end, which
// call, call or return, its result ("ok", "ECONNREFUSED", …) and, for
// send/recv, the bytes moved. Its time is Event.Seg.TimeNS's clock: Unix
// nanoseconds, the same clock as capture timestamps, so calls merge into
// the timeline by time.
type Call struct {
	Side   Dir
	Call   SocketCall
	Phase  CallPhase
	Result string // on return: "ok" or the errno name
	Bytes  int    // send/recv: bytes moved
	TimeNS int64
}

// KernelView is the kernel's own state of both ends after a packet, read
// where the program owns the sockets (sock_diag / TCP_INFO); Known is false
// elsewhere. The ladder shows a disagreement with the inferred states.
type KernelView struct {
	Known          bool
	Client, Server State
}
