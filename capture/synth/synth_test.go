package synth

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

func write(t testing.TB, cfg Config) ([]byte, int) {
	t.Helper()
	var buf bytes.Buffer
	n, err := Write(&buf, cfg)
	if err != nil {
		t.Fatalf("Write(%+v): %v", cfg, err)
	}
	return buf.Bytes(), n
}

func TestWriteSameSeedGivesSameBytes(t *testing.T) {
	cfg := Config{Connections: 50, Concurrent: 8, Seed: 42}
	a, _ := write(t, cfg)
	b, _ := write(t, cfg)
	if !bytes.Equal(a, b) {
		t.Fatal("two captures with the same config differ")
	}
}

func TestWriteDifferentSeedGivesDifferentBytes(t *testing.T) {
	a, _ := write(t, Config{Connections: 50, Concurrent: 8, Seed: 1})
	b, _ := write(t, Config{Connections: 50, Concurrent: 8, Seed: 2})
	if bytes.Equal(a, b) {
		t.Fatal("captures with seeds 1 and 2 are identical")
	}
}

func TestWriteRejectsPayloadLargerThanOneSegment(t *testing.T) {
	_, err := Write(io.Discard, Config{Connections: 1, ResponseLen: MaxPayload + 1})
	if !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("Write with ResponseLen %d: err = %v, want ErrInvalidConfig", MaxPayload+1, err)
	}
}

type failingWriter struct{ after int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.after -= len(p); f.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteReportsWriterError(t *testing.T) {
	_, err := Write(&failingWriter{after: 1 << 20}, Config{Connections: 20000})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want the writer's error wrapped", err)
	}
}

func TestPayloadsHaveExactLengthAndValidHTTP(t *testing.T) {
	for n := 1; n <= MaxPayload; n++ {
		p := newPayloads(n, n)
		req := p.request(12345, 16, 2)
		if len(req) != n {
			t.Fatalf("request of length %d has %d bytes", n, len(req))
		}
		resp := p.response(12345, 2)
		if len(resp) != n {
			t.Fatalf("response of length %d has %d bytes", n, len(resp))
		}
		if !bytes.HasPrefix(resp, []byte("HTTP/")) {
			continue // too short for headers: filler
		}
		r, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(resp)), nil)
		if err != nil {
			t.Fatalf("response of length %d: %v", n, err)
		}
		body, err := io.ReadAll(r.Body)
		if err != nil || int64(len(body)) != r.ContentLength {
			t.Fatalf("response of length %d: body %d bytes, Content-Length %d, err %v", n, len(body), r.ContentLength, err)
		}
		if rest := len(resp) - bytes.Index(resp, []byte("\r\n\r\n")) - 4; rest != len(body) {
			t.Fatalf("response of length %d: %d bytes after headers, body read %d", n, rest, len(body))
		}
	}
}

func TestDefaultPayloadsAreHTTP(t *testing.T) {
	p := newPayloads(DefaultRequestLen, DefaultResponseLen)
	if _, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(p.request(0, 1, 0)))); err != nil {
		t.Fatalf("default request is not HTTP: %v", err)
	}
	if !bytes.HasPrefix(p.response(0, 0), []byte("HTTP/1.1 200 OK")) {
		t.Fatal("default response is not an HTTP 200")
	}
}

func TestWriteSmallCaptureIsValidTCP(t *testing.T) {
	for _, ipv6 := range []bool{false, true} {
		cfg := Config{Connections: 100, Concurrent: 8, Exchanges: 3, Seed: 7, RequestLen: 120, ResponseLen: 400, IPv6: ipv6}
		data, n := write(t, cfg)
		c := newChecker(t, cfg)
		c.readAll(data)
		if want := cfg.Connections * 19; n != want || c.packets != want {
			t.Errorf("ipv6=%v: Write returned %d, file has %d packets, want %d", ipv6, n, c.packets, want)
		}
		if len(c.flows) != cfg.Connections {
			t.Errorf("ipv6=%v: %d distinct connections, want %d", ipv6, len(c.flows), cfg.Connections)
		}
		for key, f := range c.flows {
			if f.step != cfg.PacketsPerConnection() {
				t.Errorf("ipv6=%v: connection %s stopped after %d packets", ipv6, key, f.step)
			}
		}
		if c.maxOpen != cfg.Concurrent {
			t.Errorf("ipv6=%v: at most %d connections open at once, want exactly %d", ipv6, c.maxOpen, cfg.Concurrent)
		}
	}
}

