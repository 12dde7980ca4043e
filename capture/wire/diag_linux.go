//go:build linux

package wire

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/handshake-viz/handshake-viz/capture/sockdiag"
)

// Sockets returns every TCP socket of end e's namespace (listeners,
// request sockets of handshakes in progress and TIME-WAIT ones included),
// read with sock_diag (package capture/sockdiag).
func (w *Wire) Sockets(e End) ([]Socket, error) {
	socks, err := w.ends[e].diag.Dump(unix.AF_INET)
	if err != nil {
		return nil, fmt.Errorf("in the %s namespace: %w", e, err)
	}
	socks = sockdiag.Live(socks)
	out := make([]Socket, len(socks))
	for i, s := range socks {
		out[i] = Socket{Local: s.Local, Remote: s.Remote, State: KernelState(s.State), Backlog: s.Backlog}
	}
	return out, nil
}
