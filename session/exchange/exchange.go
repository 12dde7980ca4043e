package exchange

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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

// Options configure an Exchange.
type Options struct {
	Host     string   // loopback address to serve on; default "127.0.0.1"
	Port     int      // 0 picks a free port
	Messages []string // what each client sends; default hello, world, ## ("##" is appended if missing)
	Clients  int      // clients served one after another; default 1

	// KernelACKs leaves the timing of the ACKs of data to the kernel: a
	// delayed ACK may then ride on the echo. By default each data segment
	// is acknowledged at once by a segment of its own, the same on every
	// run. The close is a four-way close either way.
	KernelACKs bool

	Hooks Hooks // observation points for tests and the demo
}

// Hooks observe an exchange. They are called from Run's goroutine, once
// per client; nil hooks are skipped.
type Hooks struct {
	// Established is called when connect and accept have both returned:
	// both ends are ESTABLISHED (states from TCP_INFO).
	Established func(client, server KernelState)
	// Closed is called when both ends have closed their sockets: the
	// client's socket is normally in TIME-WAIT and the server's is gone,
	// "CLOSED" (states from /proc/net/tcp).
	Closed func(client, server KernelState)
}

// Exchange is a loopback echo server and the clients that talk to it.
type Exchange struct {
	opts    Options
	ln      *net.TCPListener
	addr    netip.AddrPort
	running atomic.Bool
}

// New checks opts, fills in the defaults and binds the listener, so the port
// is known before a capture is armed.
func New(opts Options) (*Exchange, error) {
	opts, err := normalize(opts)
	if err != nil {
		return nil, err
	}
	lc := net.ListenConfig{KeepAlive: -1}
	hostPort := net.JoinHostPort(opts.Host, strconv.Itoa(opts.Port))
	l, err := lc.Listen(context.Background(), "tcp", hostPort)
	if err != nil {
		return nil, fmt.Errorf("exchange: listen on %s: %w (choose another port, or 0 for a free one)", hostPort, err)
	}
	ln := l.(*net.TCPListener)
	return &Exchange{opts: opts, ln: ln, addr: ln.Addr().(*net.TCPAddr).AddrPort()}, nil
}

func normalize(o Options) (Options, error) {
	if o.Host == "" {
		o.Host = DefaultHost
	}
	host, err := netip.ParseAddr(o.Host)
	if err != nil || !host.IsLoopback() {
		return o, fmt.Errorf("exchange: host %q is not a loopback address: use 127.0.0.1 or ::1", o.Host)
	}
	if o.Port < 0 || o.Port > 65535 {
		return o, fmt.Errorf("exchange: port %d out of range: use 1-65535, or 0 for a free port", o.Port)
	}
	if o.Clients < 0 {
		return o, fmt.Errorf("exchange: %d clients: use 1 or more", o.Clients)
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

// Port returns the server's port.
func (e *Exchange) Port() int { return int(e.addr.Port()) }

// Addr returns the server's address.
func (e *Exchange) Addr() netip.AddrPort { return e.addr }

// Messages returns what each client sends, "##" last.
func (e *Exchange) Messages() []string { return append([]string(nil), e.opts.Messages...) }

// Close closes the listener. Run must have returned.
func (e *Exchange) Close() error {
	if err := e.ln.Close(); err != nil {
		return fmt.Errorf("exchange: close listener: %w", err)
	}
	return nil
}

// turn carries one client's rendezvous with the server.
type turn struct {
	accepted chan KernelState // the server's end after accept
	endRead  chan struct{}    // the server read "##" (and acknowledged it)
	closed   chan struct{}    // the server's close returned: its FIN was acknowledged
}

func newTurn() turn {
	return turn{accepted: make(chan KernelState, 1), endRead: make(chan struct{}, 1), closed: make(chan struct{}, 1)}
}

// Run serves the clients one after another and returns when the last one's
// connection is closed on both ends, or at the first error. Cancelling ctx
// aborts it (a server close already waiting for the ACK of its FIN still
// waits, at most lingerSeconds). Run may be called again after it
// returned; not concurrently.
func (e *Exchange) Run(ctx context.Context) error {
	if !e.running.CompareAndSwap(false, true) {
		return errors.New("exchange: Run is already running")
	}
	defer e.running.Store(false)

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stopUnblock := context.AfterFunc(ctx, func() { e.ln.SetDeadline(pastDeadline()) })
	defer func() {
		if !stopUnblock() {
			e.ln.SetDeadline(time.Time{}) // undo, so Run can be called again
		}
	}()

	turns := make([]turn, e.opts.Clients)
	for i := range turns {
		turns[i] = newTurn()
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := e.serve(ctx, turns); err != nil {
			cancel(err)
		}
	})
	for i := range turns {
		if err := e.client(ctx, i, turns[i]); err != nil {
			cancel(err)
			break
		}
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
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

// unblockOnDone makes conn's blocked I/O fail when ctx ends; call the
// returned func when done with conn.
func unblockOnDone(ctx context.Context, conn *net.TCPConn) func() bool {
	return context.AfterFunc(ctx, func() { conn.SetDeadline(pastDeadline()) })
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
	ap := a.(*net.TCPAddr).AddrPort()
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}
