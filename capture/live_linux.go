//go:build linux

package capture

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/endian"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// LiveSource captures packets from a network interface through an AF_PACKET
// socket with a kernel filter. It implements Source.
//
// Next is called from one goroutine; Stats, ReceiveBuffer and Close may be
// called from any goroutine. Close makes a blocked Next return io.EOF.
type LiveSource struct {
	sock   *packetSocket
	name   string
	link   layers.LinkType // LinkTypeEthernet, or LinkTypeLinuxSLL2 when cooked
	frame  uint64          // frames handed out; owned by the Next goroutine
	closed atomic.Bool

	mu    sync.Mutex // guards stats
	stats LiveStats
}

// OpenLive opens a capture on cfg.Interface keeping only what cfg.Filter
// accepts, or else TCP and UDP with cfg.Port. On a loopback interface the
// outgoing copy of every packet is dropped by the filter, so each packet is
// returned once; on other interfaces the outgoing copy is the only one and
// is kept. Ethernet and loopback interfaces are read with their link
// header; AnyInterface and other link types (tun, WireGuard, …) are read
// cooked, as Linux SLL2 frames. The capture is armed when OpenLive
// returns: the first packet Next returns was sent after that and matches
// the filter.
func OpenLive(cfg LiveConfig) (*LiveSource, error) {
	if cfg.Interface == "" {
		return nil, errors.New("live capture: no interface given (use lo for the loopback demo)")
	}
	snap, buffer, err := cfg.sizes()
	if err != nil {
		return nil, fmt.Errorf("live capture on %s: %w", cfg.Interface, err)
	}
	intf, err := resolveInterface(cfg.Interface)
	if err != nil {
		return nil, err
	}
	if !HasCapNetRaw() {
		return nil, fmt.Errorf("capture on %s: %w (%s)", cfg.Interface, os.ErrPermission, capNetRawHint)
	}
	prog, err := liveFilter(cfg, intf)
	if err != nil {
		return nil, fmt.Errorf("live capture on %s: %w", cfg.Interface, err)
	}
	sock, err := openPacketSocket(intf, prog, snap, buffer)
	if err != nil {
		if errors.Is(err, unix.EPERM) {
			return nil, fmt.Errorf("capture on %s: %w (%s)", cfg.Interface, os.ErrPermission, capNetRawHint)
		}
		return nil, fmt.Errorf("live capture on %s: %w", cfg.Interface, err)
	}
	link := layers.LinkTypeEthernet
	if intf.cooked {
		link = layers.LinkTypeLinuxSLL2
	}
	// Best effort (stamps_linux.go): the capture works without it, but
	// its first packets could be stamped after the calls they caused.
	_ = waitStamped()
	return &LiveSource{sock: sock, name: cfg.Interface, link: link}, nil
}

// Next returns the next captured packet. Data is valid until the next call.
// After Close it returns io.EOF.
func (s *LiveSource) Next() (RawPacket, error) {
	ci, err := s.sock.read()
	if err != nil {
		if s.closed.Load() {
			return RawPacket{}, io.EOF
		}
		return RawPacket{}, fmt.Errorf("live capture on %s: %w", s.name, err)
	}
	s.frame++
	return RawPacket{Data: s.sock.buf[:ci.CaptureLength], Info: ci, LinkType: s.link, Frame: s.frame, Offset: -1}, nil
}

// Info describes the capture: the interface name, format "live".
func (s *LiveSource) Info() SourceInfo {
	return SourceInfo{
		Name:      s.name,
		Format:    "live",
		Size:      -1,
		LinkTypes: []string{LinkTypeName(s.link)},
	}
}

// LinkType is the link type of every frame Next returns: Ethernet, or
// Linux SLL2 for a cooked capture (AnyInterface, non-Ethernet links).
func (s *LiveSource) LinkType() layers.LinkType { return s.link }

// BytesRead is 0: a live source has no input size.
func (s *LiveSource) BytesRead() int64 { return 0 }

// Stats returns the kernel's cumulative counters since the capture was
// armed. The kernel resets its counters on every read, so they are summed
// here.
func (s *LiveSource) Stats() (LiveStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.sock.stats()
	if err != nil {
		return s.stats, fmt.Errorf("live capture statistics on %s: %w", s.name, err)
	}
	s.stats.Packets += uint64(st.Packets)
	s.stats.Drops += uint64(st.Drops)
	return s.stats, nil
}

