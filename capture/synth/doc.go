// Package synth writes a synthetic benchmark capture: many short HTTP/1.1
// keep-alive connections over TCP, interleaved as a busy server would see
// them, in a classic pcap file.
//
// Each connection is a three-way handshake (the SYN carries MSS, window
// scale, SACK-permitted and timestamp options), Exchanges request/response
// exchanges (client PSH,ACK request; server ACK; server PSH,ACK response;
// client ACK) and a four-way close started by the client. Every ACK
// acknowledges exactly the bytes sent, nothing is lost, retransmitted or
// reordered, and IPv4 header and TCP checksums are correct, so Wireshark's
// TCP analysis flags nothing.
//
// Contracts:
//   - Write is a pure function of its Config: the same Config (including
//     Seed and Start) gives the same bytes. It reads no clock and keeps no
//     package-level state, so calls may run concurrently.
//   - Addresses exist only inside the file (clients in 10.16.0.0/12 or
//     2001:db8:1::/48, servers 10.0.0.1..N:80 or 2001:db8::1..N); nothing is
//     sent anywhere.
//   - Write buffers its output and flushes it before returning; the caller
//     owns and closes w.
//
// synth imports none of this module's packages; it is used by cmd/synthcap
// and by benchmarks.
package synth
