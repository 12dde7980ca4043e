package feed

import (
	"testing"
	"unsafe"

	"github.com/handshake-viz/handshake-viz/capture"
)

// TestBatchesAreCopiedInOneNonTemporalMove pins the size RunParallel's
// speed rests on: a full batch is copied from the reader's staging batch in
// one move of at least nonTemporalCopy bytes, memmove's threshold for
// non-temporal stores (see batchSegments).
func TestBatchesAreCopiedInOneNonTemporalMove(t *testing.T) {
	if n := batchSegments * int(unsafe.Sizeof(capture.Segment{})); n < nonTemporalCopy {
		t.Errorf("a batch is %d bytes, below memmove's non-temporal threshold of %d", n, nonTemporalCopy)
	}
}
