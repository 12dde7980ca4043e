//go:build !linux

package capture

import (
	"fmt"
	"io"

	"github.com/gopacket/gopacket/layers"
)

// LiveSource is a live capture. Outside Linux it cannot be opened.
type LiveSource struct{}

// OpenLive fails outside Linux with an error wrapping ErrLiveUnsupported.
func OpenLive(cfg LiveConfig) (*LiveSource, error) {
	return nil, fmt.Errorf("live capture on %s: %w", cfg.Interface, ErrLiveUnsupported)
}

// Next returns io.EOF.
func (s *LiveSource) Next() (RawPacket, error) { return RawPacket{}, io.EOF }

// Info describes a live source that never opened.
func (s *LiveSource) Info() SourceInfo { return SourceInfo{Format: "live", Size: -1} }

// BytesRead is 0.
func (s *LiveSource) BytesRead() int64 { return 0 }

// Stats fails with ErrLiveUnsupported.
func (s *LiveSource) Stats() (LiveStats, error) { return LiveStats{}, ErrLiveUnsupported }

// LinkType is Ethernet.
func (s *LiveSource) LinkType() layers.LinkType { return layers.LinkTypeEthernet }

// Close does nothing.
func (s *LiveSource) Close() error { return nil }

// DefaultInterface fails outside Linux with an error wrapping
// ErrLiveUnsupported.
func DefaultInterface() (string, error) {
	return "", fmt.Errorf("find the default route: %w", ErrLiveUnsupported)
}

// Capabilities a capture may keep after DropPrivilegesKeeping (Linux
// only; the values are unused elsewhere).
const (
	CapDACReadSearch = 2
	CapSysPtrace     = 19
)

// DropPrivilegesKeeping does nothing outside Linux.
func DropPrivilegesKeeping(keep ...uintptr) (uid, gid int, dropped, kept bool, err error) {
	uid, gid, dropped, err = DropPrivileges()
	return uid, gid, dropped, true, err
}
