package exchange

import (
	"cmp"
	"fmt"
	"sync"
	"syscall"
)

// clientPortPool is the most ports a run's clients hold: once that many
// clients got a port from the kernel, the run cycles through those ports
// (each in TIME-WAIT by then, taken over by the next client), so that a
// long --clients run leaves at most that many TIME-WAITs behind and the
// rest of the machine's ephemeral ports free for other programs.
const clientPortPool = 4096

// clientPorts hands out local ports once the kernel's port-0 bind is no
// longer used: when it found no free port, or when the run's clients hold
// clientPortPool ports. It walks the client network's range (read once
// when first needed) or the pool, round robin. A port handed out stays
// busy until its connect returned, so that two dials of the run never try
// the same 4-tuple at once. The zero value is ready; mu guards it all.
type clientPorts struct {
	mu     sync.Mutex
	full   bool   // pick from now on: the pool is full, or a port-0 bind found no free port
	lo, hi uint16 // the range (lo 0: not read yet)
	next   uint16 // the range's cursor: the next port to hand out
	busy   map[uint16]bool
	// The pool: the distinct ports the kernel gave the run's clients, at
	// most poolMax (0: clientPortPool); pooled while the run cycles
	// through them (poolNext is the cursor).
	pool     []uint16
	inPool   map[uint16]bool
	poolMax  int
	pooled   bool
	poolNext int
}

func (p *clientPorts) isFull() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.full
}

func (p *clientPorts) setFull() {
	p.mu.Lock()
	p.full = true
	p.mu.Unlock()
}

// note adds a port the kernel gave a client to the pool; once the pool
// has poolMax ports the run cycles through them.
func (p *clientPorts) note(port uint16) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.full || p.inPool[port] {
		return
	}
	if p.inPool == nil {
		p.inPool = make(map[uint16]bool)
	}
	p.inPool[port] = true
	p.pool = append(p.pool, port)
	if len(p.pool) >= cmp.Or(p.poolMax, clientPortPool) {
		p.full, p.pooled = true, true
	}
}

// unpool stops cycling through the pool (the range is walked instead);
// it reports whether the pool was in use.
func (p *clientPorts) unpool() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	was := p.pooled
	p.pooled = false
	return was
}

// candidates is how many ports take cycles through: the pool's, or the
// range's (read by portRange before).
func (p *clientPorts) candidates() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pooled {
		return len(p.pool)
	}
	return int(p.hi) - int(p.lo) + 1
}

// portRange returns the range, reading it with read the first time (it
// must run in the client's network then).
func (p *clientPorts) portRange(read func() (lo, hi uint16, err error)) (lo, hi uint16, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lo == 0 {
		lo, hi, err := read()
		if err != nil {
			return 0, 0, err
		}
		p.lo, p.hi, p.next = lo, hi, lo
	}
	return p.lo, p.hi, nil
}

// take hands out the port at the cursor (of the pool, or of the range)
// and moves the cursor on; ok is false when that port is busy with
// another dial.
func (p *clientPorts) take() (port uint16, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pooled {
		port = p.pool[p.poolNext]
		p.poolNext = (p.poolNext + 1) % len(p.pool)
	} else {
		port = p.next
		if p.next == p.hi {
			p.next = p.lo
		} else {
			p.next++
		}
	}
	if p.busy[port] {
		return port, false
	}
	if p.busy == nil {
		p.busy = make(map[uint16]bool)
	}
	p.busy[port] = true
	return port, true
}

// release makes a port handed out by take available again.
func (p *clientPorts) release(port uint16) {
	p.mu.Lock()
	delete(p.busy, port)
	p.mu.Unlock()
}

// NoFreePortError is DialWith's error when no port of the client
// network's local port range could be bound for a new connection to the
// server (a port whose connection is in TIME-WAIT would have been taken
// over). It unwraps to EADDRINUSE.
type NoFreePortError struct {
	Lo, Hi uint16 // net.ipv4.ip_local_port_range
	Live   int    // ports with a live connection to the server
	Bound  int    // ports the kernel would not bind: a listener, or a socket without SO_REUSEADDR
	Busy   int    // ports another dial of the run was trying
}

func (e *NoFreePortError) Error() string {
	return fmt.Sprintf("none of the %d local ports %d-%d can be bound: %d carry a live connection to the server, %d are bound by a listener or without SO_REUSEADDR, %d are being dialed",
		int(e.Hi)-int(e.Lo)+1, e.Lo, e.Hi, e.Live, e.Bound, e.Busy)
}

func (e *NoFreePortError) Unwrap() error { return syscall.EADDRINUSE }
