package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/spf13/cobra"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/filter"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/session/watch"
	"github.com/handshake-viz/handshake-viz/ui"
)

// watchOptions are the flags of `handshake-viz watch`.
type watchOptions struct {
	iface    string
	json     bool
	write    string
	force    bool
	count    int
	duration time.Duration
	speed    float64
	raw      bool
	lang     string
	noProcs  bool

	language narrate.Lang // parsed from lang
	filter   *filter.Expr // parsed from the arguments; nil: all TCP and UDP
}

func newWatchCmd(ios streams, o *watchOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "watch [-i IFACE] [FILTER...]",
		Short: "Watch the connections of an interface live, each with its state and process",
		Long: `Captures live on a network interface (default: the one of the default route;
lo for loopback; -i any for every interface) and lists the TCP connections as
they appear, each with the current state of both ends and the local process
behind it (as ss -p finds it). Enter follows one connection's ladder live; Esc
goes back to the list.

FILTER is pcap-filter syntax, as tcpdump takes it (tcp, udp, host, net, port,
portrange, tcp[tcpflags], and/or/not, parentheses), compiled to a kernel BPF
program. --json prints one JSON object per packet instead, each with its
stream index and process.

Capturing needs CAP_NET_RAW (run with sudo); root is given up once the
capture socket is open.`,
		Example: `  sudo handshake-viz watch 'tcp port 443'
  sudo handshake-viz watch -i lo port 8080
  sudo handshake-viz watch -i any --json -c 100 'tcp[tcpflags] & tcp-syn != 0'
  sudo handshake-viz watch --write trace.pcapng --duration 30s host 10.0.0.5`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validate(args); err != nil {
				return err
			}
			return runWatch(cmd.Context(), ios, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.iface, "interface", "i", "", "interface to capture on: a name (eth0, lo) or any; default: the one of the default route")
	f.BoolVar(&o.json, "json", false, "print one JSON object per packet (NDJSON), then a summary per connection")
	f.StringVarP(&o.write, "write", "w", "", "also save the captured packets to this pcapng file")
	f.BoolVar(&o.force, "force", false, "let --write replace an existing file")
	f.IntVarP(&o.count, "count", "c", 0, "stop after this many packets (0: no limit)")
	f.DurationVar(&o.duration, "duration", 0, "stop after this long, e.g. 30s or 5m (0: no limit)")
	f.Float64Var(&o.speed, "speed", 1, "animation speed of the ladders: 1 is about one arrow per 0.8 s")
	f.BoolVar(&o.raw, "raw", false, "show raw sequence numbers instead of relative ones")
	f.StringVar(&o.lang, "lang", defaultLang(), langFlagUsage)
	f.BoolVar(&o.noProcs, "no-processes", false, "do not look up the process of each connection (and keep no capability after dropping root)")
	return cmd
}

// validate checks the flags and the filter, and fills the parsed fields.
func (o *watchOptions) validate(args []string) error {
	if o.count < 0 {
		return fmt.Errorf("-c %d is negative: give a number of packets, or 0 for no limit", o.count)
	}
	if o.duration < 0 {
		return fmt.Errorf("--duration %v is negative: give a time like 30s, or 0 for no limit", o.duration)
	}
	if o.speed <= 0 || o.speed > 1000 {
		return fmt.Errorf("--speed %g is out of range: use a number above 0 (1 is normal, 2 twice as fast)", o.speed)
	}
	lang, err := narrate.ParseLang(o.lang)
	if err != nil {
		return fmt.Errorf("--lang: %w", err)
	}
	o.language = lang
	if o.write != "" && !o.force {
		if _, err := os.Lstat(o.write); err == nil {
			return fmt.Errorf("--write %s: the file exists; choose another name, or add --force to replace it", o.write)
		}
	}
	if expr := strings.TrimSpace(strings.Join(args, " ")); expr != "" {
		if o.filter, err = filter.Parse(expr); err != nil {
			return err
		}
	}
	return nil
}

