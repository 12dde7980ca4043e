package exchange

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/handshake-viz/handshake-viz/session"
)

// End is the message that ends a client's turn: the server does not echo
// it, and both sides close.
const End = "##"

// Defaults of Options.
const (
	DefaultHost = "127.0.0.1"
)

// DefaultMessages are the messages a client sends when Options.Messages is
// empty.
func DefaultMessages() []string { return []string{"hello", "world", End} }

// lingerSeconds bounds how long the server's close waits for the ACK of its
// FIN; on loopback the ACK comes within microseconds.
const lingerSeconds = 10

// pastDeadline is a deadline already passed: setting it unblocks I/O.
func pastDeadline() time.Time { return time.Unix(1, 0) }

// CallSink receives the socket calls of an exchange's client and server
// (feed.Calls merges them into the timeline by time). Record is called
// from the exchange's goroutines. A call whose TimeNS is 0 is stamped by
// the sink with time.Now().UnixNano() (under its own lock, so that calls
// and packets order by one clock); remote is invalid while a socket has no
// peer yet (accept before it returns). kernel is the kernel's view of both
// ends right after the call returned, where it was read.
type CallSink interface {
	Record(c session.Call, local, remote netip.AddrPort, kernel session.KernelView)
}

// Options configure an Exchange.
type Options struct {
	Scenario *Scenario // what the two ends do; nil is "loop"
	Network  Network   // where the ends live; nil is Loopback on Host
	Host     string    // loopback address to serve on; default the scenario's, else "127.0.0.1"
	Port     int       // 0 picks a free port
	Messages []string  // what each client sends; default hello, world, ## ("##" is appended if missing)
	Clients  int       // clients; default 1 (a scenario may fix its own number)

	// KernelACKs leaves the timing of the ACKs of data to the kernel: a
	// delayed ACK may then ride on the echo. By default each data segment
	// is acknowledged at once by a segment of its own, the same on every
	// run. The close is a four-way close either way.
	KernelACKs bool

	// Calls receives the socket calls; nil records none.
	Calls CallSink
	// Trace is the timeline the capture of this exchange feeds; scenarios
	// that wait on the trace (a retransmission, a zero window) need it.
	Trace *session.Timeline

	Hooks Hooks // observation points for tests and the demo

	// Wire is free play on the lossy wire (loss, delay, seed) and its
	// settings; see WireOptions (start_wire.go). Start reads it.
	Wire WireOptions
}

// Hooks observe an exchange. They are called from Run's goroutines, once
// per client; nil hooks are skipped.
type Hooks struct {
	// Established is called when connect and accept have both returned:
	// both ends are ESTABLISHED (states from TCP_INFO).
	Established func(client, server KernelState)
	// Closed is called when both ends have closed their sockets: the
	// client's socket is normally in TIME-WAIT and the server's is gone,
	// "CLOSED" (states from /proc/net/tcp).
	Closed func(client, server KernelState)
	// TimeWait is called by the time-wait scenario with each sock_diag
	// reading of the client's TIME-WAIT socket, its TimeWaitLeft
	// counting down.
	TimeWait func(client KernelState)
}

// Exchange is a scenario's server sockets and the clients that talk to it.
type Exchange struct {
	opts    Options
	sc      *Scenario
	net     Network
	ln      *net.TCPListener // nil when the scenario serves no TCP
	udp     *net.UDPConn     // the UDP server socket, when the scenario uses UDP
	reserve int              // a bound, not listening TCP socket holding the port (refused), or -1
	addr    netip.AddrPort
	running atomic.Bool
	diag    diagConns // exact kernel lookups, one socket per end
}

