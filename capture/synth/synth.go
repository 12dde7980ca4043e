package synth

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"
)

// Defaults used for the zero fields of a Config.
const (
	DefaultConnections = 60000
	DefaultConcurrent  = 64
	DefaultExchanges   = 3
	DefaultRequestLen  = 120
	DefaultResponseLen = 400
)

// MaxPayload is the largest RequestLen or ResponseLen: each message travels
// in one segment, so it must fit the MSS announced in the SYN (1460 for
// IPv4, 1440 for IPv6).
const MaxPayload = mss6

// Packets of one connection outside its exchanges: three for the handshake,
// four for the close.
const (
	handshakePackets = 3
	exchangePackets  = 4
	closePackets     = 4
)

// Gap between two consecutive packets of the capture, in microseconds.
const (
	minGapMicros = 10
	maxGapMicros = 50
)

// DefaultStart is the capture time of the first packet when Config.Start is
// zero (a fixed instant, so that output never depends on the clock).
var DefaultStart = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

// Config describes a synthetic capture. A zero field takes its default.
type Config struct {
	Connections int   // connections in the file (default 60000)
	Concurrent  int   // connections interleaved at a time (default 64)
	Exchanges   int   // request/response exchanges per connection (default 3)
	Seed        int64 // the same seed gives the same bytes
	RequestLen  int   // TCP payload bytes of each request (default 120)
	ResponseLen int   // TCP payload bytes of each response (default 400)
	IPv6        bool  // IPv6 instead of IPv4
	Start       time.Time
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	setDefault(&c.Connections, DefaultConnections)
	setDefault(&c.Concurrent, DefaultConcurrent)
	setDefault(&c.Exchanges, DefaultExchanges)
	setDefault(&c.RequestLen, DefaultRequestLen)
	setDefault(&c.ResponseLen, DefaultResponseLen)
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	return c
}

func setDefault(v *int, def int) {
	if *v == 0 {
		*v = def
	}
}

// PacketsPerConnection is the number of packets one connection of c sends
// (19 with the default three exchanges).
func (c Config) PacketsPerConnection() int {
	return handshakePackets + exchangePackets*c.WithDefaults().Exchanges + closePackets
}

// Validate reports the first field of c (after defaults) that Write cannot use.
func (c Config) Validate() error {
	c = c.WithDefaults()
	switch {
	case c.Connections < 0:
		return fmt.Errorf("connections is %d: use a positive count", c.Connections)
	case c.Concurrent < 0:
		return fmt.Errorf("concurrent is %d: use a positive count", c.Concurrent)
	case c.Exchanges < 0:
		return fmt.Errorf("exchanges is %d: use a positive count", c.Exchanges)
	case c.RequestLen < 0 || c.RequestLen > MaxPayload:
		return fmt.Errorf("request length is %d: use 1..%d bytes (one segment)", c.RequestLen, MaxPayload)
	case c.ResponseLen < 0 || c.ResponseLen > MaxPayload:
		return fmt.Errorf("response length is %d: use 1..%d bytes (one segment)", c.ResponseLen, MaxPayload)
	case c.Connections > maxConnections:
		return fmt.Errorf("connections is %d: at most %d fit in distinct client address/port pairs", c.Connections, maxConnections)
	}
	return nil
}

// ErrInvalidConfig is wrapped by the error Write returns for a Config that
// Validate rejects.
var ErrInvalidConfig = errors.New("invalid synthetic capture config")

// Write writes the capture described by cfg to w as a classic pcap file
// (microsecond timestamps, little-endian, Ethernet link type) and returns
// the number of packets written.
func Write(w io.Writer, cfg Config) (packets int, err error) {
	if err := cfg.Validate(); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	cfg = cfg.WithDefaults()
	bw := bufio.NewWriterSize(w, 1<<20)
	g := newGenerator(cfg, bw)
	if err := g.run(); err != nil {
		return g.packets, fmt.Errorf("writing synthetic capture after %d packets: %w (check the output file's disk space and permissions)", g.packets, err)
	}
	if err := bw.Flush(); err != nil {
		return g.packets, fmt.Errorf("flushing synthetic capture: %w (check the output file's disk space and permissions)", err)
	}
	return g.packets, nil
}

// WriteFile writes the capture described by cfg (as Write does) to a new
// file at path, truncating one that is there, and closes it.
func WriteFile(path string, cfg Config) (packets int, err error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("synthetic capture: %w", err)
	}
	packets, err = Write(f, cfg)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing synthetic capture: %w (check the output file's disk space)", cerr)
	}
	return packets, err
}

// generator interleaves the connections of one capture and writes them.
type generator struct {
	cfg      Config
	rng      *rand.Rand
	out      *bufio.Writer
	frame    frameWriter
	payload  payloads
	clock    int64 // microseconds since cfg.Start of the last packet
	packets  int
	started  int    // connections started so far
	clientIP uint32 // offset of the first client host, from the seed
	portBase int    // offset of the first client port, from the seed
}

func newGenerator(cfg Config, out *bufio.Writer) *generator {
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), seedStream))
	g := &generator{
		cfg:      cfg,
		rng:      rng,
		out:      out,
		frame:    frameWriter{ipv6: cfg.IPv6},
		payload:  newPayloads(cfg.RequestLen, cfg.ResponseLen),
		clientIP: rng.Uint32N(clientHostSpace),
		portBase: rng.IntN(clientPortCount),
	}
	return g
}

// seedStream is the second PCG word; any fixed value works.
const seedStream = 0x5eed_ca97

// run starts up to Concurrent connections and then visits the open ones
// round-robin, one packet each, starting a new connection in the place of
// each one that closes.
func (g *generator) run() error {
	if err := writeFileHeader(g.out); err != nil {
		return err
	}
	slots := make([]conn, min(g.cfg.Concurrent, g.cfg.Connections))
	open := 0
	for i := range slots {
		g.startConn(&slots[i])
		open++
	}
	perConn := g.cfg.PacketsPerConnection()
	for open > 0 {
		for i := range slots {
			c := &slots[i]
			if !c.live {
				continue
			}
			if err := g.emit(c); err != nil {
				return err
			}
			if c.step < perConn {
				continue
			}
			c.live = false
			open--
			if g.started < g.cfg.Connections {
				g.startConn(c)
				open++
			}
		}
	}
	return nil
}

// emit writes the next packet of c.
func (g *generator) emit(c *conn) error {
	g.clock += int64(minGapMicros + g.rng.IntN(maxGapMicros-minGapMicros+1))
	seg := c.next(g.cfg.Exchanges, g.clock, &g.payload)
	frame := g.frame.build(c, seg)
	if err := writeRecord(g.out, g.cfg.Start, g.clock, frame); err != nil {
		return err
	}
	g.packets++
	return nil
}
