package exchange

import (
	"fmt"
)

// The ipv6 scenario is the loop (playLoop) on ::1: the same exchange and
// the same states; only the addresses and the headers differ (40-byte
// IPv6 header, no IP checksum, no fragmentation by routers).

// sigIPv6: the loop's signature, every segment between IPv6 addresses.
func sigIPv6(tr Trace) error {
	if err := sigLoop(tr); err != nil {
		return err
	}
	for i, ev := range tr.Segments() {
		if !ev.Seg.Src.Is6() || ev.Seg.Src.Is4In6() || !ev.Seg.Dst.Is6() {
			return fmt.Errorf("segment %d is %v -> %v, want IPv6 addresses", i+1, ev.Seg.Src, ev.Seg.Dst)
		}
	}
	if !tr.Server.Addr().Is6() {
		return fmt.Errorf("the server is %v, want an IPv6 address", tr.Server)
	}
	return nil
}
