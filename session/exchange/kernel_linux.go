//go:build linux

package exchange

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// KernelStates returns the TCP sockets whose local or remote port is port,
// TIME-WAIT ones included, from /proc/net/tcp and /proc/net/tcp6. IPv4
// addresses of IPv6 sockets are returned unmapped.
func KernelStates(port int) ([]KernelState, error) {
	var out []KernelState
	for _, path := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		states, err := readProcNetTCP(path, port)
		if errors.Is(err, os.ErrNotExist) && strings.HasSuffix(path, "6") {
			continue // IPv6 disabled
		}
		if err != nil {
			return nil, err
		}
		out = append(out, states...)
	}
	return out, nil
}

func readProcNetTCP(path string, port int) ([]KernelState, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read kernel socket table: %w (is /proc mounted?)", err)
	}
	defer f.Close()
	var out []KernelState
	sc := bufio.NewScanner(f)
	sc.Scan() // header line
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 {
			continue
		}
		local, err1 := parseProcAddr(fields[1])
		remote, err2 := parseProcAddr(fields[2])
		code, err3 := strconv.ParseUint(fields[3], 16, 8)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("%s: line %q: %w", path, sc.Text(), err)
		}
		if int(local.Port()) != port && int(remote.Port()) != port {
			continue
		}
		out = append(out, KernelState{Local: local, Remote: remote, State: stateName(uint8(code))})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// parseProcAddr parses "0100007F:1F90": the address as the kernel's
// 32-bit words printed in host byte order, then the port.
func parseProcAddr(s string) (netip.AddrPort, error) {
	hexAddr, hexPort, ok := strings.Cut(s, ":")
	if !ok || (len(hexAddr) != 8 && len(hexAddr) != 32) {
		return netip.AddrPort{}, fmt.Errorf("bad socket address %q", s)
	}
	port, err := strconv.ParseUint(hexPort, 16, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("bad port in %q: %w", s, err)
	}
	raw := make([]byte, len(hexAddr)/2)
	for i := 0; i < len(hexAddr); i += 8 {
		w, err := strconv.ParseUint(hexAddr[i:i+8], 16, 32)
		if err != nil {
			return netip.AddrPort{}, fmt.Errorf("bad address in %q: %w", s, err)
		}
		binary.NativeEndian.PutUint32(raw[i/2:], uint32(w))
	}
	addr, _ := netip.AddrFromSlice(raw)
	return netip.AddrPortFrom(addr.Unmap(), uint16(port)), nil
}

// TCPInfoState returns the kernel's state of conn (TCP_INFO), by its
// RFC 9293 name.
func TCPInfoState(conn *net.TCPConn) (string, error) {
	rc, err := conn.SyscallConn()
	if err != nil {
		return "", fmt.Errorf("TCP_INFO: %w", err)
	}
	var info *unix.TCPInfo
	var serr error
	if err := rc.Control(func(fd uintptr) {
		info, serr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	}); err != nil {
		return "", fmt.Errorf("TCP_INFO: %w", err)
	}
	if serr != nil {
		return "", fmt.Errorf("TCP_INFO: %w", serr)
	}
	return stateName(info.State), nil
}

// quickACK makes the kernel send an ACK it is holding back (delayed ACK)
// now, and acknowledge the next segments at once (TCP_QUICKACK; the kernel
// clears it again by itself, so it is set after every read).
func quickACK(conn *net.TCPConn) error {
	rc, err := conn.SyscallConn()
	if err != nil {
		return fmt.Errorf("TCP_QUICKACK: %w", err)
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_QUICKACK, 1)
	}); err != nil {
		return fmt.Errorf("TCP_QUICKACK: %w", err)
	}
	if serr != nil {
		return fmt.Errorf("TCP_QUICKACK: %w", serr)
	}
	return nil
}