// ReceiveBuffer returns the bytes the kernel may hold queued for the
// capture, as it accounts them: Linux doubles the size asked for to cover
// its bookkeeping, so this is about twice LiveConfig.BufferSize when the
// size was granted, and less when it was capped (see LiveConfig.BufferSize).
func (s *LiveSource) ReceiveBuffer() (int, error) {
	n, err := s.sock.receiveBuffer()
	if err != nil {
		return 0, fmt.Errorf("live capture buffer size on %s: %w", s.name, err)
	}
	return n, nil
}

// Close closes the socket; a Next blocked in another goroutine returns
// io.EOF. Closing twice is harmless.
func (s *LiveSource) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if err := s.sock.file.Close(); err != nil {
		return fmt.Errorf("close live capture on %s: %w", s.name, err)
	}
	return nil
}

// Sizes of the socket control messages a packet arrives with.
var (
	cmsgHeaderLen = unix.CmsgSpace(0)
	auxdataLen    = unix.CmsgSpace(int(unsafe.Sizeof(unix.TpacketAuxdata{})))
	timestampLen  = unix.CmsgSpace(int(unsafe.Sizeof(unix.Timespec{})))
)

// vlanIDMask selects the VLAN id from an 802.1Q tag control field.
const vlanIDMask = 0xfff

// packetSocket is an AF_PACKET socket bound to one interface, read through
// the runtime's poller so that closing the file unblocks a read.
type packetSocket struct {
	file   *os.File
	conn   syscall.RawConn
	cooked bool // SOCK_DGRAM: buf starts with an SLL2 header made from the sender address
	from   unix.RawSockaddrLinklayer
	buf    []byte    // packet data of the last read
	oob    []byte    // control messages of the last read
	ancil  []any     // AncillaryData of the last read: the VLAN id
	last   time.Time // timestamp of the previous packet
}

// openPacketSocket opens a packet socket on intf with filter attached,
// keeping snap bytes of each packet and queueing up to buffer bytes. The
// socket is created listening to no protocol, so nothing is queued before
// the filter and the buffer size are set; bind then arms it.
func openPacketSocket(intf liveInterface, filter []bpf.RawInstruction, snap, buffer int) (*packetSocket, error) {
	typ := unix.SOCK_RAW
	if intf.cooked {
		typ = unix.SOCK_DGRAM
	}
	fd, err := unix.Socket(unix.AF_PACKET, typ|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open packet socket: %w", err)
	}
	if err := setupPacketSocket(fd, intf.index, filter, buffer); err != nil {
		unix.Close(fd)
		return nil, err
	}
	file := os.NewFile(uintptr(fd), "packet socket")
	conn, err := file.SyscallConn()
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("packet socket: %w", err)
	}
	if intf.cooked {
		snap += sll2HeaderLen
	}
	return &packetSocket{
		file:   file,
		conn:   conn,
		cooked: intf.cooked,
		buf:    make([]byte, snap),
		oob:    make([]byte, auxdataLen+timestampLen),
		ancil:  make([]any, 1),
	}, nil
}

// setupPacketSocket sets the options of a fresh packet socket and binds it.
func setupPacketSocket(fd, ifindex int, filter []bpf.RawInstruction, buffer int) error {
	prog := make([]unix.SockFilter, len(filter))
	for i, ins := range filter {
		prog[i] = unix.SockFilter{Code: ins.Op, Jt: ins.Jt, Jf: ins.Jf, K: ins.K}
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fprog); err != nil {
		return fmt.Errorf("attach filter: %w", err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_AUXDATA, 1); err != nil {
		return fmt.Errorf("ask for packet lengths (PACKET_AUXDATA): %w", err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
		return fmt.Errorf("ask for timestamps (SO_TIMESTAMPNS): %w", err)
	}
	// SO_RCVBUFFORCE passes net.core.rmem_max but needs CAP_NET_ADMIN;
	// without it SO_RCVBUF gets what the system allows.
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, buffer); err != nil {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, buffer); err != nil {
			return fmt.Errorf("set receive buffer to %d bytes: %w", buffer, err)
		}
	}
	addr := unix.SockaddrLinklayer{Protocol: endian.Htons(unix.ETH_P_ALL), Ifindex: ifindex}
	if err := unix.Bind(fd, &addr); err != nil {
		return fmt.Errorf("bind to interface %d: %w", ifindex, err)
	}
	return nil
}

