package synth

import (
	"bufio"
	"encoding/binary"
	"time"
)

// Classic pcap file constants (little-endian, microsecond resolution).
const (
	pcapMagic        = 0xa1b2c3d4
	pcapVersionMajor = 2
	pcapVersionMinor = 4
	pcapSnapLen      = 262144
	linkTypeEthernet = 1
	pcapHeaderLen    = 24
	recordHeaderLen  = 16
)

// Frame layout.
const (
	ethernetLen   = 14
	etherTypeIPv4 = 0x0800
	etherTypeIPv6 = 0x86dd
	ipv4HeaderLen = 20
	ipv6HeaderLen = 40
	ipProtoTCP    = 6
	ipv4FlagDF    = 0x4000
	ttl           = 64
	tcpHeaderLen  = 20
	tcpSYNOptLen  = 20 // MSS, SACK-permitted, timestamps, NOP, window scale
	tcpOptLen     = 12 // NOP, NOP, timestamps
	maxFrameLen   = ethernetLen + ipv6HeaderLen + tcpHeaderLen + tcpSYNOptLen + MaxPayload
)

// TCP option kinds.
const (
	optNOP       = 1
	optMSS       = 2
	optWScale    = 3
	optSACKPerm  = 4
	optTimestamp = 8
)

// writeFileHeader writes the pcap global header.
func writeFileHeader(w *bufio.Writer) error {
	var h [pcapHeaderLen]byte
	le := binary.LittleEndian
	le.PutUint32(h[0:], pcapMagic)
	le.PutUint16(h[4:], pcapVersionMajor)
	le.PutUint16(h[6:], pcapVersionMinor)
	le.PutUint32(h[16:], pcapSnapLen)
	le.PutUint32(h[20:], linkTypeEthernet)
	_, err := w.Write(h[:])
	return err
}

// writeRecord writes one packet record stamped start+micros.
func writeRecord(w *bufio.Writer, start time.Time, micros int64, frame []byte) error {
	ts := start.Add(time.Duration(micros) * time.Microsecond)
	var h [recordHeaderLen]byte
	le := binary.LittleEndian
	le.PutUint32(h[0:], uint32(ts.Unix()))
	le.PutUint32(h[4:], uint32(ts.Nanosecond()/int(time.Microsecond)))
	le.PutUint32(h[8:], uint32(len(frame)))
	le.PutUint32(h[12:], uint32(len(frame)))
	if _, err := w.Write(h[:]); err != nil {
		return err
	}
	_, err := w.Write(frame)
	return err
}

// frameWriter serializes segments into one reused buffer.
type frameWriter struct {
	ipv6 bool
	buf  [maxFrameLen]byte
}

// build returns the Ethernet frame of s, valid until the next call.
func (f *frameWriter) build(c *conn, s segment) []byte {
	be := binary.BigEndian
	b := f.buf[:]
	mac(b[0:6], s.dst)
	mac(b[6:12], s.src)
	ipLen := ipv4HeaderLen
	if f.ipv6 {
		ipLen = ipv6HeaderLen
		be.PutUint16(b[12:], etherTypeIPv6)
	} else {
		be.PutUint16(b[12:], etherTypeIPv4)
	}
	tcp := b[ethernetLen+ipLen:]
	mss := uint16(mss4)
	if f.ipv6 {
		mss = mss6
	}
	tcpLen := writeTCP(tcp, s, mss)
	ip := b[ethernetLen : ethernetLen+ipLen]
	var pseudo uint32
	if f.ipv6 {
		pseudo = writeIPv6(ip, s, tcpLen)
	} else {
		pseudo = writeIPv4(ip, s, tcpLen)
	}
	be.PutUint16(tcp[16:], ^fold(sum(tcp[:tcpLen], pseudo)))
	return b[:ethernetLen+ipLen+tcpLen]
}

// mac writes a locally administered MAC address derived from e.
func mac(b []byte, e *endpoint) {
	b[0] = 0x02
	if e.client {
		b[1] = 0xc1
	} else {
		b[1] = 0x5e
	}
	binary.BigEndian.PutUint32(b[2:], e.host)
}

