//go:build !linux

package exchange

import "net/netip"

// bindFromRange needs Linux's bind rules (and DialWith's bind, which is
// Linux only too).
func bindFromRange(fd uintptr, ports *clientPorts, host netip.Addr, server netip.AddrPort, state func(local netip.AddrPort) (KernelState, error)) (netip.AddrPort, error) {
	return netip.AddrPort{}, errNoKernelView
}