// checker reads a capture and verifies every packet against the expected
// connection script.
type checker struct {
	t       *testing.T
	cfg     Config
	script  []scriptStep
	flows   map[string]*flowState
	packets int
	open    int
	maxOpen int
	last    time.Time
}

type scriptStep struct {
	fromClient bool
	flags      string
	payload    int
}

type flowState struct {
	step                int
	clientNxt, server   uint32
	clientTS, serverTS  uint32
	clientPort, srvPort layers.TCPPort
}

func newChecker(t *testing.T, cfg Config) *checker {
	s := []scriptStep{{true, "S", 0}, {false, "SA", 0}, {true, "A", 0}}
	for range cfg.Exchanges {
		s = append(s, scriptStep{true, "PA", cfg.RequestLen}, scriptStep{false, "A", 0},
			scriptStep{false, "PA", cfg.ResponseLen}, scriptStep{true, "A", 0})
	}
	s = append(s, scriptStep{true, "FA", 0}, scriptStep{false, "A", 0}, scriptStep{false, "FA", 0}, scriptStep{true, "A", 0})
	return &checker{t: t, cfg: cfg, script: s, flows: map[string]*flowState{}, last: DefaultStart}
}

func (c *checker) readAll(data []byte) {
	r, err := pcapgo.NewReader(bytes.NewReader(data))
	if err != nil {
		c.t.Fatalf("pcapgo cannot read the capture: %v", err)
	}
	if r.LinkType() != layers.LinkTypeEthernet {
		c.t.Fatalf("link type %v, want Ethernet", r.LinkType())
	}
	for {
		raw, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			c.t.Fatalf("packet %d: %v", c.packets+1, err)
		}
		c.packets++
		c.checkTime(ci.Timestamp)
		c.check(gopacket.NewPacket(raw, layers.LayerTypeEthernet, gopacket.Default))
		if c.t.Failed() {
			c.t.FailNow()
		}
	}
}

// checkTime checks the gap after the previous packet (or after the start).
func (c *checker) checkTime(ts time.Time) {
	if gap := ts.Sub(c.last); gap < minGapMicros*time.Microsecond || gap > maxGapMicros*time.Microsecond {
		c.t.Errorf("packet %d: %v after the previous one, want %d..%dµs", c.packets, gap, minGapMicros, maxGapMicros)
	}
	c.last = ts
}

func (c *checker) check(p gopacket.Packet) {
	if el := p.ErrorLayer(); el != nil {
		c.t.Fatalf("packet %d does not decode: %v", c.packets, el.Error())
	}
	tcp, _ := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
	if tcp == nil {
		c.t.Fatalf("packet %d has no TCP layer", c.packets)
	}
	c.checkChecksums(p, tcp)
	net := p.NetworkLayer().NetworkFlow()
	client, server := net.Src().String(), net.Dst().String()
	cport, sport := tcp.SrcPort, tcp.DstPort
	if tcp.SrcPort == serverPort {
		client, server = server, client
		cport, sport = sport, cport
	}
	key := client + ":" + cport.String() + "-" + server + ":" + sport.String()
	f := c.flows[key]
	if f == nil {
		f = &flowState{clientPort: cport, srvPort: sport}
		c.flows[key] = f
	}
	c.checkStep(key, f, tcp)
}

func (c *checker) checkChecksums(p gopacket.Packet, tcp *layers.TCP) {
	if ip4, ok := p.NetworkLayer().(*layers.IPv4); ok {
		if s := rfc1071(ip4.Contents); s != 0xffff {
			c.t.Errorf("packet %d: IPv4 header checksum does not verify (sum %#04x)", c.packets, s)
		}
	}
	if err := tcp.SetNetworkLayerForChecksum(p.NetworkLayer()); err != nil {
		c.t.Fatal(err)
	}
	err, res := tcp.VerifyChecksum()
	if err != nil || !res.Valid {
		c.t.Errorf("packet %d: TCP checksum %#04x, want %#04x (err %v)", c.packets, res.Actual, res.Correct, err)
	}
}

