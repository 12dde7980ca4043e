package synth

import (
	"bufio"
	"encoding/binary"
	"io"
	"time"
)

// UDP capture layout (WriteUDP): DNS-like flows, each a query of
// udpQueryLen payload bytes from its own client 4-tuple to 10.0.0.53:53
// and an answer of udpAnswerLen bytes udpAnswerMicros later; a flow
// starts every udpGapMicros, so about 20 flows are open at a time.
const (
	udpGapMicros    = 50
	udpAnswerMicros = 1000
	udpQueryLen     = 40
	udpAnswerLen    = 100
	udpServerHost   = 0x0a000035 // 10.0.0.53
	udpClientBase   = 0x0a620000 // 10.98.0.0: clients 10.98.0.1, .2, ...
	udpClientPorts  = 60000      // client ports 1024..61023 per client host
)

// UDPStart is the capture time of WriteUDP's first datagram.
var UDPStart = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

// WriteUDP writes a classic pcap (Ethernet, IPv4, microseconds) of flows
// DNS-like UDP flows, query and answer, and returns the number of packets
// (2 per flow). The IPv4 header checksums are valid; the UDP checksum is 0
// (none, which IPv4 allows).
func WriteUDP(w io.Writer, flows int) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := writeFileHeader(bw); err != nil {
		return 0, err
	}
	var frame [14 + 20 + 8 + udpAnswerLen]byte
	packets := 0
	// Queries and answers interleave in time: answer i is written when
	// query i+udpAnswerMicros/udpGapMicros is.
	lag := udpAnswerMicros / udpGapMicros
	for i := 0; i < flows+lag; i++ {
		if i < flows {
			f := udpFrame(frame[:], i, false)
			if err := writeRecord(bw, UDPStart, int64(i*udpGapMicros), f); err != nil {
				return packets, err
			}
			packets++
		}
		if j := i - lag; j >= 0 {
			f := udpFrame(frame[:], j, true)
			if err := writeRecord(bw, UDPStart, int64(j*udpGapMicros+udpAnswerMicros), f); err != nil {
				return packets, err
			}
			packets++
		}
	}
	return packets, bw.Flush()
}

// udpFrame builds flow i's query (or answer) in b and returns the frame.
func udpFrame(b []byte, i int, answer bool) []byte {
	be := binary.BigEndian
	client := uint32(udpClientBase + 1 + i/udpClientPorts)
	cport := uint16(1024 + i%udpClientPorts)
	src, dst, sport, dport, n := client, uint32(udpServerHost), cport, uint16(53), udpQueryLen
	if answer {
		src, dst, sport, dport, n = dst, src, dport, sport, udpAnswerLen
	}
	f := b[:14+20+8+n]
	copy(f[0:6], []byte{2, 0, 0, 0, 0, 2})
	copy(f[6:12], []byte{2, 0, 0, 0, 0, 1})
	be.PutUint16(f[12:], 0x0800)
	ip := f[14:34]
	clear(ip)
	ip[0], ip[8], ip[9] = 0x45, 64, 17
	be.PutUint16(ip[2:], uint16(20+8+n))
	be.PutUint16(ip[4:], uint16(i))
	be.PutUint32(ip[12:], src)
	be.PutUint32(ip[16:], dst)
	be.PutUint16(ip[10:], ^fold(sum(ip, 0)))
	udp := f[34:42]
	be.PutUint16(udp[0:], sport)
	be.PutUint16(udp[2:], dport)
	be.PutUint16(udp[4:], uint16(8+n))
	be.PutUint16(udp[6:], 0)
	payload := f[42:]
	be.PutUint16(payload[0:], uint16(i)) // a DNS-like transaction id
	for k := 2; k < len(payload); k++ {
		payload[k] = byte('a' + k%26)
	}
	return f
}
