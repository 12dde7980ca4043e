package feed

import (
	"context"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// StartLive starts reading a source that cannot be re-read (a live
// capture) in the background, as OpenCatalog does for stdin: every event
// and frame is kept, so any stream can be opened while it grows. The
// catalog closes src when reading ends.
func StartLive(ctx context.Context, src capture.Source) *Catalog {
	return startCatalog(ctx, src.Info().Name, src, true)
}

// Timeline is the timeline of every event of a catalog started by
// StartLive or OpenCatalog("-"): it grows while reading and is finished
// when reading ends. It is nil for a file, whose events are not kept.
func (c *Catalog) Timeline() *session.Timeline { return c.tl }
