package exchange

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"github.com/handshake-viz/handshake-viz/session"
)

// syscallConn is a connection whose fd can be reached (TCP and UDP).
type syscallConn interface {
	SyscallConn() (syscall.RawConn, error)
}

// Run is one run of a scenario, handed to its Play function: the
// scenario's sockets, the options, the trace, and the helpers that open
// and use sockets so that every call is recorded.
type Run struct {
	ex    *Exchange
	wg    sync.WaitGroup // goroutines started with Go
	ports clientPorts    // the client ports DialWith picks once the kernel has none left
}

// Go runs f in a goroutine that Run waits for.
func (r *Run) Go(f func()) { r.wg.Go(f) }

// Messages returns what each client sends, "##" last.
func (r *Run) Messages() []string { return r.ex.opts.Messages }

// Clients returns how many clients to run.
func (r *Run) Clients() int { return r.ex.opts.Clients }

// KernelACKs reports whether ACK timing is left to the kernel.
func (r *Run) KernelACKs() bool { return r.ex.opts.KernelACKs }

// Hooks returns the observation hooks.
func (r *Run) Hooks() Hooks { return r.ex.opts.Hooks }

// Server returns the server's address.
func (r *Run) Server() netip.AddrPort { return r.ex.addr }

// UDP returns the server's UDP socket (nil for a TCP-only scenario).
func (r *Run) UDP() *net.UDPConn { return r.ex.udp }

// record passes a call to the sink, if any.
func (r *Run) record(c session.Call, local, remote netip.AddrPort, k session.KernelView) {
	if s := r.ex.opts.Calls; s != nil {
		s.Record(c, local, remote, k)
	}
}

// recording reports whether calls are recorded (kernel reads are skipped
// otherwise).
func (r *Run) recording() bool { return r.ex.opts.Calls != nil }

// KernelView reads the kernel's states of the connection between client
// and server: one exact sock_diag lookup in each end's network (never a
// walk of the socket table, which grows with every TIME-WAIT socket of a
// long run); a socket the kernel does not have is CLOSED. Known is false
// when the kernel cannot be read.
func (r *Run) KernelView(client, server netip.AddrPort) session.KernelView {
	var v session.KernelView
	read := func(end session.Dir, local, remote netip.AddrPort, into *session.State) error {
		return r.ex.net.Do(end, func() error {
			k, err := r.ex.diag.find(end, local, remote)
			if err != nil {
				return err
			}
			st, ok := k.SessionState()
			if !ok {
				return errors.New("unknown kernel state")
			}
			*into = st
			return nil
		})
	}
	if read(session.FromClient, client, server, &v.Client) != nil || read(session.FromServer, server, client, &v.Server) != nil {
		return session.KernelView{}
	}
	v.Known = true
	return v
}

// KernelStates returns the kernel's sockets of the server's port, read
// with sock_diag in the given end's network.
func (r *Run) KernelStates(end session.Dir) ([]KernelState, error) {
	var out []KernelState
	err := r.ex.net.Do(end, func() error {
		var err error
		out, err = DiagStates(r.ex.Port())
		return err
	})
	return out, err
}

// WaitTrace waits until cond holds for the captured trace (what names the
// condition in the error), rechecking at every change of the timeline.
func (r *Run) WaitTrace(ctx context.Context, what string, cond func(Trace) bool) error {
	tl := r.ex.opts.Trace
	if tl == nil {
		return fmt.Errorf("scenario %s waits for %s in the capture, but it runs without one (run it under demo, or as root)", r.ex.sc.Name, what)
	}
	for {
		changed := tl.Changed()
		if cond(Trace{Events: tl.Slice(0, tl.Len()), Server: r.ex.addr}) {
			return nil
		}
		if tl.Done() {
			return fmt.Errorf("the capture ended before %s", what)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, context.Cause(ctx))
		}
	}
}

// DialOptions change how a client connects.
//
// Every client socket has SO_REUSEADDR (set before an explicit bind, just
// after a port-0 one). It changes nothing on the wire, but the socket's
// TIME-WAIT keeps it, and Linux lets a later socket with SO_REUSEADDR bind
// that port explicitly while the TIME-WAIT lasts (a port-0 bind never
// picks such a port); DialWith relies on it once the kernel has no free
// port left.
type DialOptions struct {
	LocalPort uint16 // bind this port (SO_REUSEADDR) instead of a free one
	// ReuseAddr asks for SO_REUSEADDR on a free port (so that a later
	// socket may bind it while this one's TIME-WAIT lasts). Every client
	// socket has it anyway; the option only says so where it matters.
	ReuseAddr bool
	NoDelay   *bool // TCP_NODELAY; nil leaves Go's default (on)
	// SynRetries sets TCP_SYNCNT: how many times connect re-sends an
	// unanswered SYN before it fails with ETIMEDOUT; 0 is the kernel's.
	SynRetries int
}