// writeTCP writes the TCP header (announcing mss in a SYN) and payload of s
// into b and returns its length.
func writeTCP(b []byte, s segment, mss uint16) int {
	be := binary.BigEndian
	be.PutUint16(b[0:], s.src.port)
	be.PutUint16(b[2:], s.dst.port)
	be.PutUint32(b[4:], s.seq)
	be.PutUint32(b[8:], s.ack)
	optLen := tcpOptLen
	if s.syn {
		optLen = tcpSYNOptLen
	}
	hdrLen := tcpHeaderLen + optLen
	b[12] = byte(hdrLen/4) << 4
	b[13] = s.flags
	be.PutUint16(b[14:], s.window)
	be.PutUint16(b[16:], 0) // checksum, filled in by the caller
	be.PutUint16(b[18:], 0) // urgent pointer
	o := b[tcpHeaderLen:hdrLen]
	if s.syn {
		o[0], o[1] = optMSS, 4
		be.PutUint16(o[2:], mss)
		o[4], o[5] = optSACKPerm, 2
		writeTimestamps(o[6:16], s)
		o[16], o[17], o[18], o[19] = optNOP, optWScale, 3, windowScale
	} else {
		o[0], o[1] = optNOP, optNOP
		writeTimestamps(o[2:12], s)
	}
	copy(b[hdrLen:], s.payload)
	return hdrLen + len(s.payload)
}

func writeTimestamps(o []byte, s segment) {
	o[0], o[1] = optTimestamp, 10
	binary.BigEndian.PutUint32(o[2:], s.tsval)
	binary.BigEndian.PutUint32(o[6:], s.tsecr)
}

// ipv4 returns e's IPv4 address.
func (e *endpoint) ipv4() uint32 {
	if e.client {
		return (10<<24 | 16<<16) + 1 + e.host // 10.16.0.1 .. 10.31.255.254
	}
	return 10<<24 | e.host // 10.0.0.1 .. 10.0.0.16
}

// writeIPv4 writes the IPv4 header of s and returns the TCP pseudo-header sum.
func writeIPv4(b []byte, s segment, tcpLen int) uint32 {
	be := binary.BigEndian
	b[0] = 4<<4 | ipv4HeaderLen/4
	b[1] = 0
	be.PutUint16(b[2:], uint16(ipv4HeaderLen+tcpLen))
	be.PutUint16(b[4:], s.src.ipID)
	s.src.ipID++
	be.PutUint16(b[6:], ipv4FlagDF)
	b[8] = ttl
	b[9] = ipProtoTCP
	be.PutUint16(b[10:], 0)
	be.PutUint32(b[12:], s.src.ipv4())
	be.PutUint32(b[16:], s.dst.ipv4())
	be.PutUint16(b[10:], ^fold(sum(b[:ipv4HeaderLen], 0)))
	return sum(b[12:20], ipProtoTCP+uint32(tcpLen))
}

// writeIPv6 writes the IPv6 header of s and returns the TCP pseudo-header sum.
func writeIPv6(b []byte, s segment, tcpLen int) uint32 {
	be := binary.BigEndian
	be.PutUint32(b[0:], 6<<28)
	be.PutUint16(b[4:], uint16(tcpLen))
	b[6] = ipProtoTCP
	b[7] = ttl
	ipv6(b[8:24], s.src)
	ipv6(b[24:40], s.dst)
	return sum(b[8:40], ipProtoTCP+uint32(tcpLen))
}

// ipv6 writes e's address: clients 2001:db8:1::/48, servers 2001:db8::1..16.
func ipv6(b []byte, e *endpoint) {
	clear(b)
	b[0], b[1], b[2], b[3] = 0x20, 0x01, 0x0d, 0xb8
	if e.client {
		b[5] = 1
	}
	binary.BigEndian.PutUint32(b[12:], e.ipv4()&^(0xff<<24))
}

// sum adds b as big-endian 16-bit words to acc (RFC 1071), unfolded.
func sum(b []byte, acc uint32) uint32 {
	a := uint64(acc)
	for len(b) >= 8 {
		a += uint64(binary.BigEndian.Uint32(b)) + uint64(binary.BigEndian.Uint32(b[4:]))
		b = b[8:]
	}
	for len(b) >= 2 {
		a += uint64(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		a += uint64(b[0]) << 8
	}
	for a>>32 != 0 {
		a = a&0xffffffff + a>>32
	}
	return uint32(a)
}

// fold folds a 32-bit one's-complement sum into 16 bits.
func fold(a uint32) uint16 {
	for a>>16 != 0 {
		a = a&0xffff + a>>16
	}
	return uint16(a)
}
