package capture

import (
	"errors"
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture/filter"
)

// DefaultSnapLen is the snap length of a live capture when LiveConfig.SnapLen
// is 0: libpcap's maximum, the most a packet socket hands over (segmentation
// offload on loopback merges frames far above the MTU).
const DefaultSnapLen = 262144

// DefaultBufferSize is the kernel receive buffer of a live capture when
// LiveConfig.BufferSize is 0: enough to queue a bulk transfer on loopback
// while the reader catches up, without kernel drops.
const DefaultBufferSize = 32 << 20

// capNetRawHint is the hint appended to every permission error of a live
// capture: what a person can do about it.
const capNetRawHint = "needs CAP_NET_RAW: run with sudo, or `sudo setcap cap_net_raw+ep ./handshake-viz`"

// AnyInterface is the interface name of a capture on every interface at
// once, as tcpdump's -i any: packets come cooked (LinkTypeLinuxSLL2, with
// the interface index and direction of each), since interfaces differ in
// their link layers.
const AnyInterface = "any"

// LiveConfig says what a live capture listens to.
type LiveConfig struct {
	Interface string // network interface, e.g. "lo", or AnyInterface
	Port      uint16 // only TCP and UDP packets with this source or destination port; 0 = all TCP and UDP

	// Filter, when set, replaces Port: the pcap-filter expression is
	// compiled for the capture's link type and attached to the socket, so
	// the kernel drops what it rejects before it is copied.
	Filter  *filter.Expr
	SnapLen int // bytes kept of each packet; 0 = DefaultSnapLen

	// BufferSize is how many bytes of packets the kernel queues for the
	// reader before it drops (Stats counts those drops); 0 =
	// DefaultBufferSize. Loopback sends a bulk transfer as 64 KiB segments
	// faster than they can be read, so a small buffer overflows. With
	// CAP_NET_ADMIN (root) the size is granted as asked; without it the
	// kernel caps it at net.core.rmem_max.
	BufferSize int
}

// sizes returns the snap length and buffer size to use, the defaults for
// zeros.
func (c LiveConfig) sizes() (snap, buffer int, err error) {
	snap, buffer = c.SnapLen, c.BufferSize
	if snap == 0 {
		snap = DefaultSnapLen
	}
	if buffer == 0 {
		buffer = DefaultBufferSize
	}
	if snap < 0 {
		return 0, 0, fmt.Errorf("snap length %d is negative (use 0 for the default %d)", snap, DefaultSnapLen)
	}
	if buffer < 0 {
		return 0, 0, fmt.Errorf("buffer size %d is negative (use 0 for the default %d)", buffer, DefaultBufferSize)
	}
	return snap, buffer, nil
}

// LiveStats are the kernel's cumulative counters of a live capture since it
// was armed: packets that passed the filter, and how many of them the kernel
// dropped because the reader fell behind.
type LiveStats struct {
	Packets uint64
	Drops   uint64
}

// ErrLiveUnsupported is wrapped by OpenLive on systems where live capture is
// not implemented (everything but Linux).
var ErrLiveUnsupported = errors.New("live capture is implemented on Linux only: record with tcpdump or Wireshark and open the file instead")

// Compile-time check that a LiveSource is a Source.
var _ Source = (*LiveSource)(nil)
