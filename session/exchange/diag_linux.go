//go:build linux

package exchange

import (
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture/sockdiag"
)

// DiagStates returns the TCP sockets whose local or remote port is port,
// as sock_diag reports them (package capture/sockdiag): TIME-WAIT sockets
// (which have no file descriptor) and the server half of a handshake
// (NEW_SYN_RECV) included, with the time left on a TIME-WAIT socket's
// timer. A socket bound before connect whose connection is over is listed
// by the kernel twice (CLOSED in the bind table, and its TIME-WAIT): only
// the live entry is kept. It reads the network namespace of the calling
// thread.
func DiagStates(port int) ([]KernelState, error) {
	socks, err := sockdiag.Dump()
	if err != nil {
		return nil, fmt.Errorf("read the kernel's sockets: %w", err)
	}
	var out []KernelState
	for _, s := range sockdiag.Live(socks) {
		if int(s.Local.Port()) != port && int(s.Remote.Port()) != port {
			continue
		}
		out = append(out, KernelState{Local: s.Local, Remote: s.Remote, State: stateName(s.State), TimeWaitLeft: s.TimeWaitLeft})
	}
	return out, nil
}