// Dial connects a client to the server, recording connect.
func (r *Run) Dial(ctx context.Context) (*Conn, error) { return r.DialWith(ctx, DialOptions{}) }

// DialWith connects a client to the server with opts.
//
// The client's socket is bound before connect (to opts.LocalPort, or to a
// port the kernel picks), so that its 4-tuple is known when the connect
// is recorded, before the SYN. Every client that closes first holds its
// port in TIME-WAIT for 60 s, and a port-0 bind skips those ports. Once
// the run's clients hold clientPortPool ports, the run cycles through
// those (so that it never holds the machine's every ephemeral port); when
// a port-0 bind finds none free (EADDRINUSE) before that, it walks the
// client network's net.ipv4.ip_local_port_range round robin. A port is
// taken when the client's 4-tuple to the server is CLOSED or in TIME-WAIT
// (one exact sock_diag lookup) and an explicit bind with SO_REUSEADDR
// succeeds, which Linux allows when every other socket on the port had
// SO_REUSEADDR and does not listen. connect from such a port takes the
// TIME-WAIT of the same 4-tuple over at once when the old connection used
// TCP timestamps; without them it fails with EADDRNOTAVAIL and sends no
// SYN, and DialWith says so. Each port is tried at most once per dial: a
// range whose every port holds a live connection to the server, or a
// socket that listens or lacks SO_REUSEADDR, fails with NoFreePortError.
func (r *Run) DialWith(ctx context.Context, opts DialOptions) (*Conn, error) {
	var local netip.AddrPort
	var picked bool // local is a port this run picked from the range
	var conn net.Conn
	var returned int64 // when connect returned: the call's time, not after the kernel reads below
	server := r.ex.addr
	err := r.ex.net.Do(session.FromClient, func() error {
		bound := false
		d := net.Dialer{
			KeepAlive: -1,
			Control: func(_, _ string, rc syscall.RawConn) error {
				if bound {
					// Go's dialer opens another socket after connect
					// failed with EADDRNOTAVAIL (meant for ports connect
					// picks itself). This client's port was bound: that
					// was its one connect call, and its error (wrapped, so
					// that the dialer does not try a third time).
					return fmt.Errorf("connect: %w", syscall.EADDRNOTAVAIL)
				}
				var berr error
				if err := rc.Control(func(fd uintptr) {
					if local, picked, berr = r.bindClient(fd, opts); berr == nil && opts.SynRetries > 0 {
						berr = synRetries(fd, opts.SynRetries)
					}
				}); err != nil {
					return err
				}
				if berr == nil {
					bound = true
					r.record(session.Call{Side: session.FromClient, Call: session.CallConnect, Phase: session.CallEnter}, local, server, session.KernelView{})
				}
				return berr
			},
		}
		var err error
		conn, err = d.DialContext(ctx, "tcp", server.String())
		returned = time.Now().UnixNano()
		if picked {
			r.ports.release(local.Port()) // connected (or not): the 4-tuple speaks for itself now
		}
		return err
	})
	if local.IsValid() {
		var k session.KernelView
		if r.recording() {
			k = r.KernelView(local, server)
		}
		r.record(session.Call{Side: session.FromClient, Call: session.CallConnect, Phase: session.CallReturn, Result: errnoName(err), TimeNS: returned}, local, server, k)
	}
	var full *NoFreePortError
	switch {
	case err == nil:
	case errors.As(err, &full):
		return nil, fmt.Errorf("connect to %s: %w (no local port is free: a port whose connection is in TIME-WAIT would be taken over, but these are in use; run fewer clients at once, or widen net.ipv4.ip_local_port_range)", server, err)
	case picked && errors.Is(err, syscall.EADDRNOTAVAIL):
		return nil, fmt.Errorf("connect to %s from %s: %w (no local port is free, and the kernel keeps this port's TIME-WAIT: a connect takes a TIME-WAIT over only when the old connection used TCP timestamps; turn net.ipv4.tcp_timestamps on, or widen net.ipv4.ip_local_port_range)", server, local, err)
	default:
		return nil, fmt.Errorf("connect to %s: %w", server, err)
	}
	c := r.newConn(ctx, session.FromClient, conn.(*net.TCPConn))
	if opts.NoDelay != nil {
		if err := c.tcp.SetNoDelay(*opts.NoDelay); err != nil {
			c.tcp.Close()
			return nil, fmt.Errorf("TCP_NODELAY: %w", err)
		}
	}
	return c, nil
}

