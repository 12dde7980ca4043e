package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session/report"
)

// analyzeGCPercent is the garbage collector's target for analyze (GOGC):
// off, so that analyzeMemoryLimit alone starts collections. analyze's live
// heap is bounded by the tracker's limits (some 22 MB at the defaults), so
// a collection finds garbage only once the heap nears the limit. With GOGC
// 400, the collection of preferHugePages left a goal of 23 MB, and the
// next one came when capture A's live heap reached it and freed nothing
// (gctrace: 22->23->22 MB, 10 ms of CPU); without it, A runs with no
// collection but that one: median 0.202 -> 0.198 s, CPU 0.341 -> 0.320 s
// over 21 alternated runs.
const analyzeGCPercent = -1

// analyzeMemoryLimit is the heap size at which the collector runs: analyze
// holds only the streams still open, so garbage must not pile up past it.
const analyzeMemoryLimit = 40 << 20

// analyzeHugeHeap is how much of analyze's heap preferHugePages puts in
// transparent huge pages: more than analyze allocates on capture A (24 MB
// in all, analyze --memprofile) and than its 40 MiB limit.
const analyzeHugeHeap = 48 << 20

// analyzeOptions are the flags of `handshake-viz analyze`.
type analyzeOptions struct {
	json       bool
	ndjson     bool
	format     string
	filter     string
	idle       time.Duration
	synIdle    time.Duration
	udpIdle    time.Duration
	maxConns   int
	jobs       int
	cpuProfile string // hidden: write a pprof CPU profile (performance work)
	memProfile string // hidden: write a pprof heap profile at the end (performance work)
}

// analyzeFormats are the values of --format.
var analyzeFormats = []string{"table", "json", "ndjson", "zeek"}

