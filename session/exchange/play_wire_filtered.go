package exchange

import (
	"context"
	"errors"
	"fmt"
	"syscall"
)

// filteredSynRetries is the filtered scenario's TCP_SYNCNT: the kernel
// gives up once the time of that many exponential retries (1 + 2 s) has
// passed, 7 s after the first SYN; Linux 6.x re-sends the first SYNs at
// linear 1 s intervals (net.ipv4.tcp_syn_linear_timeouts), so six SYNs
// leave in that time (measured: 0, 1, 2, 3, 4, 5 s, ETIMEDOUT at 7.2 s).
// The kernel's default, 6, waits 127 s.
const filteredSynRetries = 2

// playFiltered is a port behind a filter that drops every SYN: the
// client's connect re-sends its SYN (1 s apart at first, then with
// exponential backoff) and fails with ETIMEDOUT after its retries; nobody
// answers, not even with RST (compare refused).
func playFiltered(ctx context.Context, r *Run) error {
	n := r.ex.opts.Wire.SynRetries
	if n == 0 {
		n = filteredSynRetries
	}
	c, err := r.DialWith(ctx, DialOptions{SynRetries: n})
	if err == nil {
		c.closeQuietly()
		return errors.New("client: connect succeeded through a filter that drops every SYN")
	}
	if !errors.Is(err, syscall.ETIMEDOUT) {
		return fmt.Errorf("client: connect failed, but not with ETIMEDOUT: %w", err)
	}
	return nil
}
