//go:build linux

package exchange

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/handshake-viz/handshake-viz/session"
)

// portRangeFile is the client network's range of local ports (per network
// namespace: read it from a thread in that namespace).
const portRangeFile = "/proc/sys/net/ipv4/ip_local_port_range"

// readPortRange reads the local port range of the calling thread's
// network namespace.
func readPortRange() (lo, hi uint16, err error) {
	b, err := os.ReadFile(portRangeFile)
	if err != nil {
		return 0, 0, fmt.Errorf("read the local port range: %w (is /proc mounted?)", err)
	}
	return parsePortRange(string(b))
}

// parsePortRange parses ip_local_port_range's "low<TAB>high".
func parsePortRange(s string) (lo, hi uint16, err error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return 0, 0, fmt.Errorf("local port range %q: want two ports, low and high", strings.TrimSpace(s))
	}
	l, err1 := strconv.ParseUint(f[0], 10, 16)
	h, err2 := strconv.ParseUint(f[1], 10, 16)
	if err := errors.Join(err1, err2); err != nil || l == 0 || l > h {
		return 0, 0, fmt.Errorf("local port range %q: want two ports 1-65535, low first", strings.TrimSpace(s))
	}
	return uint16(l), uint16(h), nil
}

// bindFromRange binds fd to a port of the client network's range (or of
// the run's pool) that ports hands out (SO_REUSEADDR on): one whose 4-tuple to server is not a
// live connection (state reads it: TIME-WAIT or CLOSED only) and that the
// kernel lets this socket bind (a port held only by sockets that had
// SO_REUSEADDR and do not listen, TIME-WAIT ones included). It tries each
// port at most once, and must run in the client's network.
// On success the port stays busy in ports until release.
func bindFromRange(fd uintptr, ports *clientPorts, host netip.Addr, server netip.AddrPort, state func(local netip.AddrPort) (KernelState, error)) (netip.AddrPort, error) {
	lo, hi, err := ports.portRange(readPortRange)
	if err != nil {
		return netip.AddrPort{}, err
	}
	full := &NoFreePortError{Lo: lo, Hi: hi}
	for range ports.candidates() {
		port, ok := ports.take()
		if !ok {
			full.Busy++
			continue
		}
		local := netip.AddrPortFrom(host, port)
		k, err := state(local)
		if err != nil {
			ports.release(port)
			return netip.AddrPort{}, err
		}
		if st, ok := k.SessionState(); !ok || (st != session.Closed && st != session.TimeWait) {
			ports.release(port) // a live connection to the server: connect would fail
			full.Live++
			continue
		}
		got, err := bindControl(fd, local, true)
		if errors.Is(err, unix.EADDRINUSE) {
			ports.release(port) // a listener, or a socket without SO_REUSEADDR
			full.Bound++
			continue
		}
		if err != nil {
			ports.release(port)
			return netip.AddrPort{}, err
		}
		return got, nil
	}
	return netip.AddrPort{}, full
}
