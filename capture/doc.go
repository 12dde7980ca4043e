// Package capture brings packets in and turns them into compact Segments.
//
// It owns every packet source (a live AF_PACKET socket on an interface, a
// pcap or pcapng file, possibly gzip-compressed, or a capture streamed on
// stdin) behind one narrow interface, Source, and the decoder that turns a
// raw frame into a Segment with a gopacket DecodingLayerParser.
//
// Contracts:
//   - A Source is read from one goroutine. The Data of a RawPacket is valid
//     only until the next call to Next: copy what you keep.
//   - Next returns io.EOF at the clean end of the input, and a *DamageError
//     (test with errors.As) when the input is damaged: every packet returned
//     before it is good, nothing after it is read.
//   - A Segment holds no reference to the packet buffer; it may be retained.
//   - Decoder is not safe for concurrent use; make one per goroutine.
//   - Detail (the layer and byte breakdown of one packet for the UI) uses
//     gopacket.NewPacket and allocates: call it for the selected packet only.
//
// capture imports none of this module's packages.
package capture
