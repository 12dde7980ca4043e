package exchange

import (
	"context"
	"errors"
	"fmt"
	"syscall"
)

// filteredSynRetries is the filtered scenario's TCP_SYNCNT: SYNs at 0,
// 1 and 3 s, ETIMEDOUT at about 7 s (the kernel's default, 6, waits
// 127 s).
const filteredSynRetries = 2

// playFiltered is a port behind a filter that drops every SYN: the
// client's connect re-sends its SYN with exponential backoff (1 s, 2 s,
// 4 s, …) and fails with ETIMEDOUT after its retries; nobody answers,
// not even with RST (compare refused).
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
