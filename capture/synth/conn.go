package synth

// Client and server addressing. Connection i comes from client host
// h = i%clientHosts and port
// clientPortMin+(portBase+h*portStride+i/clientHosts)%clientPortCount, so
// every connection of a file has its own address/port pair (Wireshark would
// otherwise flag reused ports) and hosts start at different ports.
const (
	clientHosts     = 1000
	clientPortMin   = 32768
	clientPortCount = 60999 - clientPortMin + 1 // Linux's ip_local_port_range
	clientHostSpace = 1<<20 - 2                 // hosts of 10.16.0.0/12 minus network and broadcast
	maxConnections  = clientHosts * clientPortCount
	portStride      = 7919
	servers         = 16
	serverPort      = 80
)

// TCP parameters announced by both ends, as a Linux host would.
const (
	mss4            = 1460
	mss6            = 1440
	windowScale     = 7
	clientSYNWindow = 64240
	serverSYNWindow = 65160
	clientWindow    = 502 // scaled by 1<<windowScale after the handshake
	serverWindow    = 509
)

// TCP flag bits as they sit in byte 13 of the header.
const (
	flagFIN = 0x01
	flagSYN = 0x02
	flagPSH = 0x08
	flagACK = 0x10
)

// endpoint is one end of a connection.
type endpoint struct {
	host   uint32 // client: offset in clientHostSpace; server: 1..servers
	port   uint16
	nxt    uint32 // sequence number of the next byte it sends
	tsBase uint32 // TSval at capture time zero
	tsLast uint32 // last TSval it sent
	ipID   uint16 // IPv4 identification of its next packet
	client bool
}

// conn is one connection of the capture and how far it has got.
type conn struct {
	live           bool
	index          int // order of its SYN in the file
	step           int // packets already sent
	client, server endpoint
}

// segment is what one packet carries above the IP layer.
type segment struct {
	src, dst *endpoint
	flags    uint8
	seq, ack uint32
	window   uint16
	syn      bool // carries the SYN options
	tsval    uint32
	tsecr    uint32
	payload  []byte
}

// startConn turns c into the next connection of the file.
func (g *generator) startConn(c *conn) {
	i := g.started
	g.started++
	*c = conn{
		live:  true,
		index: i,
		client: endpoint{
			host:   (g.clientIP + uint32(i%clientHosts)) % clientHostSpace,
			port:   uint16(clientPortMin + (g.portBase+(i%clientHosts)*portStride+i/clientHosts)%clientPortCount),
			nxt:    g.rng.Uint32(),
			tsBase: g.rng.Uint32(),
			ipID:   uint16(g.rng.Uint32()),
			client: true,
		},
		server: endpoint{
			host:   uint32(1 + g.rng.IntN(servers)),
			port:   serverPort,
			nxt:    g.rng.Uint32(),
			tsBase: g.rng.Uint32(),
			ipID:   uint16(g.rng.Uint32()),
		},
	}
}

// next returns the next packet of c at clock (microseconds) and advances c.
func (c *conn) next(exchanges int, clock int64, p *payloads) segment {
	step := c.step
	c.step++
	switch {
	case step == 0:
		return c.send(&c.client, flagSYN, clock, nil)
	case step == 1:
		return c.send(&c.server, flagSYN|flagACK, clock, nil)
	case step == 2:
		return c.send(&c.client, flagACK, clock, nil)
	case step < handshakePackets+exchangePackets*exchanges:
		k := (step - handshakePackets) / exchangePackets
		switch (step - handshakePackets) % exchangePackets {
		case 0:
			return c.send(&c.client, flagPSH|flagACK, clock, p.request(c.index, c.server.host, k))
		case 1:
			return c.send(&c.server, flagACK, clock, nil)
		case 2:
			return c.send(&c.server, flagPSH|flagACK, clock, p.response(c.index, k))
		default:
			return c.send(&c.client, flagACK, clock, nil)
		}
	}
	switch step - handshakePackets - exchangePackets*exchanges {
	case 0:
		return c.send(&c.client, flagFIN|flagACK, clock, nil)
	case 1:
		return c.send(&c.server, flagACK, clock, nil)
	case 2:
		return c.send(&c.server, flagFIN|flagACK, clock, nil)
	default:
		return c.send(&c.client, flagACK, clock, nil)
	}
}

// send builds a segment from src to its peer. Every packet before it has
// been delivered, so it acknowledges all that the peer sent.
func (c *conn) send(src *endpoint, flags uint8, clock int64, payload []byte) segment {
	dst := &c.server
	if !src.client {
		dst = &c.client
	}
	s := segment{
		src:     src,
		dst:     dst,
		flags:   flags,
		seq:     src.nxt,
		syn:     flags&flagSYN != 0,
		tsval:   src.tsBase + uint32(clock/1000),
		tsecr:   dst.tsLast,
		payload: payload,
	}
	if flags&flagACK != 0 {
		s.ack = dst.nxt
	}
	s.window = src.window(s.syn)
	src.tsLast = s.tsval
	src.nxt += uint32(len(payload))
	if flags&(flagSYN|flagFIN) != 0 {
		src.nxt++
	}
	return s
}

// window is the raw window field e sends.
func (e *endpoint) window(syn bool) uint16 {
	switch {
	case syn && e.client:
		return clientSYNWindow
	case syn:
		return serverSYNWindow
	case e.client:
		return clientWindow
	default:
		return serverWindow
	}
}