func newAnalyzeCmd(ios streams, o *analyzeOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "analyze FILE|DIR...",
		Short: "Report on the TCP streams of pcap/pcapng captures (a table, --json or --ndjson for scripts, --format zeek)",
		Long: `Reads each capture (pcap or pcapng, possibly gzip-compressed; "-" is stdin;
a directory: every capture under it) and prints one row per TCP stream: client,
server, packets, payload bytes each way, handshake, close, who closed,
retransmissions, handshake RTT and duration. Numbers follow Wireshark's
definitions (tcp.stream, tcp.completeness, relative sequence numbers,
tcp.analysis.retransmission) so anyone can check them.

Streams are written as soon as they are finished, so memory follows the
connections open at once, not the capture's length. A connection is finished
by its close (plus a 2-minute linger for late retransmissions), by --idle
(Zeek's tcp_inactivity_timeout, in capture time), --syn-idle for an
unanswered SYN, or --max-conns (the oldest first); the report counts those.
A UDP flow is finished by --udp-idle (Zeek's udp_inactivity_timeout) or
--max-conns (UDP flows are counted apart from TCP streams).

--json prints the versioned report (README, "The analyze --json format"),
one object per file; --ndjson one stream per line, then a summary line;
--format zeek a Zeek conn.log. Several files are analyzed in parallel and
printed in argument order. A damaged file is reported up to the damage, with
a warning naming the frame and byte offset; the exit status is 1 only when a
file is not a capture or cannot be opened.`,
		Example: `  handshake-viz analyze trace.pcap
  handshake-viz analyze --json trace.pcapng | jq '.streams[] | select(.close=="rst")'
  handshake-viz analyze --ndjson --filter 'tcp port 443' big.pcap | jq -c 'select(.rtt_us > 100000)'
  handshake-viz analyze --format zeek trace.pcap | zeek-cut id.orig_h conn_state history
  tcpdump -i eth0 -w - 'tcp port 443' | handshake-viz analyze -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := o.outputFormat()
			if err != nil {
				return err
			}
			if o.idle < 0 || o.synIdle < 0 || o.udpIdle < 0 || o.maxConns < 0 {
				return errors.New("--idle, --syn-idle, --udp-idle and --max-conns cannot be negative (0 turns each off)")
			}
			var ff *frameFilter
			if o.filter != "" {
				if ff, err = newFrameFilter(o.filter); err != nil {
					return err
				}
			}
			prefaultScannedTables()          // before the first collection reads them
			preferHugePages(analyzeHugeHeap) // before the limit: the block is larger
			// analyze holds only open connections: collections find
			// little to free until the limit, so only the limit starts them.
			debug.SetGCPercent(analyzeGCPercent)
			debug.SetMemoryLimit(analyzeMemoryLimit)
			if o.cpuProfile != "" {
				stop, err := startCPUProfile(o.cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			if o.memProfile != "" {
				defer writeHeapProfile(ios, o.memProfile)
			}
			inputs, failed := expandInputs(ios, args)
			a := &analyzer{ios: ios, o: o, format: format, filter: ff, cmd: cmd}
			if !a.runAll(inputs) {
				failed = true
			}
			if failed {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print the versioned JSON report (one object per file): --format json")
	f.BoolVar(&o.ndjson, "ndjson", false, "print one JSON stream object per line as each is finished, then a summary line: --format ndjson")
	f.StringVar(&o.format, "format", "", "output: table (default), json, ndjson or zeek (a Zeek conn.log)")
	f.StringVar(&o.filter, "filter", "", "analyze only the frames this pcap-filter expression accepts (e.g. 'tcp port 443')")
	f.DurationVar(&o.idle, "idle", 5*time.Minute, "finish a connection after this long without a packet, in capture time (0: never)")
	f.DurationVar(&o.synIdle, "syn-idle", time.Minute, "the same for a connection that has only sent SYNs (0: as --idle)")
	f.DurationVar(&o.udpIdle, "udp-idle", time.Minute, "finish a UDP flow after this long without a datagram, in capture time (0: never)")
	f.IntVar(&o.maxConns, "max-conns", report.DefaultOptions().Finish.MaxConns, "hold at most this many streams (and as many UDP flows) at once, finishing the oldest first (0: no limit)")
	f.IntVar(&o.jobs, "jobs", 0, "files analyzed at once (0: one per CPU)")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile to this file (for `go tool pprof`)")
	f.StringVar(&o.memProfile, "memprofile", "", "write a heap profile at the end to this file (for `go tool pprof -sample_index=alloc_space`)")
	_ = f.MarkHidden("cpuprofile")
	_ = f.MarkHidden("memprofile")
	return cmd
}

// outputFormat reconciles --json, --ndjson and --format.
func (o *analyzeOptions) outputFormat() (string, error) {
	format := o.format
	for _, short := range []struct {
		set  bool
		name string
	}{{o.json, "json"}, {o.ndjson, "ndjson"}} {
		if !short.set {
			continue
		}
		if format != "" && format != short.name {
			return "", fmt.Errorf("--%s and --format %s ask for two outputs: give one", short.name, format)
		}
		format = short.name
	}
	if format == "" {
		return "table", nil
	}
	for _, f := range analyzeFormats {
		if f == format {
			return format, nil
		}
	}
	return "", fmt.Errorf("unknown --format %q: use one of %v", format, analyzeFormats)
}

// reportOptions are the report.Options of the flags; ff is this run's own
// filter (or nil).
func (o *analyzeOptions) reportOptions(ff *frameFilter) report.Options {
	ro := report.DefaultOptions()
	ro.Finish.Idle, ro.Finish.SYNIdle, ro.Finish.MaxConns = o.idle, o.synIdle, o.maxConns
	ro.Finish.UDPIdle = o.udpIdle
	if ro.Finish.SYNIdle == 0 {
		ro.Finish.SYNIdle = o.idle
	}
	if ff != nil {
		ro.Filter = ff.match
	}
	return ro
}

// newWriter returns the report writer of a format; warnings of the table
// go to warn.
func newWriter(format string, out, warn io.Writer) report.Writer {
	switch format {
	case "json":
		return report.NewJSONWriter(out)
	case "ndjson":
		return report.NewNDJSONWriter(out)
	case "zeek":
		return report.NewZeekWriter(out, warn, time.Now)
	}
	return report.NewTableWriter(out, warn)
}

// analyzeOne analyzes one input, writing its report to out and its
// warnings (table, zeek) to warn.
func (a *analyzer) analyzeOne(path string, out, warn io.Writer) error {
	// A file is read through read(2) into one reused buffer: on
	// capture A that is 52-65 ms a pass against 186-199 ms through a
	// memory map (README, Performance).
	src, err := openInput(a.ios, path)
	if err != nil {
		return err
	}
	defer src.Close()
	w := newWriter(a.format, out, warn)
	var ff *frameFilter
	if a.filter != nil {
		ff = a.filter.clone()
	}
	if _, err := report.Run(a.cmd.Context(), src, a.o.reportOptions(ff), w); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if ff != nil {
		for _, msg := range ff.warnings() {
			fmt.Fprintf(warn, "handshake-viz: %s: warning: %s\n", path, msg)
		}
	}
	return nil
}

// openInput opens a capture file, or the command's stdin for "-".
func openInput(ios streams, path string) (capture.Source, error) {
	if path == "-" {
		return capture.OpenReader("-", ios.in, -1)
	}
	return capture.OpenFile(path)
}

// startCPUProfile starts a pprof CPU profile into path; stop ends it.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// heapProfileEvery writes a heap profile into path every period, while
// the run holds its memory, until stop is called (which writes one more).
func heapProfileEvery(ios streams, path string, period time.Duration) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				writeHeapProfile(ios, path)
			}
		}
	}()
	return func() { close(done); <-finished }
}

// writeHeapProfile writes a pprof heap profile (live objects, after a
// collection) into path; a failure is reported on stderr.
func writeHeapProfile(ios streams, path string) {
	f, err := os.Create(path)
	if err == nil {
		runtime.GC()
		err = errors.Join(pprof.WriteHeapProfile(f), f.Close())
	}
	if err != nil {
		fmt.Fprintf(ios.err, "handshake-viz: --memprofile: %v\n", err)
	}
}
