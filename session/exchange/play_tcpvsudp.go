package exchange

import (
	"context"
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// playTCPvsUDP: the same messages twice to one port number, first over
// TCP (the loop: handshake, each message acknowledged and echoed, the
// four-way close), then over UDP (the datagrams and nothing else). TCP
// and UDP ports are separate name spaces: both sockets bind the number.
func playTCPvsUDP(ctx context.Context, r *Run) error {
	if err := playLoop(ctx, r); err != nil {
		return fmt.Errorf("over TCP: %w", err)
	}
	if err := playUDP(ctx, r); err != nil {
		return fmt.Errorf("over UDP: %w", err)
	}
	return nil
}

// sigTCPvsUDP: the loop's signature for the TCP segments, the udp
// scenario's for the datagrams, all of the UDP after the TCP connection
// ended, both to the same server port.
func sigTCPvsUDP(tr Trace) error {
	if err := sigLoop(tr); err != nil {
		return fmt.Errorf("TCP: %w", err)
	}
	if err := udpSignature(tr); err != nil {
		return fmt.Errorf("UDP: %w", err)
	}
	segs, dgs := tr.Segments(), tr.Datagrams()
	if dgs[0].Seg.DstPort != segs[0].Seg.DstPort {
		return fmt.Errorf("UDP to port %d, TCP to port %d: want the same number", dgs[0].Seg.DstPort, segs[0].Seg.DstPort)
	}
	lastSeg := -1
	for i, ev := range tr.Events {
		if ev.Kind == session.KindSegment {
			lastSeg = i
		}
	}
	if first := tr.Index(-1, func(ev *session.Event) bool { return ev.Kind == session.KindDatagram }); first < lastSeg {
		return fmt.Errorf("a datagram (event %d) before the TCP connection ended (event %d)", first, lastSeg)
	}
	if dgs[0].Seg.Proto != capture.ProtoUDP {
		return fmt.Errorf("the datagrams are not UDP")
	}
	return nil
}
