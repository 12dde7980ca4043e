package main

import (
	"bufio"
	"encoding/binary"
	"io"
	"time"
)

// Scan capture layout: one scanner probing every port of a range of
// targets with a bare SYN, nothing answering (a SYN scan of filtered
// hosts), scanGapMicros apart.
const (
	scanGapMicros = 20
	scanPorts     = 65535
	scanFrameLen  = 14 + 20 + 20
	scanSrcPort   = 40000
	scanSrcHost   = 0x0a630001 // 10.99.0.1
	scanDstBase   = 0x0a140000 // 10.20.0.0: targets 10.20.0.1, .2, ...
)

// scanStart is the capture time of the first probe.
var scanStart = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

// writeScan writes a classic pcap (Ethernet, microseconds) of n SYN
// probes and returns the number of packets.
func writeScan(w io.Writer, n int) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	le, be := binary.LittleEndian, binary.BigEndian
	var hdr [24]byte
	le.PutUint32(hdr[0:], 0xa1b2c3d4)
	le.PutUint16(hdr[4:], 2)
	le.PutUint16(hdr[6:], 4)
	le.PutUint32(hdr[16:], 262144)
	le.PutUint32(hdr[20:], 1)
	if _, err := bw.Write(hdr[:]); err != nil {
		return 0, err
	}
	var rec [16 + scanFrameLen]byte
	f := rec[16:]
	copy(f[0:6], []byte{2, 0, 0, 0, 0, 2})
	copy(f[6:12], []byte{2, 0, 0, 0, 0, 1})
	be.PutUint16(f[12:], 0x0800)
	ip := f[14:34]
	ip[0], ip[8], ip[9] = 0x45, 64, 6
	be.PutUint16(ip[2:], 40)
	be.PutUint32(ip[12:], scanSrcHost)
	tcp := f[34:54]
	be.PutUint16(tcp[0:], scanSrcPort)
	tcp[12], tcp[13] = 5<<4, 0x02 // data offset 5, SYN
	be.PutUint16(tcp[14:], 1024)
	for i := range n {
		ts := scanStart.Add(time.Duration(i*scanGapMicros) * time.Microsecond)
		le.PutUint32(rec[0:], uint32(ts.Unix()))
		le.PutUint32(rec[4:], uint32(ts.Nanosecond()/1000))
		le.PutUint32(rec[8:], scanFrameLen)
		le.PutUint32(rec[12:], scanFrameLen)
		be.PutUint16(ip[4:], uint16(i))
		be.PutUint32(ip[16:], scanDstBase+1+uint32(i/scanPorts))
		be.PutUint16(ip[10:], 0)
		be.PutUint16(ip[10:], ipChecksum(ip))
		be.PutUint16(tcp[2:], uint16(1+i%scanPorts))
		be.PutUint32(tcp[4:], uint32(i)*2654435761)
		if _, err := bw.Write(rec[:]); err != nil {
			return i, err
		}
	}
	return n, bw.Flush()
}

// ipChecksum is the IPv4 header checksum (RFC 791).
func ipChecksum(h []byte) uint16 {
	var sum uint32
	for i := 0; i < len(h); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(h[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}
