package exchange

import (
	"context"
	"fmt"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// WaitCaptured returns once the timeline has as many packets as the
// capture socket counted (stats is the live source's Stats), or when ctx
// ends: call it after Run, before closing the capture, so that the last
// packets are not cut off. With stall > 0 it also gives up when the
// timeline got no new packet for that long: a feed that is behind but
// catching up (a busy machine, a long run) is waited for, one that stopped
// is not. Its errors say how many packets are missing.
func WaitCaptured(ctx context.Context, tl *session.Timeline, stats func() (capture.LiveStats, error), stall time.Duration) error {
	st, err := stats()
	if err != nil {
		return err
	}
	want := int(st.Packets - st.Drops)
	var timer <-chan time.Time
	last := -1
	for {
		changed := tl.Changed()
		n := tl.Packets()
		if n >= want {
			return nil
		}
		if n != last && stall > 0 {
			last = n
			timer = time.After(stall)
		}
		select {
		case <-changed:
		case <-timer:
			return fmt.Errorf("the capture counted %d packets, the timeline has %d and got none for %v", want, n, stall)
		case <-ctx.Done():
			return fmt.Errorf("the capture counted %d packets, the timeline has %d: %w", want, n, context.Cause(ctx))
		}
	}
}
