package report

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/synth"
)

// peakRSSKiB is the process's peak resident memory (VmHWM) since the last
// resetPeakRSS, or -1 when /proc does not say.
func peakRSSKiB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			if err == nil {
				return n
			}
		}
	}
	return -1
}

// resetPeakRSS sets VmHWM to the current RSS (Linux: clear_refs 5).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// BenchmarkStreamedJSONOfManyUDPFlows is `analyze --json` of 1x, 4x and
// 16x DNS-like UDP flows (synthcap -udp), generated into a pipe so that
// the capture is never in memory: the peak RSS it reports stays flat as
// the capture grows (the flows are finished by --max-conns, written to the
// spool and freed), where keeping them grew by some 300 bytes a flow.
func BenchmarkStreamedJSONOfManyUDPFlows(b *testing.B) {
	// The collector's settings of analyze (cmd/handshake-viz/analyze.go).
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(40 << 20))
	for _, k := range []int{1, 4, 16} {
		n := 125_000 * k
		b.Run(fmt.Sprintf("%dx", k), func(b *testing.B) {
			var peak float64
			for b.Loop() {
				pr, pw := io.Pipe()
				go func() { _, err := synth.WriteUDP(pw, n); pw.CloseWithError(err) }()
				resetPeakRSS()
				src, err := capture.OpenReader("udp.pcap", pr, -1)
				if err != nil {
					b.Fatal(err)
				}
				t, err := Run(context.Background(), src, DefaultOptions(), NewJSONWriter(io.Discard))
				if err != nil {
					b.Fatal(err)
				}
				if t.Flows != uint64(n) {
					b.Fatalf("%d flows, want %d", t.Flows, n)
				}
				peak = max(peak, peakRSSKiB())
			}
			b.ReportMetric(peak/1024, "peak-RSS-MiB")
			b.ReportMetric(float64(n), "flows")
		})
	}
}
