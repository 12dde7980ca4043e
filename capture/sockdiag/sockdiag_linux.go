//go:build linux

package sockdiag

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Sizes and codes of the messages (linux/inet_diag.h, linux/sock_diag.h).
const (
	inetDiagReqV2Len  = 56 // family, protocol, ext, pad, states, inet_diag_sockid (48)
	inetDiagMsgLen    = 72 // family, state, timer, retrans, sockid (48), expires, rqueue, wqueue, uid, inode
	inetDiagSKMemInfo = 7  // INET_DIAG_SKMEMINFO: u32[SK_MEMINFO_VARS]
	skMemInfoBacklog  = 7  // SK_MEMINFO_BACKLOG
	timerTimeWait     = 3  // inet_diag_msg.idiag_timer of a TIME-WAIT socket
	allStates         = 0xffffffff
	recvBuf           = 1 << 16
)

// Conn is a sock_diag socket of one network namespace (the one of the
// thread that opened it).
type Conn struct {
	mu  sync.Mutex
	fd  int
	seq uint32
}

// Open opens a sock_diag socket in the calling thread's namespace.
func Open() (*Conn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return nil, fmt.Errorf("sock_diag: open a netlink socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("sock_diag: bind: %w", err)
	}
	return &Conn{fd: fd}, nil
}

// Close closes the socket.
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fd < 0 {
		return nil
	}
	err := unix.Close(c.fd)
	c.fd = -1
	return err
}

// Dump returns every TCP socket of the namespace of the given family
// (unix.AF_INET or unix.AF_INET6). An IPv6 dump where IPv6 is disabled
// returns nothing.
func (c *Conn) Dump(family uint8) ([]Socket, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fd < 0 {
		return nil, fmt.Errorf("sock_diag: %w", unix.EBADF)
	}
	c.seq++
	seq := c.seq
	req := make([]byte, unix.NLMSG_HDRLEN+inetDiagReqV2Len)
	ne := binary.NativeEndian
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], unix.SOCK_DIAG_BY_FAMILY)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:], seq)
	r := req[unix.NLMSG_HDRLEN:]
	r[0] = family
	r[1] = unix.IPPROTO_TCP
	r[2] = 1 << (inetDiagSKMemInfo - 1)
	ne.PutUint32(r[4:], allStates)
	if err := unix.Sendto(c.fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, fmt.Errorf("sock_diag: send the request: %w", err)
	}
	var out []Socket
	buf := make([]byte, recvBuf)
	for {
		n, _, err := unix.Recvfrom(c.fd, buf, 0)
		if err != nil {
			return nil, fmt.Errorf("sock_diag: read the answer: %w", err)
		}
		for b := buf[:n]; len(b) >= unix.NLMSG_HDRLEN; {
			l := int(ne.Uint32(b[0:4]))
			if l < unix.NLMSG_HDRLEN || l > len(b) {
				return nil, fmt.Errorf("sock_diag: bad message length %d", l)
			}
			typ, mseq, data := ne.Uint16(b[4:6]), ne.Uint32(b[8:12]), b[unix.NLMSG_HDRLEN:l]
			b = b[min((l+unix.NLMSG_ALIGNTO-1)&^(unix.NLMSG_ALIGNTO-1), len(b)):]
			if mseq != seq {
				continue // the end of an older dump
			}
			switch typ {
			case unix.NLMSG_DONE:
				return out, nil
			case unix.NLMSG_ERROR:
				if len(data) >= 4 {
					if code := unix.Errno(-int32(ne.Uint32(data))); code != 0 {
						if family == unix.AF_INET6 && code == unix.ENOENT {
							return out, nil // IPv6 disabled
						}
						return nil, fmt.Errorf("sock_diag: %w", code)
					}
				}
				return out, nil
			case unix.SOCK_DIAG_BY_FAMILY:
				if s, ok := parseMsg(data); ok {
					out = append(out, s)
				}
			}
		}
	}
}

// Dump returns every TCP socket, IPv4 and IPv6, of the calling thread's
// namespace.
func Dump() ([]Socket, error) {
	c, err := Open()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var out []Socket
	for _, family := range []uint8{unix.AF_INET, unix.AF_INET6} {
		socks, err := c.Dump(family)
		if err != nil {
			return nil, err
		}
		out = append(out, socks...)
	}
	return out, nil
}

// parseMsg reads one inet_diag_msg and its SKMEMINFO attribute; ports and
// addresses are in network byte order.
func parseMsg(b []byte) (Socket, bool) {
	if len(b) < inetDiagMsgLen {
		return Socket{}, false
	}
	family, state, timer := b[0], b[1], b[2]
	id := b[4:52]
	be := binary.BigEndian
	addr := func(raw []byte) netip.Addr {
		if family == unix.AF_INET {
			return netip.AddrFrom4([4]byte(raw[:4]))
		}
		return netip.AddrFrom16([16]byte(raw[:16])).Unmap()
	}
	s := Socket{
		Local:  netip.AddrPortFrom(addr(id[4:20]), be.Uint16(id[0:2])),
		Remote: netip.AddrPortFrom(addr(id[20:36]), be.Uint16(id[2:4])),
		State:  state,
		UID:    binary.NativeEndian.Uint32(b[64:]),
		Inode:  uint64(binary.NativeEndian.Uint32(b[68:])),
	}
	if timer == timerTimeWait {
		s.TimeWaitLeft = time.Duration(binary.NativeEndian.Uint32(b[52:])) * time.Millisecond
	}
	for a := b[inetDiagMsgLen:]; len(a) >= unix.SizeofRtAttr; {
		l := int(binary.NativeEndian.Uint16(a[0:2]))
		typ := binary.NativeEndian.Uint16(a[2:4])
		if l < unix.SizeofRtAttr || l > len(a) {
			break
		}
		if typ == inetDiagSKMemInfo && l >= unix.SizeofRtAttr+4*(skMemInfoBacklog+1) {
			s.Backlog = binary.NativeEndian.Uint32(a[unix.SizeofRtAttr+4*skMemInfoBacklog:])
		}
		a = a[min((l+unix.RTA_ALIGNTO-1)&^(unix.RTA_ALIGNTO-1), len(a)):]
	}
	return s, true
}
