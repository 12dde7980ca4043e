package exchange

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/handshake-viz/handshake-viz/capture/wire"
)

// WireOptions are free play on the lossy wire and the wire's settings.
// Loss or Delay make any scenario run on the wire (its own policy, if it
// has one, decides first; what it passes, these then drop or delay).
type WireOptions struct {
	// Loss drops each packet with this probability (0 to 1), from a
	// generator seeded with Seed: the same seed drops the same packets of
	// the same exchange.
	Loss float64
	// Delay delays every packet by this much (arrows slant; later packets
	// may overtake earlier ones).
	Delay time.Duration
	// Seed seeds the random loss.
	Seed uint64
	// SynRetries is connect's number of SYN retransmissions (TCP_SYNCNT)
	// in the scenarios whose SYNs go unanswered (filtered); 0 is the
	// scenario's own.
	SynRetries int
	// Stepped and AfterDeliver: see wire.Config (the per-arrow check of
	// the inferred states against the kernel's).
	Stepped      bool
	AfterDeliver func(wire.Step)
}

// FreePlay reports whether loss or delay is asked for.
func (o WireOptions) FreePlay() bool { return o.Loss > 0 || o.Delay > 0 }

// check rejects values out of range, with what to use instead.
func (o WireOptions) check() error {
	if o.Loss < 0 || o.Loss > 1 {
		return fmt.Errorf("loss %g is out of range: use 0 to 1 (0.1 drops one packet in ten)", o.Loss)
	}
	if o.Delay < 0 {
		return fmt.Errorf("delay %v is negative: use 0 or more (e.g. 50ms)", o.Delay)
	}
	if o.SynRetries < 0 || o.SynRetries > maxSynRetries {
		return fmt.Errorf("syn retries %d is out of range: use 1 to %d (0 for the scenario's)", o.SynRetries, maxSynRetries)
	}
	return nil
}

// maxSynRetries is the largest TCP_SYNCNT Linux takes.
const maxSynRetries = 127

// NeedsWire reports whether the scenario runs on the lossy wire.
func (s *Scenario) NeedsWire() bool { return s.Wire != nil }

// onWire reports whether Start must open the lossy wire for opts.
func onWire(opts Options) bool {
	return (opts.Scenario != nil && opts.Scenario.NeedsWire()) || opts.Wire.FreePlay()
}

// policy is the wire's policy for one run: the scenario's, then free
// play's random loss and fixed delay.
func (o WireOptions) policy(sc *Scenario) (wire.Policy, error) {
	var ps []wire.Policy
	if sc != nil && sc.Wire != nil {
		ps = append(ps, sc.Wire())
	}
	if o.Loss > 0 {
		p, err := wire.RandomLoss(o.Loss, o.Seed)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	if o.Delay > 0 {
		p, err := wire.FixedDelay(o.Delay)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	switch len(ps) {
	case 0:
		return wire.PassAll(), nil
	case 1:
		return ps[0], nil
	}
	return wire.Chain(ps...), nil
}

// startWire opens the lossy wire with the scenario's policy (and free
// play's), makes the exchange on it and returns the wire as the Source.
// Cancelling ctx closes the wire (its relay stops; blocked sockets are
// closed by Started.Close).
func startWire(ctx context.Context, opts Options) (*Started, error) {
	if opts.Scenario == nil {
		opts.Scenario = mustLookup(ScenarioLoop)
	}
	if opts.Host != "" {
		return nil, fmt.Errorf("exchange: host %s: the lossy wire has its own addresses (%s, %s): leave the host unset", opts.Host, wire.Addr(wire.Client), wire.Addr(wire.Server))
	}
	pol, err := opts.Wire.policy(opts.Scenario)
	if err != nil {
		return nil, err
	}
	w, err := wire.Open(ctx, wire.Config{Policy: pol, Stepped: opts.Wire.Stepped, AfterDeliver: opts.Wire.AfterDeliver})
	if err != nil {
		return nil, fmt.Errorf("scenario %s runs on the lossy wire: %w", opts.Scenario.Name, err)
	}
	opts.Network = WireNetwork{Wire: w}
	ex, err := New(opts)
	if err != nil {
		return nil, errors.Join(err, w.Close())
	}
	return &Started{
		Exchange: ex,
		Source:   w,
		Where:    OnWire,
		stats:    w.Stats,
		// The sockets first: an orphaned socket would keep its namespace
		// alive after the wire let go of it.
		closers: []func() error{ex.Close, w.Close},
	}, nil
}
