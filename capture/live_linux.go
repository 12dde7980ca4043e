//go:build linux

package capture

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// LiveSource captures packets from a network interface through an AF_PACKET
// socket with a kernel filter. It implements Source.
//
// Next is called from one goroutine; Stats and Close may be called from
// any goroutine. Close makes a blocked Next return io.EOF.
type LiveSource struct {
	handle *pcapgo.EthernetHandle
	name   string
	frame  uint64 // frames handed out; owned by the Next goroutine
	closed atomic.Bool

	mu    sync.Mutex // guards stats
	stats LiveStats
}

// OpenLive opens a capture on cfg.Interface keeping only TCP and UDP with
// cfg.Port. On a loopback interface the outgoing copy of every packet is
// dropped by the filter, so each packet is returned once. The capture is
// armed when OpenLive returns: the first packet Next returns was sent
// after that and matches the filter.
func OpenLive(cfg LiveConfig) (*LiveSource, error) {
	if cfg.Interface == "" {
		return nil, errors.New("live capture: no interface given (use lo for the loopback demo)")
	}
	snap := cfg.SnapLen
	if snap == 0 {
		snap = DefaultSnapLen
	}
	if snap < 0 {
		return nil, fmt.Errorf("live capture on %s: snap length %d is negative (use 0 for the default %d)", cfg.Interface, snap, DefaultSnapLen)
	}
	intf, err := net.InterfaceByName(cfg.Interface)
	if err != nil {
		return nil, fmt.Errorf("live capture on %s: %w (list interfaces with `ip link`)", cfg.Interface, err)
	}
	if !HasCapNetRaw() {
		return nil, fmt.Errorf("capture on %s %s: %w", cfg.Interface, capNetRawHint, os.ErrPermission)
	}
	h, err := pcapgo.NewEthernetHandle(cfg.Interface)
	if err != nil {
		if strings.Contains(err.Error(), "operation not permitted") {
			return nil, fmt.Errorf("capture on %s %s: %w", cfg.Interface, capNetRawHint, os.ErrPermission)
		}
		return nil, fmt.Errorf("live capture on %s: %w", cfg.Interface, err)
	}
	s := &LiveSource{handle: h, name: cfg.Interface}
	if err := s.arm(cfg.Port, intf.Flags&net.FlagLoopback != 0, snap); err != nil {
		h.Close()
		return nil, fmt.Errorf("live capture on %s, port %d: %w", cfg.Interface, cfg.Port, err)
	}
	return s, nil
}

// arm attaches the real filter. The socket queued every packet of every
// interface between its creation and now, so it first drops everything,
// reads off that backlog, and only then attaches the port filter: the
// kernel's statistics counters and the queue start empty together.
func (s *LiveSource) arm(port uint16, loopback bool, snap int) error {
	filter, err := BuildFilter(port, loopback)
	if err != nil {
		return err
	}
	if err := s.handle.SetCaptureLength(snap); err != nil {
		return fmt.Errorf("set snap length: %w", err)
	}
	if err := s.handle.SetBPF(dropAllFilter()); err != nil {
		return fmt.Errorf("attach drop-all filter: %w", err)
	}
	if err := s.drain(); err != nil {
		return fmt.Errorf("drain packets queued before the filter: %w", err)
	}
	if err := s.handle.SetBPF(filter); err != nil {
		return fmt.Errorf("attach filter: %w", err)
	}
	return nil
}

// drain reads the packets queued on the socket until the kernel counts no
// more. PACKET_STATISTICS counts every packet queued since the last call
// (packets minus drops), so each read here returns at once and never
// blocks. The loop catches a packet that passed the old filter on another
// CPU while the drop-all filter was being attached.
func (s *LiveSource) drain() error {
	for {
		st, err := s.handle.Stats()
		if err != nil {
			return fmt.Errorf("read packet statistics: %w", err)
		}
		queued := st.Packets - st.Drops
		if queued == 0 {
			return nil
		}
		for range queued {
			if _, _, err := s.handle.ZeroCopyReadPacketData(); err != nil {
				return err
			}
		}
	}
}

// Next returns the next captured packet. Data is valid until the next call.
// After Close it returns io.EOF.
func (s *LiveSource) Next() (RawPacket, error) {
	data, ci, err := s.handle.ZeroCopyReadPacketData()
	if err != nil {
		if s.closed.Load() {
			return RawPacket{}, io.EOF
		}
		return RawPacket{}, fmt.Errorf("live capture on %s: %w", s.name, err)
	}
	s.frame++
	return RawPacket{Data: data, Info: ci, LinkType: layers.LinkTypeEthernet, Frame: s.frame, Offset: -1}, nil
}

// Info describes the capture: the interface name, format "live".
func (s *LiveSource) Info() SourceInfo {
	return SourceInfo{
		Name:      s.name,
		Format:    "live",
		Size:      -1,
		LinkTypes: []string{LinkTypeName(layers.LinkTypeEthernet)},
	}
}

// BytesRead is 0: a live source has no input size.
func (s *LiveSource) BytesRead() int64 { return 0 }

// Stats returns the kernel's cumulative counters since the capture was
// armed. The kernel resets its counters on every read, so they are summed
// here.
func (s *LiveSource) Stats() (LiveStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.handle.Stats()
	if err != nil {
		return s.stats, fmt.Errorf("live capture statistics on %s: %w", s.name, err)
	}
	s.stats.Packets += uint64(st.Packets)
	s.stats.Drops += uint64(st.Drops)
	return s.stats, nil
}

// Close closes the socket; a Next blocked in another goroutine returns
// io.EOF. Closing twice is harmless.
func (s *LiveSource) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if err := s.handle.Close(); err != nil {
		return fmt.Errorf("close live capture on %s: %w", s.name, err)
	}
	return nil
}
