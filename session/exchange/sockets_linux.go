//go:build linux

package exchange

import (
	"fmt"
	"net"
	"net/netip"
	"os"

	"golang.org/x/sys/unix"
)

// sockaddr returns the socket address of ap and its family.
func sockaddr(ap netip.AddrPort) (unix.Sockaddr, int) {
	if ap.Addr().Is4() {
		return &unix.SockaddrInet4{Addr: ap.Addr().As4(), Port: int(ap.Port())}, unix.AF_INET
	}
	return &unix.SockaddrInet6{Addr: ap.Addr().As16(), Port: int(ap.Port())}, unix.AF_INET6
}

func fromSockaddr(sa unix.Sockaddr) netip.AddrPort {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port))
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr).Unmap(), uint16(sa.Port))
	}
	return netip.AddrPort{}
}

// boundTCP opens a TCP socket bound to ap (SO_REUSEADDR on) and returns it
// with its bound address.
func boundTCP(ap netip.AddrPort) (int, netip.AddrPort, error) {
	sa, family := sockaddr(ap)
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		return -1, netip.AddrPort{}, fmt.Errorf("socket: %w", err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		unix.Close(fd)
		return -1, netip.AddrPort{}, fmt.Errorf("SO_REUSEADDR: %w", err)
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return -1, netip.AddrPort{}, fmt.Errorf("bind: %w", err)
	}
	got, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return -1, netip.AddrPort{}, fmt.Errorf("getsockname: %w", err)
	}
	return fd, fromSockaddr(got), nil
}

// reservePort binds a TCP socket that never listens: the port is taken,
// and a SYN to it is answered by RST (the "refused" scenario).
func reservePort(ap netip.AddrPort) (int, netip.AddrPort, error) { return boundTCP(ap) }

// listenBacklog listens on ap with the given backlog by raw syscalls (Go's
// net.Listen always asks for the system's maximum).
func listenBacklog(ap netip.AddrPort, backlog int) (*net.TCPListener, error) {
	fd, _, err := boundTCP(ap)
	if err != nil {
		return nil, err
	}
	if err := unix.Listen(fd, backlog); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("listen: %w", err)
	}
	f := os.NewFile(uintptr(fd), "listener")
	defer f.Close() // FileListener dups it
	l, err := net.FileListener(f)
	if err != nil {
		return nil, fmt.Errorf("listener from fd: %w", err)
	}
	return l.(*net.TCPListener), nil
}

func closeFD(fd int) { unix.Close(fd) }

// bindControl binds a client's socket to local (port 0: any free one)
// before connect, so its 4-tuple is known when connect is called, and
// reports the bound address. With reuse, SO_REUSEADDR is set first (to
// bind the port of a connection in TIME-WAIT).
func bindControl(fd uintptr, local netip.AddrPort, reuse bool) (netip.AddrPort, error) {
	if reuse {
		if err := reuseAddr(fd); err != nil {
			return netip.AddrPort{}, err
		}
	}
	sa, _ := sockaddr(local)
	if err := unix.Bind(int(fd), sa); err != nil {
		return netip.AddrPort{}, fmt.Errorf("bind %s: %w", local, err)
	}
	got, err := unix.Getsockname(int(fd))
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("getsockname: %w", err)
	}
	return fromSockaddr(got), nil
}

// reuseAddr sets SO_REUSEADDR on fd. Set after a port-0 bind, it leaves
// the kernel's choice of port as without it, and the socket's TIME-WAIT
// still has it (the bind conflict check reads each owner's flag when a
// later socket binds the port).
func reuseAddr(fd uintptr) error {
	if err := unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return fmt.Errorf("SO_REUSEADDR: %w", err)
	}
	return nil
}

// setsockopt sets an integer socket option on conn.
func setsockopt(conn syscallConn, level, opt, value int) error {
	rc, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.SetsockoptInt(int(fd), level, opt, value) }); err != nil {
		return err
	}
	return serr
}

// errnoName names err's errno ("ECONNREFUSED"), "ok" for nil.
func errnoName(err error) string {
	if err == nil {
		return "ok"
	}
	var errno unix.Errno
	if asErrno(err, &errno) {
		if n := unix.ErrnoName(errno); n != "" {
			return n
		}
	}
	if isTimeout(err) {
		return "ETIMEDOUT"
	}
	return "error"
}
