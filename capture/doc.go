// Package capture brings packets in and turns them into compact Segments.
//
// It owns every packet source (a live AF_PACKET socket on an interface, a
// pcap or pcapng file, possibly gzip-compressed, or a capture streamed on
// stdin) behind one narrow interface, Source, and the decoder that turns a
// raw frame into a Segment: link layers with a gopacket DecodingLayerParser,
// IP, TCP, UDP and the tunnels VXLAN, Geneve and GRE by hand. Decode returns
// a DecodeResult: whether a Segment came out, whether the frame is an IP
// fragment held for reassembly, the lossy wire's verdict, and a per-frame
// DecodeWarning (frame number, what is wrong) when a header lies.
//
// Contracts:
//   - A Source is read from one goroutine. The Data of a RawPacket is valid
//     only until the next call to Next: copy what you keep.
//   - Next returns io.EOF at the clean end of the input, and a *DamageError
//     (test with errors.As) when the input is damaged: every packet returned
//     before it is good, nothing after it is read.
//   - A Segment holds no reference to the packet buffer; it may be retained.
//   - Decoder is not safe for concurrent use; make one per goroutine. It
//     holds the IP fragments pending (a copy of each datagram's first 256
//     bytes and the ranges received; at most 1024 datagrams, 30 s of
//     capture time for IPv4 and 60 s for IPv6): feed one Decoder the
//     frames of one source, in order.
//   - Detail (the layer and byte breakdown of one packet for the UI) uses
//     gopacket.NewPacket and allocates: call it for the selected packet only.
//
// A live capture reads Ethernet and loopback interfaces with their link
// header, and AnyInterface and other links cooked (Linux SLL2); its kernel
// program is a capture/filter expression compiled for what the socket
// sees, or a port.
//
// capture imports only capture/filter of this module's packages (which
// imports none).
package capture
