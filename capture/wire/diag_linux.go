//go:build linux

package wire

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// sock_diag (linux/inet_diag.h, linux/sock_diag.h): the minimal request
// for every TCP socket of a namespace with its memory info.
// TODO(integrator): session/exchange gets a sock_diag reader too; keep one.
const (
	inetDiagReqV2Len  = 56 // family, protocol, ext, pad, states, inet_diag_sockid (48)
	inetDiagMsgLen    = 72 // family, state, timer, retrans, sockid (48), expires, rqueue, wqueue, uid, inode
	inetDiagSKMemInfo = 7  // INET_DIAG_SKMEMINFO: u32[SK_MEMINFO_VARS]
	skMemInfoBacklog  = 7  // SK_MEMINFO_BACKLOG
	allStates         = 0xffffffff
	diagRecvBuf       = 1 << 16
)

// Sockets returns every TCP socket of end e's namespace (listeners,
// request sockets of handshakes in progress and TIME-WAIT ones included),
// read with sock_diag.
func (w *Wire) Sockets(e End) ([]Socket, error) {
	w.diagMu[e].Lock()
	defer w.diagMu[e].Unlock()
	fd := w.ends[e].diag
	w.diagSeq++
	seq := w.diagSeq
	req := make([]byte, unix.NLMSG_HDRLEN+inetDiagReqV2Len)
	ne := binary.NativeEndian
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], unix.SOCK_DIAG_BY_FAMILY)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:], seq)
	r := req[unix.NLMSG_HDRLEN:]
	r[0] = unix.AF_INET
	r[1] = unix.IPPROTO_TCP
	r[2] = 1 << (inetDiagSKMemInfo - 1)
	ne.PutUint32(r[4:], allStates)
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, fmt.Errorf("sock_diag request in the %s namespace: %w", e, err)
	}
	var out []Socket
	buf := make([]byte, diagRecvBuf)
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			return nil, fmt.Errorf("sock_diag answer in the %s namespace: %w", e, err)
		}
		for b := buf[:n]; len(b) >= unix.NLMSG_HDRLEN; {
			l := int(ne.Uint32(b[0:4]))
			if l < unix.NLMSG_HDRLEN || l > len(b) {
				return nil, fmt.Errorf("sock_diag answer in the %s namespace: bad message length %d", e, l)
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
					if code := int32(ne.Uint32(data)); code != 0 {
						return nil, fmt.Errorf("sock_diag in the %s namespace: %w", e, unix.Errno(-code))
					}
				}
				return out, nil
			case unix.SOCK_DIAG_BY_FAMILY:
				if s, ok := parseDiagMsg(data); ok {
					out = append(out, s)
				}
			}
		}
	}
}

// parseDiagMsg reads one inet_diag_msg and its SKMEMINFO attribute.
func parseDiagMsg(b []byte) (Socket, bool) {
	if len(b) < inetDiagMsgLen {
		return Socket{}, false
	}
	be := binary.BigEndian
	id := b[4:]
	src := netip.AddrFrom4([4]byte(id[4:8]))
	dst := netip.AddrFrom4([4]byte(id[20:24]))
	s := Socket{
		Local:  netip.AddrPortFrom(src, be.Uint16(id[0:2])),
		Remote: netip.AddrPortFrom(dst, be.Uint16(id[2:4])),
		State:  KernelState(b[1]),
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
