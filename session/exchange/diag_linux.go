//go:build linux

package exchange

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Sizes of the sock_diag messages (linux/inet_diag.h).
const (
	sizeofInetDiagReqV2 = 56 // family, protocol, ext, pad, states, inet_diag_sockid (48)
	sizeofInetDiagMsg   = 72 // family, state, timer, retrans, sockid (48), expires, rqueue, wqueue, uid, inode
	diagTimerTimeWait   = 3  // inet_diag_msg.idiag_timer of a TIME-WAIT socket
	diagAllStates       = 0xffffffff
)

// DiagStates returns the TCP sockets whose local or remote port is port,
// as sock_diag (NETLINK_INET_DIAG) reports them: TIME-WAIT sockets (which
// have no file descriptor) and the server half of a handshake
// (NEW_SYN_RECV) included, with the time left on a TIME-WAIT socket's
// timer. It reads the network namespace of the calling thread.
func DiagStates(port int) ([]KernelState, error) {
	var out []KernelState
	for _, family := range []uint8{unix.AF_INET, unix.AF_INET6} {
		states, err := diagDump(family, port)
		if err != nil {
			return nil, err
		}
		out = append(out, states...)
	}
	return out, nil
}

func diagDump(family uint8, port int) ([]KernelState, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_INET_DIAG)
	if err != nil {
		return nil, fmt.Errorf("sock_diag: open netlink socket: %w", err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, fmt.Errorf("sock_diag: bind: %w", err)
	}
	req := make([]byte, unix.SizeofNlMsghdr+sizeofInetDiagReqV2)
	ne := binary.NativeEndian
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], unix.SOCK_DIAG_BY_FAMILY)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:], 1) // seq
	body := req[unix.SizeofNlMsghdr:]
	body[0] = family
	body[1] = unix.IPPROTO_TCP
	ne.PutUint32(body[4:], diagAllStates)
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, fmt.Errorf("sock_diag: send request: %w", err)
	}
	var out []KernelState
	buf := make([]byte, 64<<10)
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			return nil, fmt.Errorf("sock_diag: read: %w", err)
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			return nil, fmt.Errorf("sock_diag: parse: %w", err)
		}
		for _, m := range msgs {
			switch m.Header.Type {
			case unix.NLMSG_DONE:
				return out, nil
			case unix.NLMSG_ERROR:
				if len(m.Data) >= 4 {
					if errno := -int32(ne.Uint32(m.Data)); errno != 0 {
						if family == unix.AF_INET6 && unix.Errno(errno) == unix.ENOENT {
							return out, nil // IPv6 disabled
						}
						return nil, fmt.Errorf("sock_diag: %w", unix.Errno(errno))
					}
				}
				return out, nil
			}
			if k, ok := parseDiagMsg(m.Data, port); ok {
				out = append(out, k)
			}
		}
	}
}

// parseDiagMsg decodes one inet_diag_msg; ports and addresses are in
// network byte order.
func parseDiagMsg(b []byte, port int) (KernelState, bool) {
	if len(b) < sizeofInetDiagMsg {
		return KernelState{}, false
	}
	family, state, timer := b[0], b[1], b[2]
	id := b[4:52]
	sport, dport := binary.BigEndian.Uint16(id[0:]), binary.BigEndian.Uint16(id[2:])
	if int(sport) != port && int(dport) != port {
		return KernelState{}, false
	}
	addr := func(raw []byte) netip.Addr {
		if family == unix.AF_INET {
			return netip.AddrFrom4([4]byte(raw[:4]))
		}
		return netip.AddrFrom16([16]byte(raw[:16])).Unmap()
	}
	k := KernelState{
		Local:  netip.AddrPortFrom(addr(id[4:20]), sport),
		Remote: netip.AddrPortFrom(addr(id[20:36]), dport),
		State:  stateName(state),
	}
	if timer == diagTimerTimeWait {
		k.TimeWaitLeft = time.Duration(binary.NativeEndian.Uint32(b[52:])) * time.Millisecond
	}
	return k, true
}