// New checks opts, fills in the defaults and opens the server's sockets,
// so the port is known before a capture is armed.
func New(opts Options) (*Exchange, error) {
	opts, err := normalize(opts)
	if err != nil {
		return nil, err
	}
	e := &Exchange{opts: opts, sc: opts.Scenario, net: opts.Network, reserve: -1}
	if err := e.open(); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

func normalize(o Options) (Options, error) {
	if o.Scenario == nil {
		o.Scenario = mustLookup(ScenarioLoop)
	}
	if o.Host == "" {
		o.Host = o.Scenario.Host
	}
	if o.Host == "" {
		o.Host = DefaultHost
	}
	if o.Network == nil {
		host, err := netip.ParseAddr(o.Host)
		if err != nil || !host.IsLoopback() {
			return o, fmt.Errorf("exchange: host %q is not a loopback address: use 127.0.0.1 or ::1", o.Host)
		}
		o.Network = Loopback{Host: host}
	}
	if o.Port < 0 || o.Port > 65535 {
		return o, fmt.Errorf("exchange: port %d out of range: use 1-65535, or 0 for a free port", o.Port)
	}
	if o.Clients < 0 {
		return o, fmt.Errorf("exchange: %d clients: use 1 or more", o.Clients)
	}
	if o.Scenario.Clients > 0 {
		o.Clients = o.Scenario.Clients
	}
	if o.Clients == 0 {
		o.Clients = 1
	}
	msgs := o.Messages
	if len(msgs) == 0 {
		msgs = DefaultMessages()
	}
	if msgs[len(msgs)-1] != End {
		msgs = append(msgs[:len(msgs):len(msgs)], End)
	}
	for i, m := range msgs[:len(msgs)-1] {
		if m == "" || strings.Contains(m, End) {
			return o, fmt.Errorf("exchange: message %d (%q) must be non-empty and must not contain %q, which ends the turn", i+1, m, End)
		}
	}
	o.Messages = msgs
	return o, nil
}

// Scenario returns the scenario this exchange plays.
func (e *Exchange) Scenario() *Scenario { return e.sc }

// Port returns the server's port.
func (e *Exchange) Port() int { return int(e.addr.Port()) }

// Addr returns the server's address.
func (e *Exchange) Addr() netip.AddrPort { return e.addr }

// Messages returns what each client sends, "##" last.
func (e *Exchange) Messages() []string { return append([]string(nil), e.opts.Messages...) }

// Clients returns how many clients the scenario runs.
func (e *Exchange) Clients() int { return e.opts.Clients }

// Close closes the server's sockets. Run must have returned.
func (e *Exchange) Close() error {
	var errs []error
	if e.ln != nil {
		if err := e.ln.Close(); err != nil {
			errs = append(errs, fmt.Errorf("exchange: close listener: %w", err))
		}
		e.ln = nil
	}
	if e.udp != nil {
		if err := e.udp.Close(); err != nil {
			errs = append(errs, fmt.Errorf("exchange: close UDP socket: %w", err))
		}
		e.udp = nil
	}
	if e.reserve >= 0 {
		closeFD(e.reserve)
		e.reserve = -1
	}
	if err := e.diag.close(); err != nil {
		errs = append(errs, fmt.Errorf("exchange: close sock_diag sockets: %w", err))
	}
	return errors.Join(errs...)
}

// Run plays the scenario and returns when both ends are done (for the
// loop: every connection closed on both ends), or at the first error.
// Cancelling ctx aborts it. Run may be called again after it returned;
// not concurrently.
func (e *Exchange) Run(ctx context.Context) error {
	if !e.running.CompareAndSwap(false, true) {
		return errors.New("exchange: Run is already running")
	}
	defer e.running.Store(false)

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if e.ln != nil {
		stopUnblock := context.AfterFunc(ctx, func() { e.ln.SetDeadline(pastDeadline()) })
		defer func() {
			if !stopUnblock() {
				e.ln.SetDeadline(time.Time{}) // undo, so Run can be called again
			}
		}()
	}
	if e.udp != nil {
		stopUnblock := context.AfterFunc(ctx, func() { e.udp.SetDeadline(pastDeadline()) })
		defer func() {
			if !stopUnblock() {
				e.udp.SetDeadline(time.Time{})
			}
		}()
	}
	r := &Run{ex: e}
	err := e.sc.Play(ctx, r)
	r.wg.Wait()
	if cerr := context.Cause(ctx); cerr != nil && (err == nil || ctx.Err() != nil) {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("scenario %s: %w", e.sc.Name, err)
	}
	return nil
}

// both runs the server and client halves of a scenario at once and
// returns the first error; the other half is cancelled then.
func both(ctx context.Context, server, client func(ctx context.Context) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	var first error
	var once sync.Once
	run := func(f func(context.Context) error) {
		defer wg.Done()
		if err := f(ctx); err != nil {
			once.Do(func() { first = err })
			cancel(err)
		}
	}
	wg.Add(2)
	go run(server)
	go run(client)
	wg.Wait()
	return first
}

// recv waits for a signal from the other side, or the end of the run.
func recv[T any](ctx context.Context, ch <-chan T) (T, error) {
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		var zero T
		return zero, context.Cause(ctx)
	}
}

// endState is a socket's state from the kernel's table, found by its local
// and remote address; a socket not in the table is CLOSED.
func endState(local, remote netip.AddrPort, table []KernelState) KernelState {
	for _, k := range table {
		if k.Local == local && k.Remote == remote {
			return k
		}
	}
	return KernelState{Local: local, Remote: remote, State: StateClosed}
}

// connState is conn's state from TCP_INFO.
func connState(conn *net.TCPConn) (KernelState, error) {
	st, err := TCPInfoState(conn)
	if err != nil {
		return KernelState{}, err
	}
	return KernelState{
		Local:  unmapped(conn.LocalAddr()),
		Remote: unmapped(conn.RemoteAddr()),
		State:  st,
	}, nil
}

func unmapped(a net.Addr) netip.AddrPort {
	var ap netip.AddrPort
	switch a := a.(type) {
	case *net.TCPAddr:
		ap = a.AddrPort()
	case *net.UDPAddr:
		ap = a.AddrPort()
	default:
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}
