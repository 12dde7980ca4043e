package capture

import (
	"testing"
	"unsafe"
)

// A Segment is two cache lines: analyze's reader fills batches of them on
// one CPU and its tracker reads them on the other, so a 129th byte would
// make every other segment straddle a third line.
func TestSegmentFillsExactlyTwoCacheLines(t *testing.T) {
	if n := unsafe.Sizeof(Segment{}); n != 128 {
		t.Fatalf("Segment is %d bytes, want 128 (reorder its fields to close the holes)", n)
	}
}