// runWatch opens the capture, gives up root and shows the connections.
func runWatch(ctx context.Context, ios streams, o *watchOptions) error {
	if o.iface == "" {
		name, err := capture.DefaultInterface()
		if err != nil {
			return err
		}
		o.iface = name
	}
	live, err := capture.OpenLive(capture.LiveConfig{Interface: o.iface, Filter: o.filter})
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return fmt.Errorf("watch on %s needs CAP_NET_RAW: run it as `sudo handshake-viz watch -i %s ...`", o.iface, o.iface)
		}
		return err
	}
	if !o.json {
		if err := needTerminal("watch"); err != nil {
			live.Close()
			return fmt.Errorf("%w (or add --json)", err)
		}
	}
	// The capture socket is open: give up root, so files written from
	// here on belong to the invoking user. The process lookup keeps the
	// two capabilities that read other users' /proc/PID/fd.
	var keep []uintptr
	if !o.noProcs {
		keep = []uintptr{capture.CapDACReadSearch, capture.CapSysPtrace}
	}
	_, _, dropped, kept, err := capture.DropPrivilegesKeeping(keep...)
	if err != nil {
		live.Close()
		return fmt.Errorf("drop root privileges after opening the capture: %w", err)
	}
	if dropped && !kept && !o.noProcs && o.json {
		fmt.Fprintln(ios.err, "handshake-viz: "+narrate.Text(o.language, "watch.own_procs"))
	}
	save, err := openWatchWrite(o.write, o.force, live.LinkType())
	if err != nil {
		live.Close()
		return err
	}
	defer save.close()
	if o.duration > 0 {
		t := time.AfterFunc(o.duration, func() { live.Close() })
		defer t.Stop()
	}
	drops := func() uint64 {
		st, err := live.Stats()
		if err != nil {
			return 0
		}
		return st.Drops
	}
	src := watch.Limit(live, uint64(o.count), save.save())
	if o.json {
		// As tcpdump does: say on stderr that the capture is armed.
		what := o.iface
		if o.filter != nil {
			what += ", " + o.filter.String()
		}
		fmt.Fprintln(ios.err, "handshake-viz: "+narrate.Text(o.language, "watch.listening", what))
		return watchJSON(ctx, ios, o, src, drops, save)
	}
	w := watch.Start(ctx, src, watch.Options{NoProcesses: o.noProcs})
	title := narrate.Text(o.language, "watch.title", o.iface)
	if o.filter != nil {
		title += " · " + o.filter.String()
	}
	err = ui.RunBrowser(ctx, w, ui.BrowserOptions{
		Lang:  o.language,
		Speed: o.speed,
		Raw:   o.raw,
		Title: title,
		Live:  w.Conns,
		Drops: drops,
	})
	w.Close()
	if err != nil {
		return err
	}
	return save.close()
}

// watchJSON prints every event as NDJSON, each stream's summary once its
// last event is out (the tracker finished it: closed, idle, or the end of
// the capture), and the kernel's drops on stderr. Ctrl-C ends it like -c
// or --duration: the summaries of the streams still open are written.
func watchJSON(ctx context.Context, ios streams, o *watchOptions, src *watch.Limited, drops func() uint64, save *watchSave) error {
	jw := ui.NewJSONWriter(ios.out, o.language, o.raw)
	w := watch.Start(ctx, src, watch.Options{
		Events:      jw.WriteLiveEvent,
		Process:     jw.WriteProcess,
		Summary:     jw.WriteLiveSummary,
		NoProcesses: o.noProcs,
	})
	err := w.Wait()
	w.Close()
	if err != nil {
		return err
	}
	for _, warn := range w.Warnings() {
		fmt.Fprintln(ios.err, "handshake-viz: "+warn)
	}
	if d := drops(); d > 0 {
		fmt.Fprintln(ios.err, "handshake-viz: "+narrate.Text(o.language, "demo.drops", d))
	}
	return save.close()
}

// watchSave is the --write file, safe to close while the capture's reader
// may still hand it a last frame.
type watchSave struct {
	mu     sync.Mutex
	path   string
	f      *atomicFile
	w      *capture.Writer
	closed bool
	err    error
}

// openWatchWrite creates the --write file (never replacing one without
// force) after privileges were dropped, so it belongs to the user.
func openWatchWrite(path string, force bool, link layers.LinkType) (*watchSave, error) {
	s := &watchSave{path: path}
	if path == "" {
		return s, nil
	}
	f, w, err := createPcapngAtomic(path, force, link)
	if err != nil {
		return nil, err
	}
	s.f, s.w = f, w
	return s, nil
}

// save returns the frame hook, nil without --write.
func (s *watchSave) save() func(p *capture.RawPacket) error {
	if s.w == nil {
		return nil
	}
	return func(p *capture.RawPacket) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.closed {
			return nil
		}
		return s.w.Write(p)
	}
}

// close flushes and closes the file once; later calls return the first
// outcome.
func (s *watchSave) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.w == nil {
		return s.err
	}
	s.closed = true
	if err := s.w.Flush(); err != nil {
		s.f.Abort()
		s.err = fmt.Errorf("--write %s: %w", s.path, err)
		return s.err
	}
	if err := s.f.Commit(); err != nil {
		s.err = fmt.Errorf("--write %s: %w", s.path, err)
	}
	return s.err
}
