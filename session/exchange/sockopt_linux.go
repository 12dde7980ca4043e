//go:build linux

package exchange

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// delayACK puts the socket in the kernel's "pingpong" (interactive) mode
// (TCP_QUICKACK 0): the ACK of what arrives next is held back for the
// delayed-ACK timer, to ride on the application's answer.
func delayACK(conn syscallConn) error {
	if err := setsockopt(conn, unix.IPPROTO_TCP, unix.TCP_QUICKACK, 0); err != nil {
		return fmt.Errorf("TCP_QUICKACK 0: %w", err)
	}
	return nil
}
