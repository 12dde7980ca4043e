package exchange

import (
	"context"
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// WaitCaptured returns once the timeline holds as many packets as the
// capture socket counted (stats is the live source's Stats), or when ctx
// ends: call it after Run, before closing the capture, so that the last
// packets are not cut off.
func WaitCaptured(ctx context.Context, tl *session.Timeline, stats func() (capture.LiveStats, error)) error {
	st, err := stats()
	if err != nil {
		return err
	}
	want := int(st.Packets - st.Drops)
	for {
		changed := tl.Changed()
		n := 0
		for _, ev := range tl.Slice(0, tl.Len()) {
			if ev.Kind != session.KindCall {
				n++
			}
		}
		if n >= want {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("the capture counted %d packets, the timeline has %d: %w", want, n, context.Cause(ctx))
		}
	}
}
