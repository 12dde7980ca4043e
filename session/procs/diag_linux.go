//go:build linux

package procs

import (
	"encoding/binary"
	"net/netip"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// diag asks the kernel for one TCP socket by its exact ends over
// NETLINK_SOCK_DIAG (inet_diag, what ss uses): microseconds, where
// reading /proc/net/tcp walks the whole established hash table (tens of
// milliseconds on a machine with a large one).
type diag struct {
	fd  int
	seq uint32
	req [nlmsgHeaderLen + inetDiagReqLen]byte
	buf []byte
}

// Sizes and offsets of the inet_diag messages (linux/inet_diag.h).
const (
	nlmsgHeaderLen = 16
	inetDiagReqLen = 56 // inet_diag_req_v2
	inetDiagMsgLen = 72 // inet_diag_msg
	offMsgInode    = 68 // idiag_inode in inet_diag_msg
	offMsgDport    = 6  // idiag_dport of the id in inet_diag_msg
	offMsgUID      = 64 // idiag_uid in inet_diag_msg
	nlmsgError     = 2
)

func openDiag() (*diag, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return nil, err
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, err
	}
	// A reply never comes late: bound the wait anyway.
	tv := unix.Timeval{Sec: 1}
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	return &diag{fd: fd, buf: make([]byte, 8192)}, nil
}

func (d *diag) close() { unix.Close(d.fd) }

// inode returns the inode of the TCP socket whose local end is local and
// remote end remote; ok is false when there is none (or it has no inode:
// TIME-WAIT, orphaned).
func (d *diag) inode(local, remote netip.AddrPort) (inode uint64, uid uint32, ok bool, err error) {
	family := uint8(unix.AF_INET)
	if local.Addr().Is6() {
		family = unix.AF_INET6
	}
	d.seq++
	r := d.req[:]
	clear(r)
	ne := binary.NativeEndian
	ne.PutUint32(r[0:], uint32(len(r)))
	ne.PutUint16(r[4:], unix.SOCK_DIAG_BY_FAMILY)
	ne.PutUint16(r[6:], unix.NLM_F_REQUEST) // not a dump: the one socket of this id
	ne.PutUint32(r[8:], d.seq)
	q := r[nlmsgHeaderLen:]
	q[0], q[1] = family, unix.IPPROTO_TCP
	ne.PutUint32(q[4:], ^uint32(0)) // every state
	binary.BigEndian.PutUint16(q[8:], local.Port())
	binary.BigEndian.PutUint16(q[10:], remote.Port())
	putAddr(q[12:28], local.Addr())
	putAddr(q[28:44], remote.Addr())
	ne.PutUint32(q[48:], ^uint32(0)) // INET_DIAG_NOCOOKIE
	ne.PutUint32(q[52:], ^uint32(0))
	if err := unix.Sendto(d.fd, r, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0, 0, false, err
	}
	for {
		n, _, err := unix.Recvfrom(d.fd, d.buf, 0)
		if err != nil {
			return 0, 0, false, err
		}
		m := d.buf[:n]
		for len(m) >= nlmsgHeaderLen {
			l := int(ne.Uint32(m[0:]))
			typ, seq := ne.Uint16(m[4:]), ne.Uint32(m[8:])
			if l < nlmsgHeaderLen || l > len(m) {
				return 0, 0, false, unix.EBADMSG
			}
			body := m[nlmsgHeaderLen:l]
			if seq == d.seq {
				switch {
				case typ == nlmsgError:
					return 0, 0, false, nil // ENOENT: no such socket
				case typ == unix.SOCK_DIAG_BY_FAMILY && len(body) >= inetDiagMsgLen:
					// The kernel falls back to a listener on the local
					// port: that is not the connection's socket.
					if binary.BigEndian.Uint16(body[offMsgDport:]) != remote.Port() {
						return 0, 0, false, nil
					}
					ino := uint64(ne.Uint32(body[offMsgInode:]))
					return ino, ne.Uint32(body[offMsgUID:]), ino != 0, nil
				}
			}
			m = m[(l+3)&^3:]
		}
	}
}

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

// ownerUID is the owner of a /proc/PID directory: the process's uid.
func ownerUID(d os.DirEntry) (uint32, bool) {
	fi, err := d.Info()
	if err != nil {
		return 0, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return st.Uid, true
}