// bindClient binds a client's socket fd before connect (SO_REUSEADDR on):
// to opts.LocalPort, to a port the kernel picks, or, once the kernel has
// none left, to one picked from the range (picked true: release it when
// connect has returned). It runs in the client's network.
func (r *Run) bindClient(fd uintptr, opts DialOptions) (local netip.AddrPort, picked bool, err error) {
	host := r.ex.net.Addr(session.FromClient)
	if opts.LocalPort != 0 {
		local, err = bindControl(fd, netip.AddrPortFrom(host, opts.LocalPort), true)
		return local, false, err
	}
	if !r.ports.isFull() {
		// SO_REUSEADDR after the bind: with it set before, a port-0 bind
		// searches the lower half of the range first, which makes the
		// kernel's search slow long before the range is full.
		local, err = bindControl(fd, netip.AddrPortFrom(host, 0), false)
		if err == nil {
			err = reuseAddr(fd)
		}
		if err == nil {
			r.ports.note(local.Port())
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			return local, false, err
		}
		// A failed port-0 bind walks the whole range in the kernel; the
		// run picks its ports from now on (free ones included).
		r.ports.setFull()
	}
	server := r.ex.addr
	state := func(local netip.AddrPort) (KernelState, error) {
		return r.ex.diag.find(session.FromClient, local, server)
	}
	local, err = bindFromRange(fd, &r.ports, host, server, state)
	var none *NoFreePortError
	if errors.As(err, &none) && r.ports.unpool() {
		// Every port of the pool went to someone else (their TIME-WAITs
		// ended during a slow run): walk the whole range.
		local, err = bindFromRange(fd, &r.ports, host, server, state)
	}
	return local, err == nil, err
}

// Accept takes the next connection from the listener, recording accept.
func (r *Run) Accept(ctx context.Context) (*Conn, error) {
	ln := r.ex.ln
	if ln == nil {
		return nil, errors.New("this scenario has no listener")
	}
	r.record(session.Call{Side: session.FromServer, Call: session.CallAccept, Phase: session.CallEnter}, r.ex.addr, netip.AddrPort{}, session.KernelView{})
	// The end of ctx (the other side failed: a client whose connect
	// found no free port) wakes a waiting accept.
	_ = ln.SetDeadline(time.Time{})
	stop := context.AfterFunc(ctx, func() { _ = ln.SetDeadline(time.Unix(1, 0)) })
	tc, err := ln.AcceptTCP()
	stop()
	returned := time.Now().UnixNano()
	if err != nil {
		r.record(session.Call{Side: session.FromServer, Call: session.CallAccept, Phase: session.CallReturn, Result: errnoName(err), TimeNS: 0}, r.ex.addr, netip.AddrPort{}, session.KernelView{})
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, fmt.Errorf("accept on %s: %w", r.ex.addr, err)
	}
	c := r.newConn(ctx, session.FromServer, tc)
	var k session.KernelView
	if r.recording() {
		k = r.KernelView(c.remote, c.local)
	}
	r.record(session.Call{Side: session.FromServer, Call: session.CallAccept, Phase: session.CallReturn, Result: "ok", TimeNS: returned}, c.local, c.remote, k)
	return c, nil
}

// Conn is one end's TCP socket; its calls are recorded.
type Conn struct {
	r             *Run
	side          session.Dir
	tcp           *net.TCPConn
	local, remote netip.AddrPort
	stop          func() bool
	closed        bool
}

func (r *Run) newConn(ctx context.Context, side session.Dir, tc *net.TCPConn) *Conn {
	c := &Conn{r: r, side: side, tcp: tc, local: unmapped(tc.LocalAddr()), remote: unmapped(tc.RemoteAddr())}
	c.stop = context.AfterFunc(ctx, func() { tc.SetDeadline(pastDeadline()) })
	return c
}

// TCP returns the socket, for options (not for I/O: that is not recorded).
func (c *Conn) TCP() *net.TCPConn { return c.tcp }

// Local and Remote are the socket's addresses.
func (c *Conn) Local() netip.AddrPort  { return c.local }
func (c *Conn) Remote() netip.AddrPort { return c.remote }

// ends returns the client and server addresses of the connection.
func (c *Conn) ends() (client, server netip.AddrPort) {
	if c.side == session.FromClient {
		return c.local, c.remote
	}
	return c.remote, c.local
}

// do records call around f.
func (c *Conn) do(call session.SocketCall, f func() (int, error)) (int, error) {
	c.r.record(session.Call{Side: c.side, Call: call, Phase: session.CallEnter}, c.local, c.remote, session.KernelView{})
	n, err := f()
	returned := time.Now().UnixNano() // the call's time, before the kernel reads
	var k session.KernelView
	if c.r.recording() {
		k = c.r.KernelView(c.ends())
	}
	result := errnoName(err)
	if errors.Is(err, io.EOF) {
		result = "ok" // recv returned 0: the peer's FIN
	}
	c.r.record(session.Call{Side: c.side, Call: call, Phase: session.CallReturn, Result: result, Bytes: n, TimeNS: returned}, c.local, c.remote, k)
	return n, err
}

