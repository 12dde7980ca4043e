//go:build !linux

package exchange

import (
	"net"
	"net/netip"
)

func reservePort(ap netip.AddrPort) (int, netip.AddrPort, error) { return -1, ap, errNoKernelView }

func listenBacklog(ap netip.AddrPort, backlog int) (*net.TCPListener, error) {
	return nil, errNoKernelView
}

func closeFD(int) {}

func bindControl(fd uintptr, local netip.AddrPort, reuse bool) (netip.AddrPort, error) {
	return netip.AddrPort{}, errNoKernelView
}

func reuseAddr(fd uintptr) error { return errNoKernelView }

func setsockopt(conn syscallConn, level, opt, value int) error { return errNoKernelView }

func errnoName(err error) string {
	if err == nil {
		return "ok"
	}
	return "error"
}
