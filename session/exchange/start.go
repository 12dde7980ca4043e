package exchange

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// Where says where a started scenario's packets are captured.
type Where uint8

// Capture places.
const (
	OnLoopback Where = iota // a packet socket on lo, filtered to the scenario's port
	OnWire                  // the lossy wire's relay (capture/wire): every packet with its verdict
)

// String returns "lo" or "lossy wire".
func (w Where) String() string {
	if w == OnWire {
		return "lossy wire"
	}
	return "lo"
}

// Started is a scenario ready to play: the server's sockets are open and a
// capture of every packet of the exchange is armed, so Run loses nothing.
// The caller feeds Source (session/feed), calls Exchange.Run, waits for the
// capture with WaitCaptured(ctx, timeline, s.Stats, stall) and closes it.
type Started struct {
	Exchange *Exchange
	Source   capture.Source
	Where    Where
	stats    func() (capture.LiveStats, error)
	closers  []func() error // in reverse order of opening
}

// Start opens the scenario's sockets (opts.Scenario; nil is loop) and the
// capture it needs (cancelling ctx closes a lossy wire). Without capture
// rights the error is the capture's (the caller may fall back to a
// recording).
func Start(ctx context.Context, opts Options) (*Started, error) {
	if err := opts.Wire.check(); err != nil {
		return nil, err
	}
	if onWire(opts) {
		return startWire(ctx, opts)
	}
	ex, err := New(opts)
	if err != nil {
		return nil, err
	}
	live, err := capture.OpenLive(capture.LiveConfig{Interface: "lo", Port: uint16(ex.Port())})
	if err != nil {
		ex.Close()
		return nil, fmt.Errorf("capture the scenario on lo: %w", err)
	}
	return &Started{
		Exchange: ex,
		Source:   live,
		Where:    OnLoopback,
		stats:    live.Stats,
		closers:  []func() error{live.Close, ex.Close},
	}, nil
}

// TrackerOptions is what the Tracker of this run's capture should be
// told that packets cannot show: a scenario whose port has no listener
// (NoListen) names it, so the SYN's arrival leaves the server CLOSED, as
// the kernel has it.
func (s *Started) TrackerOptions() session.TrackerOptions {
	var o session.TrackerOptions
	if s.Exchange.Scenario().NoListen {
		o.NoListener = []netip.AddrPort{s.Exchange.Addr()}
	}
	return o
}

// Stats returns the capture's counters (WaitCaptured's argument).
func (s *Started) Stats() (capture.LiveStats, error) { return s.stats() }

// Drops returns how many packets the capture lost (0 when unknown).
func (s *Started) Drops() uint64 {
	st, err := s.stats()
	if err != nil {
		return 0
	}
	return st.Drops
}

// Close ends the capture (a blocked feed returns) and closes every socket,
// namespace and device the scenario made. It is safe to call twice.
func (s *Started) Close() error {
	var errs []error
	for _, c := range s.closers {
		errs = append(errs, c())
	}
	s.closers = nil
	return errors.Join(errs...)
}
