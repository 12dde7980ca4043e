package session

import (
	"fmt"
	"net/netip"
	"runtime"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
)

// analyzeFinish are analyze's default stream lifetime options.
var analyzeFinish = FinishOptions{Stream: true, Idle: DefaultIdle, SYNIdle: DefaultSYNIdle, MaxConns: DefaultMaxConns}

// heapAfter runs n packets made by next through a streaming tracker,
// taking the finished summaries as analyze does, and returns the live
// heap at the end (before FinishAll) in MiB.
func heapAfter(n int, next func(i int, seg *capture.Segment)) float64 {
	tr := NewTrackerWith(TrackerOptions{Finish: analyzeFinish})
	var seg capture.Segment
	var out []StreamSummary
	for i := range n {
		next(i, &seg)
		tr.Track(&seg)
		if i%4096 == 0 {
			out = tr.TakeFinished(out[:0])
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(tr)
	return float64(ms.HeapInuse) / (1 << 20)
}

// BenchmarkHeldMemoryAsTheCaptureGrows reports the live heap of a
// streaming tracker after 1x, 4x and 16x as many short connections, 10 ms
// apart (so about 1,700 linger at a time): flat, not growing with the
// capture.
func BenchmarkHeldMemoryAsTheCaptureGrows(b *testing.B) {
	for _, k := range []int{1, 4, 16} {
		conns := 37_500 * k
		b.Run(fmt.Sprintf("%dx", k), func(b *testing.B) {
			var mib float64
			for b.Loop() {
				mib = heapAfter(conns*synthPerConn, func(i int, seg *capture.Segment) { synthPacket(i, 10*ms, seg) })
			}
			b.ReportMetric(mib, "heap-MiB")
		})
	}
}

// BenchmarkHeldMemoryOfASYNScan reports the live heap after 540,000
// unanswered SYNs 20 µs apart (a port scan): bounded by --max-conns.
func BenchmarkHeldMemoryOfASYNScan(b *testing.B) {
	server := netip.MustParseAddr("10.20.0.1")
	scanner := netip.MustParseAddr("10.99.0.1")
	var mib float64
	for b.Loop() {
		mib = heapAfter(540_000, func(i int, seg *capture.Segment) {
			*seg = capture.Segment{
				Frame: uint64(i + 1), TimeNS: t0 + int64(i)*20_000, Proto: capture.ProtoTCP,
				Src: scanner, Dst: server, SrcPort: 40000, DstPort: uint16(1 + i%65535),
				Flags: capture.SYN, Seq: uint32(i) * 2654435761, Window: 1024,
			}
			if i >= 65535 {
				seg.Dst = netip.AddrFrom4([4]byte{10, 20, byte(i / 65535 >> 8), byte(1 + i/65535)})
			}
		})
	}
	b.ReportMetric(mib, "heap-MiB")
}
