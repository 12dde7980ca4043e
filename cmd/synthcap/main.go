// Command synthcap writes the synthetic benchmark capture of package
// capture/synth: by default 60,000 interleaved HTTP/1.1 keep-alive
// connections, 19 packets each (about 1.14 million packets), as a classic
// pcap file. Addresses exist only inside the file; nothing is sent.
//
//	go run ./cmd/synthcap -o /tmp/bench.pcap [-connections N -concurrent K -seed S]
//	go run ./cmd/synthcap -o /tmp/scan.pcap -scan 540000   # unanswered SYNs
//	go run ./cmd/synthcap -o /tmp/udp.pcap -udp 1000000    # DNS-like UDP flows
//
// With -o - (the default) the capture goes to stdout and the summary line
// to stderr.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/handshake-viz/handshake-viz/capture/synth"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the command-line flags.
type options struct {
	out  string
	cfg  synth.Config
	scan int // > 0: a SYN scan of this many probes instead
	udp  int // > 0: this many DNS-like UDP flows instead
}

// parseFlags turns args into options; it prints usage to stderr on error.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("synthcap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.out, "o", "-", "output pcap file (- for stdout)")
	fs.IntVar(&o.cfg.Connections, "connections", synth.DefaultConnections, "connections in the capture")
	fs.IntVar(&o.cfg.Concurrent, "concurrent", synth.DefaultConcurrent, "connections interleaved at a time")
	fs.IntVar(&o.cfg.Exchanges, "exchanges", synth.DefaultExchanges, "request/response exchanges per connection")
	fs.IntVar(&o.cfg.RequestLen, "request-len", synth.DefaultRequestLen, "request payload bytes")
	fs.IntVar(&o.cfg.ResponseLen, "response-len", synth.DefaultResponseLen, "response payload bytes")
	fs.Int64Var(&o.cfg.Seed, "seed", 1, "random seed (same seed, same bytes)")
	fs.BoolVar(&o.cfg.IPv6, "ipv6", false, "IPv6 instead of IPv4")
	fs.IntVar(&o.udp, "udp", 0, "write this many DNS-like UDP flows (query, answer) instead (the -connections flags are ignored)")
	fs.IntVar(&o.scan, "scan", 0, "write a SYN scan of this many unanswered probes instead (the -connections flags are ignored)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q: synthcap takes flags only (see -h)", fs.Arg(0))
	}
	if o.cfg.Connections <= 0 || o.cfg.Concurrent <= 0 || o.cfg.Exchanges <= 0 {
		return o, errors.New("-connections, -concurrent and -exchanges must be at least 1")
	}
	return o, o.cfg.Validate()
}

// run executes the command and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "synthcap: %v\n", err)
		return 2
	}
	if err := generate(o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "synthcap: %v\n", err)
		return 1
	}
	return 0
}

// generate writes the capture and a one-line summary.
func generate(o options, stdout, stderr io.Writer) error {
	w, summary := stdout, stderr
	var f *os.File
	if o.out != "-" {
		var err error
		if f, err = os.Create(o.out); err != nil {
			return fmt.Errorf("creating output: %w (check the directory exists and is writable)", err)
		}
		w, summary = f, stdout
	}
	cw := &countingWriter{w: w}
	begin := time.Now()
	var packets int
	var err error
	switch {
	case o.udp > 0:
		packets, err = synth.WriteUDP(cw, o.udp)
		o.cfg.Connections = o.udp
	case o.scan > 0:
		packets, err = writeScan(cw, o.scan)
		o.cfg.Connections = o.scan
	default:
		packets, err = synth.Write(cw, o.cfg)
	}
	if f != nil {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("closing %s: %w (check free disk space)", o.out, cerr)
		}
	}
	if err != nil {
		return err
	}
	elapsed := time.Since(begin)
	fmt.Fprintf(summary, "wrote %d packets, %d bytes (%d connections) to %s in %.2fs\n",
		packets, cw.n, o.cfg.Connections, o.out, elapsed.Seconds())
	return nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
