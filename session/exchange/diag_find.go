package exchange

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"

	"github.com/handshake-viz/handshake-viz/capture/sockdiag"
	"github.com/handshake-viz/handshake-viz/session"
)

// diagConns holds one sock_diag socket per end of the exchange, each
// opened on first use in that end's network (a netlink socket answers for
// the namespace it was opened in), and closed with the Exchange. An exact
// lookup of one connection takes microseconds whatever the number of
// sockets; a dump of the table grows with every TIME-WAIT socket a long
// run leaves behind.
type diagConns struct {
	mu sync.Mutex
	c  [2]*sockdiag.Conn
}

// find returns the kernel's state of the socket local -> remote; a socket
// the kernel does not have (any more) is CLOSED. It must run in end's
// network (inside Network.Do).
func (d *diagConns) find(end session.Dir, local, remote netip.AddrPort) (KernelState, error) {
	if end != session.FromClient && end != session.FromServer {
		return KernelState{}, fmt.Errorf("read the kernel's socket: bad end %v", end)
	}
	d.mu.Lock()
	c := d.c[end]
	if c == nil {
		var err error
		if c, err = sockdiag.Open(); err != nil {
			d.mu.Unlock()
			return KernelState{}, fmt.Errorf("read the kernel's socket: %w", err)
		}
		d.c[end] = c
	}
	d.mu.Unlock()
	s, ok, err := c.Find(local, remote)
	if err != nil {
		return KernelState{}, fmt.Errorf("read the kernel's socket %s -> %s: %w", local, remote, err)
	}
	if !ok {
		return KernelState{Local: local, Remote: remote, State: StateClosed}, nil
	}
	return KernelState{Local: s.Local, Remote: s.Remote, State: stateName(s.State), TimeWaitLeft: s.TimeWaitLeft}, nil
}

// close closes the sockets opened so far.
func (d *diagConns) close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var errs []error
	for i, c := range d.c {
		if c != nil {
			errs = append(errs, c.Close())
			d.c[i] = nil
		}
	}
	return errors.Join(errs...)
}