// Send writes b (one send call).
func (c *Conn) Send(b []byte) (int, error) {
	n, err := c.do(session.CallSend, func() (int, error) { return c.tcp.Write(b) })
	if err != nil {
		return n, fmt.Errorf("send %d bytes: %w", len(b), err)
	}
	return n, nil
}

// SendString writes s (one send call).
func (c *Conn) SendString(s string) error {
	_, err := c.Send([]byte(s))
	return err
}

// Recv reads once into b (one recv call); io.EOF at the peer's FIN.
func (c *Conn) Recv(b []byte) (int, error) {
	return c.do(session.CallRecv, func() (int, error) { return c.tcp.Read(b) })
}

// RecvFull reads until b is full (as many recv calls as it takes).
func (c *Conn) RecvFull(b []byte) error {
	for got := 0; got < len(b); {
		n, err := c.Recv(b[got:])
		got += n
		if err != nil && got < len(b) {
			return fmt.Errorf("read %d of %d bytes: %w", got, len(b), err)
		}
	}
	return nil
}

// RecvEOF reads until the peer's FIN; more data is an error.
func (c *Conn) RecvEOF() error {
	var one [1]byte
	n, err := c.Recv(one[:])
	if n > 0 || !errors.Is(err, io.EOF) {
		return fmt.Errorf("wait for the peer's FIN: got %d bytes, %v", n, err)
	}
	return nil
}

// Shutdown shuts the sending half (SHUT_WR): the FIN.
func (c *Conn) Shutdown() error {
	_, err := c.do(session.CallShutdown, func() (int, error) { return 0, c.tcp.CloseWrite() })
	if err != nil {
		return fmt.Errorf("shutdown(SHUT_WR): %w", err)
	}
	return nil
}

// Close closes the socket (recorded once; later calls do nothing).
func (c *Conn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	c.stop()
	_, err := c.do(session.CallClose, func() (int, error) { return 0, c.tcp.Close() })
	if err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

// Abort closes the socket with SO_LINGER 0: the kernel sends RST, not FIN.
func (c *Conn) Abort() error {
	if err := c.tcp.SetLinger(0); err != nil {
		return fmt.Errorf("SO_LINGER 0: %w", err)
	}
	return c.Close()
}

// QuickACK makes the kernel acknowledge at once (TCP_QUICKACK).
func (c *Conn) QuickACK() error { return quickACK(c.tcp) }

// State returns this socket's kernel state (TCP_INFO).
func (c *Conn) State() (KernelState, error) { return connState(c.tcp) }

// closeQuietly closes c when a scenario ends early.
func (c *Conn) closeQuietly() {
	if !c.closed {
		c.closed = true
		c.stop()
		c.tcp.Close()
	}
}

func asErrno(err error, target *syscall.Errno) bool { return errors.As(err, target) }

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// oneConn plays a scenario of one connection: the server accepts it and
// runs serve, the client dials it and runs client, at the same time; each
// socket is closed quietly when its side returns (a side that closed it
// already is not closed again), and a failed accept or dial is named by
// its side.
func oneConn(ctx context.Context, r *Run, serve, client func(ctx context.Context, c *Conn) error) error {
	return both(ctx, func(ctx context.Context) error {
		sc, err := r.Accept(ctx)
		if err != nil {
			return fmt.Errorf("server: %w", err)
		}
		defer sc.closeQuietly()
		return serve(ctx, sc)
	}, func(ctx context.Context) error {
		cc, err := r.Dial(ctx)
		if err != nil {
			return fmt.Errorf("client: %w", err)
		}
		defer cc.closeQuietly()
		return client(ctx, cc)
	})
}

// oneConnAccepted is oneConn with the client quiet until accept returned,
// so that accept's kernel view is of that moment of the ladder, not of
// what the client did meanwhile. (Not for a wire that may lose the
// handshake's last ACK: accept would then wait for the client's data.)
func oneConnAccepted(ctx context.Context, r *Run, serve, client func(ctx context.Context, c *Conn) error) error {
	accepted := make(chan struct{}, 1)
	return oneConn(ctx, r, func(ctx context.Context, sc *Conn) error {
		accepted <- struct{}{}
		return serve(ctx, sc)
	}, func(ctx context.Context, cc *Conn) error {
		if _, err := recv(ctx, accepted); err != nil {
			return err
		}
		return client(ctx, cc)
	})
}
