//go:build linux

package capture

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Kernel packet times (SO_TIMESTAMPNS) are taken when a packet arrives
// only once the kernel's timestamping is on; the first socket that asks
// for it turns it on from a work queue, a while later. Until then a packet
// is stamped when the capture reads it, which can be after a socket call
// that the packet caused: a ladder with accept() returning before the
// SYN. waitStamped waits until loopback packets are stamped on arrival.
const (
	stampProbeWait = 2 * time.Millisecond // between a probe's send and its read
	stampMaxWait   = 2 * time.Second      // then it gives up
)

// waitStamped returns once the kernel stamps packets when they arrive on
// loopback: it sends one-byte UDP datagrams to itself on 127.0.0.1 and
// reads each after stampProbeWait; a datagram stamped before the wait
// ended was stamped on arrival. Call it after opening a live capture and
// before the first packet that matters. It gives up (with an error) after
// stampMaxWait; the capture works either way.
func waitStamped() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("probe the kernel's packet times: %w", err)
	}
	defer unix.Close(fd)
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
		return fmt.Errorf("probe the kernel's packet times (SO_TIMESTAMPNS): %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return fmt.Errorf("probe the kernel's packet times: bind 127.0.0.1: %w", err)
	}
	self, err := unix.Getsockname(fd)
	if err != nil {
		return fmt.Errorf("probe the kernel's packet times: %w", err)
	}
	deadline := time.Now().Add(stampMaxWait)
	buf, oob := make([]byte, 1), make([]byte, unix.CmsgSpace(int(unsafe.Sizeof(unix.Timespec{}))))
	for {
		sent := time.Now()
		if err := unix.Sendto(fd, buf, 0, self); err != nil {
			return fmt.Errorf("probe the kernel's packet times: send: %w", err)
		}
		time.Sleep(stampProbeWait)
		_, oobn, _, _, err := unix.Recvmsg(fd, buf, oob, unix.MSG_DONTWAIT)
		if err != nil && !errors.Is(err, unix.EAGAIN) {
			return fmt.Errorf("probe the kernel's packet times: read: %w", err)
		}
		if err == nil {
			if at, ok := cmsgTime(oob[:oobn]); ok && at.Before(sent.Add(stampProbeWait)) {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the kernel still stamps loopback packets when they are read, after %v: packet times may trail the socket calls", stampMaxWait)
		}
	}
}

// cmsgTime returns the SCM_TIMESTAMPNS time in a control message.
func cmsgTime(oob []byte) (time.Time, bool) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return time.Time{}, false
	}
	for _, m := range msgs {
		if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SCM_TIMESTAMPNS && len(m.Data) >= int(unsafe.Sizeof(unix.Timespec{})) {
			ts := (*unix.Timespec)(unsafe.Pointer(&m.Data[0]))
			return time.Unix(int64(ts.Sec), int64(ts.Nsec)), true
		}
	}
	return time.Time{}, false
}
