package capture

import "errors"

// DefaultSnapLen is the snap length of a live capture when LiveConfig.SnapLen
// is 0: libpcap's maximum, the most a packet socket hands over (segmentation
// offload on loopback merges frames far above the MTU).
const DefaultSnapLen = 262144

// capNetRawHint is the hint appended to every permission error of a live
// capture: what a person can do about it.
const capNetRawHint = "needs CAP_NET_RAW: run with sudo, or `sudo setcap cap_net_raw+ep ./handshake-viz`"

// LiveConfig says what a live capture listens to.
type LiveConfig struct {
	Interface string // network interface, e.g. "lo"
	Port      uint16 // only TCP and UDP packets with this source or destination port; 0 = all TCP and UDP
	SnapLen   int    // bytes kept of each packet; 0 = DefaultSnapLen
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
