//go:build linux

package exchange

import "golang.org/x/sys/unix"

// synRetries sets TCP_SYNCNT on a socket before connect.
func synRetries(fd uintptr, n int) error {
	return unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_SYNCNT, n)
}