// read receives one packet into buf, blocking until one arrives or the
// file is closed.
func (p *packetSocket) read() (gopacket.CaptureInfo, error) {
	var msg unix.Msghdr
	var iov unix.Iovec
	head := 0
	if p.cooked {
		head = sll2HeaderLen
		msg.Name = (*byte)(unsafe.Pointer(&p.from))
		msg.Namelen = uint32(unsafe.Sizeof(p.from))
	}
	iov.Base = &p.buf[head]
	iov.SetLen(len(p.buf) - head)
	msg.Iov = &iov
	msg.Iovlen = 1
	msg.Control = &p.oob[0]
	msg.SetControllen(len(p.oob))

	var n uintptr
	var errno syscall.Errno
	err := p.conn.Read(func(fd uintptr) bool {
		// MSG_TRUNC returns the packet's length even when buf is shorter.
		n, _, errno = syscall.Syscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&msg)), unix.MSG_TRUNC)
		return errno != syscall.EAGAIN
	})
	if err != nil {
		return gopacket.CaptureInfo{}, err
	}
	if errno != 0 {
		return gopacket.CaptureInfo{}, fmt.Errorf("receive packet: %w", errno)
	}
	ci := gopacket.CaptureInfo{CaptureLength: min(int(n), len(p.buf)-head), Length: int(n)}
	p.parseControl(p.oob[:msg.Controllen], &ci)
	if p.cooked {
		putSLL2(p.buf[:sll2HeaderLen], &p.from)
		ci.CaptureLength += sll2HeaderLen
		ci.Length += sll2HeaderLen
	}
	if ci.Timestamp.IsZero() {
		ci.Timestamp = time.Now()
	}
	// The socket delivers packets in the order the kernel received them,
	// but a loopback skb can carry the time its sender stamped on it (TCP's
	// departure time) instead of its arrival: an ACK may then appear to
	// precede the data it acknowledges by tens of microseconds. Keep the
	// delivery order and never let time run backwards.
	if ci.Timestamp.Before(p.last) {
		ci.Timestamp = p.last
	}
	p.last = ci.Timestamp
	return ci, nil
}

// parseControl fills ci from the control messages of a read: the length on
// the wire and VLAN tag from PACKET_AUXDATA, the kernel's timestamp. It
// does not allocate.
func (p *packetSocket) parseControl(oob []byte, ci *gopacket.CaptureInfo) {
	for len(oob) > cmsgHeaderLen {
		hdr := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
		if int(hdr.Len) < cmsgHeaderLen {
			return
		}
		switch {
		case hdr.Level == unix.SOL_PACKET && hdr.Type == unix.PACKET_AUXDATA && len(oob) >= auxdataLen:
			aux := (*unix.TpacketAuxdata)(unsafe.Pointer(&oob[cmsgHeaderLen]))
			ci.Length = int(aux.Len)
			if aux.Status&unix.TP_STATUS_VLAN_VALID != 0 {
				p.ancil[0] = int(aux.Vlan_tci & vlanIDMask)
				ci.AncillaryData = p.ancil
			}
		case hdr.Level == unix.SOL_SOCKET && hdr.Type == unix.SCM_TIMESTAMPNS && len(oob) >= timestampLen:
			ts := (*unix.Timespec)(unsafe.Pointer(&oob[cmsgHeaderLen]))
			ci.Timestamp = time.Unix(int64(ts.Sec), int64(ts.Nsec))
		}
		next := unix.CmsgSpace(int(hdr.Len) - cmsgHeaderLen)
		if next > len(oob) {
			return
		}
		oob = oob[next:]
	}
}

// stats reads and resets the kernel's packet counters.
func (p *packetSocket) stats() (*unix.TpacketStats, error) {
	var st *unix.TpacketStats
	var err error
	if cerr := p.conn.Control(func(fd uintptr) {
		st, err = unix.GetsockoptTpacketStats(int(fd), unix.SOL_PACKET, unix.PACKET_STATISTICS)
	}); cerr != nil {
		return nil, cerr
	}
	return st, err
}

// receiveBuffer returns the kernel's SO_RCVBUF of the socket.
func (p *packetSocket) receiveBuffer() (int, error) {
	var n int
	var err error
	if cerr := p.conn.Control(func(fd uintptr) {
		n, err = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF)
	}); cerr != nil {
		return 0, cerr
	}
	return n, err
}
