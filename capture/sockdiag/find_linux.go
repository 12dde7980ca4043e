//go:build linux

package sockdiag

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// Find asks for the one TCP socket whose local end is local and remote
// end remote (a request without NLM_F_DUMP: the kernel looks it up in its
// hash tables, microseconds, where a dump walks them all). ok is false
// when there is none. The kernel falls back to a listener on the local
// port; that is not the connection's socket and is not returned.
func (c *Conn) Find(local, remote netip.AddrPort) (s Socket, ok bool, err error) {
	local, remote = unmapEnd(local), unmapEnd(remote)
	family := uint8(unix.AF_INET)
	if local.Addr().Is6() {
		family = unix.AF_INET6
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fd < 0 {
		return Socket{}, false, fmt.Errorf("sock_diag: %w", unix.EBADF)
	}
	c.seq++
	seq := c.seq
	req := make([]byte, unix.NLMSG_HDRLEN+inetDiagReqV2Len)
	ne := binary.NativeEndian
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], unix.SOCK_DIAG_BY_FAMILY)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST)
	ne.PutUint32(req[8:], seq)
	r := req[unix.NLMSG_HDRLEN:]
	r[0], r[1] = family, unix.IPPROTO_TCP
	ne.PutUint32(r[4:], allStates)
	id := r[8:56]
	binary.BigEndian.PutUint16(id[0:], local.Port())
	binary.BigEndian.PutUint16(id[2:], remote.Port())
	putAddr(id[4:20], local.Addr())
	putAddr(id[20:36], remote.Addr())
	ne.PutUint32(id[40:], ^uint32(0)) // INET_DIAG_NOCOOKIE
	ne.PutUint32(id[44:], ^uint32(0))
	if err := unix.Sendto(c.fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return Socket{}, false, fmt.Errorf("sock_diag: send the request: %w", err)
	}
	buf := make([]byte, findBuf)
	for {
		n, _, err := unix.Recvfrom(c.fd, buf, 0)
		if err != nil {
			return Socket{}, false, fmt.Errorf("sock_diag: read the answer: %w", err)
		}
		for b := buf[:n]; len(b) >= unix.NLMSG_HDRLEN; {
			l := int(ne.Uint32(b[0:4]))
			if l < unix.NLMSG_HDRLEN || l > len(b) {
				return Socket{}, false, fmt.Errorf("sock_diag: bad message length %d", l)
			}
			typ, mseq, data := ne.Uint16(b[4:6]), ne.Uint32(b[8:12]), b[unix.NLMSG_HDRLEN:l]
			b = b[min((l+unix.NLMSG_ALIGNTO-1)&^(unix.NLMSG_ALIGNTO-1), len(b)):]
			if mseq != seq {
				continue // the end of an older request
			}
			switch typ {
			case unix.NLMSG_ERROR:
				return Socket{}, false, nil // ENOENT: no such socket
			case unix.SOCK_DIAG_BY_FAMILY:
				s, ok := parseMsg(data)
				if !ok || s.Remote.Port() != remote.Port() || s.State == Listen {
					return Socket{}, false, nil
				}
				return s, true, nil
			}
		}
	}
}

// findBuf holds the answer to Find: one inet_diag_msg (or an error).
const findBuf = 4096

// putAddr writes an address as inet_diag_sockid holds it: IPv4 in the
// first word, IPv6 whole, both in network order.
func putAddr(b []byte, a netip.Addr) {
	if a.Is4() {
		v := a.As4()
		copy(b, v[:])
		return
	}
	v := a.As16()
	copy(b, v[:])
}

// unmapEnd turns an IPv4-mapped IPv6 end into IPv4, as the kernel hashes
// a dual-stack socket's IPv4 connections.
func unmapEnd(a netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(a.Addr().Unmap(), a.Port())
}
