//go:build !linux

package capture

import "context"

// WaitStamped does nothing outside Linux (there is no live capture).
func WaitStamped(ctx context.Context) error { return nil }
