package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/handshake-viz/handshake-viz/session/exchange"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui"
	"github.com/handshake-viz/handshake-viz/ui/export"
)

// demoOptions are the flags of `handshake-viz demo`.
type demoOptions struct {
	port     int
	messages []string
	clients  int
	speed    float64
	noTUI    bool
	json     bool
	write    string
	force    bool // --force: --write may replace an existing file
	raw      bool
	lang     string
	recorded bool
	teach    teachOptions
	scenario string
	wire     wireFlags
	export   exportOptions // --export FORMAT -o PATH: run, then write the ladder (no screen)

	cpuProfile string // hidden: write a pprof CPU profile (performance work)
	memProfile string // hidden: write a pprof heap profile at the end

	language  narrate.Lang       // parsed from lang
	exportReq exportRequest      // parsed from export
	sc        *exchange.Scenario // parsed from scenario
}

// wireFlags are free play on the lossy wire: --loss, --delay, --seed and
// --syn-retries.
type wireFlags struct {
	loss       float64
	delay      time.Duration
	seed       uint64
	synRetries int
}

// set reports whether any wire flag was given.
func (w wireFlags) set() bool { return w.loss != 0 || w.delay != 0 || w.seed != 0 || w.synRetries != 0 }

func newDemoCmd(ios streams, o *demoOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run a real client/server exchange on loopback, capture it and animate it",
		Long: `Runs a scenario of the library (handshake-viz scenarios lists them; the
default is loop, the homework) with the kernel's own TCP, captures every packet
and animates it, with the program's socket calls on each end's lifeline.

loop runs the classic loop server and client on 127.0.0.1: the client sends each
message, the server echoes it, until the client sends "##"; then both close and
the server waits for the next client. Every packet is captured on lo and drawn
as an arrow on a ladder with the TCP state of both ends, the header bytes by
layer and a plain-words explanation.

Capturing needs CAP_NET_RAW (run with sudo). Without it, demo runs live inside
a new user and network namespace where the kernel allows that ("live (user
namespace)"), and only where it does not, says so and plays a recorded
exchange that ships inside the binary. Scenarios on the lossy wire need root.`,
		Example: `  sudo handshake-viz demo
  sudo handshake-viz demo -m hi -m there --clients 2 --speed 2
  sudo handshake-viz demo --no-tui
  sudo handshake-viz demo --json | jq .
  sudo handshake-viz demo --write exchange.pcapng
  sudo handshake-viz demo --scenario refused --no-tui
  sudo handshake-viz demo --scenario lost-syn --lang zh`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			if o.cpuProfile != "" {
				stop, err := startCPUProfile(o.cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			if o.memProfile != "" {
				defer heapProfileEvery(ios, o.memProfile, 5*time.Second)()
			}
			return runDemo(cmd.Context(), ios, o)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.port, "port", 0, "server port on 127.0.0.1 (0 picks a free one)")
	f.StringArrayVarP(&o.messages, "message", "m", nil, `a message the client sends (repeatable; default "hello", "world"; "##" ends)`)
	f.IntVar(&o.clients, "clients", 1, "number of clients, served one after another")
	f.Float64Var(&o.speed, "speed", 1, "animation speed: 1 is about one arrow per 0.8 s, 2 twice as fast")
	f.BoolVar(&o.noTUI, "no-tui", false, "print the ladder as text lines instead of the full-screen UI")
	f.BoolVar(&o.json, "json", false, "print one JSON object per packet (NDJSON), then a summary per connection")
	f.StringVarP(&o.write, "write", "w", "", "save the captured packets to this pcapng file")
	f.BoolVar(&o.force, "force", false, "let --write replace an existing file")
	f.BoolVar(&o.raw, "raw", false, "show raw sequence numbers instead of relative ones")
	f.StringVar(&o.lang, "lang", defaultLang(), langFlagUsage)
	f.BoolVar(&o.recorded, "recorded", false, "play the recorded exchange shipped in the binary instead of capturing")
	f.StringVar(&o.scenario, "scenario", exchange.ScenarioLoop, "the scenario to run (handshake-viz scenarios lists them)")
	f.Float64Var(&o.wire.loss, "loss", 0, "lossy wire: drop each packet with this probability (0 to 1)")
	f.DurationVar(&o.wire.delay, "delay", 0, "lossy wire: delay every packet by this much (e.g. 50ms)")
	f.Uint64Var(&o.wire.seed, "seed", 0, "lossy wire: seed of --loss (the same seed makes the same decision for the n-th packet on the wire)")
	f.IntVar(&o.wire.synRetries, "syn-retries", 0, "SYN retransmissions before connect gives up (TCP_SYNCNT; 0 is the scenario's)")
	f.StringVar(&o.export.format, "export", "", "run without a screen, then write the ladder in this format: "+export.Formats())
	f.StringVarP(&o.export.out, "output", "o", "-", "--export: write to this file (- is stdout; never over an existing file without --force)")
	f.StringVar(&o.export.theme, "theme", "light", "--export svg: light or dark")
	f.IntVar(&o.export.width, "width", 0, "--export svg: image width in px")
	f.BoolVar(&o.export.even, "even", false, "--export svg: space the arrows evenly instead of by time")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile to this file (for `go tool pprof`)")
	f.StringVar(&o.memProfile, "memprofile", "", "write a heap profile to this file every 5 s of the run (for `go tool pprof`)")
	_ = f.MarkHidden("cpuprofile")
	_ = f.MarkHidden("memprofile")
	o.teach.addFlags(cmd)
	return cmd
}

// maxClients bounds --clients: a long soak (the memory of a live run is
// bounded, README "Reliability"), yet not a typo that never ends.
const maxClients = 1_000_000

// validate checks the flags and fills the parsed fields.
func (o *demoOptions) validate() error {
	if o.port < 0 || o.port > 65535 {
		return fmt.Errorf("--port %d is out of range: use 1-65535, or 0 for a free port", o.port)
	}
	if o.clients < 1 || o.clients > maxClients {
		return fmt.Errorf("--clients %d is out of range: use 1-%d", o.clients, maxClients)
	}
	if o.speed <= 0 || o.speed > 1000 {
		return fmt.Errorf("--speed %g is out of range: use a number above 0 (1 is normal, 2 twice as fast)", o.speed)
	}
	for _, m := range o.messages {
		if m == "" {
			return fmt.Errorf("--message must not be empty")
		}
		if strings.ContainsAny(m, "\r\n") {
			return fmt.Errorf("--message %q must be one line", m)
		}
	}
	lang, err := narrate.ParseLang(o.lang)
	if err != nil {
		return fmt.Errorf("--lang: %w", err)
	}
	o.language = lang
	if o.export.format != "" {
		if o.json || o.noTUI {
			return errors.New("--export writes the ladder itself: drop --json and --no-tui")
		}
		o.export.lang, o.export.raw, o.export.force, o.export.stream = o.lang, o.raw, o.force, "all"
		if o.exportReq, err = o.export.parse(); err != nil {
			return fmt.Errorf("--export: %w", err)
		}
		if o.export.out != "-" && !o.force {
			if _, err := os.Lstat(o.export.out); err == nil {
				return fmt.Errorf("-o %s: the file exists; use --force to overwrite it or choose another name", o.export.out)
			}
		}
	} else if o.export.out != "-" {
		return errors.New("-o names the --export file: add --export FORMAT (or use --write for the capture)")
	}
	if err := o.teach.validate(o.noTUI || o.json); err != nil {
		return err
	}
	if o.write != "" && !o.force {
		if _, err := os.Lstat(o.write); err == nil {
			return fmt.Errorf("--write %s: the file exists; choose another name, or add --force to replace it", o.write)
		}
	}
	sc, err := exchange.Lookup(o.scenario)
	if err != nil {
		return fmt.Errorf("--scenario: %w", err)
	}
	o.sc = sc
	if err := o.wire.validate(); err != nil {
		return err
	}
	if o.recorded && sc.Name != exchange.ScenarioLoop {
		return errors.New(narrate.Text(o.language, "demo.scenario.recorded"))
	}
	if o.recorded && (o.port != 0 || o.clients != 1 || len(o.messages) > 0 || o.write != "") {
		return fmt.Errorf("--recorded plays the shipped exchange: it takes no --port, --clients, --message or --write")
	}
	return nil
}

// validate checks the ranges of the wire flags.
func (w wireFlags) validate() error {
	switch {
	case w.loss < 0 || w.loss > 1:
		return fmt.Errorf("--loss %g is out of range: use 0 to 1 (0.1 drops one packet in ten)", w.loss)
	case w.delay < 0:
		return fmt.Errorf("--delay %v is negative: use 0 or more (e.g. 50ms)", w.delay)
	case w.synRetries < 0 || w.synRetries > 127:
		return fmt.Errorf("--syn-retries %d is out of range: use 1 to 127 (0 for the scenario's)", w.synRetries)
	}
	return nil
}

// exchangeMessages returns the messages the client sends, ending with "##".
func (o *demoOptions) exchangeMessages() []string {
	msgs := o.messages
	if len(msgs) == 0 {
		msgs = []string{"hello", "world"}
	}
	if msgs[len(msgs)-1] != "##" {
		msgs = append(append([]string(nil), msgs...), "##")
	}
	return msgs
}

// teachOptions are a teacher's controls of the terminal UI (demo and open).
type teachOptions struct {
	pauseAt     string
	startPaused bool

	pause ui.PauseAt // parsed from pauseAt
}

func (t *teachOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&t.pauseAt, "pause-at", "", "stop playback until space: phase (at the first packet of each phase) or packet (after every packet)")
	f.BoolVar(&t.startPaused, "start-paused", false, "show nothing until space is pressed")
}

// validate parses --pause-at; noUI: the output is not the terminal UI.
func (t *teachOptions) validate(noUI bool) error {
	p, err := ui.ParsePauseAt(t.pauseAt)
	if err != nil {
		return fmt.Errorf("--pause-at: %w", err)
	}
	if noUI && (p != ui.PauseNever || t.startPaused) {
		return fmt.Errorf("--pause-at and --start-paused pause the terminal UI: drop them, or --no-tui / --json")
	}
	t.pause = p
	return nil
}
