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

// setRcvBuf sets SO_RCVBUF (the kernel doubles it for its bookkeeping).
// On a listener it is inherited by the accepted sockets, and it is in
// place before their handshake: the window and its scale follow it.
func setRcvBuf(conn syscallConn, bytes int) error {
	if err := setsockopt(conn, unix.SOL_SOCKET, unix.SO_RCVBUF, bytes); err != nil {
		return fmt.Errorf("SO_RCVBUF %d: %w", bytes, err)
	}
	return nil
}