// rfc1071 is the plain 16-bit one's-complement sum of b.
func rfc1071(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

func flagString(tcp *layers.TCP) string {
	var b strings.Builder
	for _, f := range []struct {
		set  bool
		name string
	}{{tcp.SYN, "S"}, {tcp.FIN, "F"}, {tcp.RST, "R"}, {tcp.PSH, "P"}, {tcp.ACK, "A"}} {
		if f.set {
			b.WriteString(f.name)
		}
	}
	return b.String()
}

func (c *checker) checkStep(key string, f *flowState, tcp *layers.TCP) {
	if f.step >= len(c.script) {
		c.t.Fatalf("packet %d: connection %s sends after its close", c.packets, key)
	}
	want := c.script[f.step]
	fromClient := tcp.SrcPort == f.clientPort
	if got := flagString(tcp); got != want.flags || fromClient != want.fromClient || len(tcp.Payload) != want.payload {
		c.t.Fatalf("packet %d: connection %s step %d: flags %s from client %v, %d bytes; want %s from client %v, %d bytes",
			c.packets, key, f.step, got, fromClient, len(tcp.Payload), want.flags, want.fromClient, want.payload)
	}
	own, peer, ownTS, peerTS := &f.clientNxt, &f.server, &f.clientTS, &f.serverTS
	if !fromClient {
		own, peer, ownTS, peerTS = &f.server, &f.clientNxt, &f.serverTS, &f.clientTS
	}
	if tcp.SYN {
		*own = tcp.Seq // ISN
		if f.step == 0 {
			c.open++
			c.maxOpen = max(c.maxOpen, c.open)
		}
	} else if tcp.Seq != *own {
		c.t.Errorf("packet %d: %s step %d: seq %d, want next byte %d", c.packets, key, f.step, tcp.Seq, *own)
	}
	if tcp.ACK && tcp.Ack != *peer {
		c.t.Errorf("packet %d: %s step %d: ack %d, want all the peer sent (%d)", c.packets, key, f.step, tcp.Ack, *peer)
	}
	c.checkOptions(key, f.step, tcp, ownTS, *peerTS)
	*own = tcp.Seq + uint32(len(tcp.Payload))
	if tcp.SYN || tcp.FIN {
		*own++
	}
	f.step++
	if f.step == len(c.script) {
		c.open--
	}
}

func (c *checker) checkOptions(key string, step int, tcp *layers.TCP, ownTS *uint32, peerTS uint32) {
	kinds := map[layers.TCPOptionKind]bool{}
	for _, o := range tcp.Options {
		kinds[o.OptionType] = true
		if o.OptionType != layers.TCPOptionKindTimestamps {
			continue
		}
		tsval, tsecr := binary.BigEndian.Uint32(o.OptionData), binary.BigEndian.Uint32(o.OptionData[4:])
		if step > 0 && tsval < *ownTS {
			c.t.Errorf("packet %d: %s: TSval %d went back from %d", c.packets, key, tsval, *ownTS)
		}
		if tsecr != peerTS {
			c.t.Errorf("packet %d: %s: TSecr %d, want the peer's last TSval %d", c.packets, key, tsecr, peerTS)
		}
		*ownTS = tsval
	}
	if !kinds[layers.TCPOptionKindTimestamps] {
		c.t.Errorf("packet %d: %s: no timestamps option", c.packets, key)
	}
	if tcp.SYN {
		for _, k := range []layers.TCPOptionKind{layers.TCPOptionKindMSS, layers.TCPOptionKindWindowScale, layers.TCPOptionKindSACKPermitted} {
			if !kinds[k] {
				c.t.Errorf("packet %d: %s: SYN lacks option %v", c.packets, key, k)
			}
		}
	}
}

func BenchmarkWrite(b *testing.B) {
	cfg := Config{Connections: 10000}
	packets := 0
	for b.Loop() {
		n, err := Write(io.Discard, cfg)
		if err != nil {
			b.Fatal(err)
		}
		packets += n
	}
	b.ReportMetric(float64(packets)/b.Elapsed().Seconds(), "packets/s")
}
