//go:build linux

package exchange

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/handshake-viz/handshake-viz/session"
)

// nsNetwork is both ends of an exchange in one network namespace of the
// test's own (its loopback, its port range).
type nsNetwork struct{ ns *os.File }

func (nsNetwork) Addr(session.Dir) netip.Addr { return netip.MustParseAddr(DefaultHost) }

// Do runs f on a locked thread inside the namespace.
func (n nsNetwork) Do(_ session.Dir, f func() error) error {
	return onOtherNetNS(func() error {
		if err := unix.Setns(int(n.ns.Fd()), unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("enter the test's network namespace: %w", err)
		}
		return f()
	})
}

// onOtherNetNS runs f, which may move its thread to another network
// namespace, on a fresh goroutine locked to its thread, and moves the
// thread back before unlocking it. (A thread left in another namespace
// must not serve other goroutines; and when the goroutine ran on the main
// thread, which Go never ends, /proc/self/net of the whole process would
// show the other namespace.) If the way back fails the thread stays
// locked and is ended with the goroutine.
func onOtherNetNS(f func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			done <- err
			return
		}
		defer orig.Close()
		ferr := f()
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
			done <- errors.Join(ferr, fmt.Errorf("return to the original network namespace: %w", err))
			return
		}
		runtime.UnlockOSThread()
		done <- ferr
	}()
	return <-done
}

// newNetNS makes a network namespace with lo up, the local port range
// lo-hi and TCP timestamps on or off.
func newNetNS(t *testing.T, lo, hi uint16, timestamps bool) nsNetwork {
	t.Helper()
	skipUnlessRoot(t)
	var n nsNetwork
	err := onOtherNetNS(func() error {
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("create a network namespace: %w", err)
		}
		ns, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			return err
		}
		n.ns = ns
		ctl, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(ctl)
		r, err := unix.NewIfreq("lo")
		if err != nil {
			return err
		}
		if err := unix.IoctlIfreq(ctl, unix.SIOCGIFFLAGS, r); err != nil {
			return fmt.Errorf("read lo's flags: %w", err)
		}
		r.SetUint16(r.Uint16() | unix.IFF_UP | unix.IFF_RUNNING)
		if err := unix.IoctlIfreq(ctl, unix.SIOCSIFFLAGS, r); err != nil {
			return fmt.Errorf("bring lo up: %w", err)
		}
		ts := "0"
		if timestamps {
			ts = "1"
		}
		for path, v := range map[string]string{
			portRangeFile:                       fmt.Sprintf("%d %d", lo, hi),
			"/proc/sys/net/ipv4/tcp_timestamps": ts,
		} {
			if err := os.WriteFile(path, []byte(v), 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if n.ns != nil {
			n.ns.Close()
		}
		t.Fatalf("network namespace: %v", err)
	}
	t.Cleanup(func() { n.ns.Close() })
	return n
}

// connects records the connect calls of a run.
type connects struct {
	mu    sync.Mutex
	enter []netip.AddrPort // the local address of each connect's enter
	ret   []string         // each connect's result
}

func (c *connects) Record(call session.Call, local, _ netip.AddrPort, _ session.KernelView) {
	if call.Call != session.CallConnect {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if call.Phase == session.CallEnter {
		c.enter = append(c.enter, local)
	} else {
		c.ret = append(c.ret, call.Result)
	}
}

// calls returns the enters' local addresses and the results so far.
func (c *connects) calls() ([]netip.AddrPort, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]netip.AddrPort(nil), c.enter...), append([]string(nil), c.ret...)
}

// nsRun makes a network namespace (lo up, local ports lo-hi, TCP
// timestamps on or off) and an exchange in it whose server listens on
// port 5000 (outside the range), with a Run of it that the test drives
// itself, recording its connect calls; ctx ends with the test or after
// runWait.
func nsRun(t *testing.T, lo, hi uint16, timestamps bool) (context.Context, *Run, *connects, nsNetwork) {
	t.Helper()
	n := newNetNS(t, lo, hi, timestamps)
	sink := &connects{}
	ex, err := New(Options{Network: n, Port: 5000, Calls: sink})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { ex.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), runWait)
	t.Cleanup(cancel)
	return ctx, &Run{ex: ex}, sink, n
}

// clientClosesFirst has the client close first and the server after the
// client's FIN, and waits until the kernel has the client's end in
// TIME-WAIT.
func clientClosesFirst(t *testing.T, r *Run, cc, sc *Conn) {
	t.Helper()
	if err := cc.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sc.RecvEOF(); err != nil {
		t.Fatal(err)
	}
	if err := sc.Close(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(time.Millisecond) {
		v := r.KernelView(cc.Local(), r.Server())
		if v.Known && v.Client == session.TimeWait {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("client %v: %+v, want TIME-WAIT", cc.Local(), v)
		}
	}
}

// dialAccept connects a client and accepts it.
func dialAccept(ctx context.Context, t *testing.T, r *Run) (cc, sc *Conn) {
	t.Helper()
	cc, err := r.Dial(ctx)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	sc, err = r.Accept(ctx)
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	return cc, sc
}

func TestDialTakesOverTimeWaitPortsOnceTheRangeIsFull(t *testing.T) {
	const lo, hi = 40000, 40003
	ctx, r, sink, _ := nsRun(t, lo, hi, true)
	const clients = 12 // three times the range
	used := map[uint16]int{}
	for i := range clients {
		cc, sc := dialAccept(ctx, t, r)
		if p := cc.Local().Port(); p < lo || p > hi {
			t.Fatalf("client %d: port %d outside the range %d-%d", i, p, lo, hi)
		}
		used[cc.Local().Port()]++
		if enter, _ := sink.calls(); enter[len(enter)-1] != cc.Local() {
			t.Errorf("client %d: connect's enter was recorded from %v, the socket is %v", i, enter[len(enter)-1], cc.Local())
		}
		clientClosesFirst(t, r, cc, sc)
	}
	if len(used) > hi-lo+1 || !r.ports.isFull() {
		t.Errorf("ports used %v, picked by the run: %v; want at most %d ports, picked once the kernel had none", used, r.ports.isFull(), hi-lo+1)
	}
	// Two at once, each port in TIME-WAIT: each dial gets a port of its
	// own (a port handed out stays busy until its connect returned).
	var wg sync.WaitGroup
	ccs := make([]*Conn, 2)
	errs := make([]error, 2)
	for i := range ccs {
		wg.Go(func() { ccs[i], errs[i] = r.Dial(ctx) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("two dials at once: %v", err)
	}
	if ccs[0].Local() == ccs[1].Local() {
		t.Errorf("two dials at once both from %v", ccs[0].Local())
	}
	for range ccs {
		sc, err := r.Accept(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer sc.closeQuietly()
	}
	for _, cc := range ccs {
		cc.closeQuietly()
	}
	if _, ret := sink.calls(); len(ret) != clients+2 || strings.Count(strings.Join(ret, " "), "ok") != clients+2 {
		t.Errorf("connect results %v, want %d ok", ret, clients+2)
	}
}

func TestDialWithEveryPortHeldByALiveConnectionSaysNoLocalPortIsFree(t *testing.T) {
	const lo, hi = 40000, 40001
	ctx, r, sink, _ := nsRun(t, lo, hi, true)
	for range hi - lo + 1 { // open, both ends: every port is a live connection
		cc, sc := dialAccept(ctx, t, r)
		defer cc.closeQuietly()
		defer sc.closeQuietly()
	}
	_, err := r.Dial(ctx)
	var full *NoFreePortError
	if !errors.As(err, &full) || !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("dial with every port taken: %v, want a NoFreePortError (EADDRINUSE)", err)
	}
	if full.Lo != lo || full.Hi != hi || full.Live != hi-lo+1 {
		t.Errorf("%+v, want range %d-%d with %d live connections", *full, lo, hi, hi-lo+1)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "no local port is free") || !strings.Contains(msg, "TIME-WAIT") || !strings.Contains(msg, "ip_local_port_range") {
		t.Errorf("error %q, want one line saying no local port is free, with the hint", msg)
	}
	if enter, _ := sink.calls(); len(enter) != hi-lo+1 {
		t.Errorf("%d connect calls recorded, want %d: the failed dial never called connect", len(enter), hi-lo+1)
	}
	t.Log(msg)
}

// activeOpens is the namespace's TcpActiveOpens: connects that sent a SYN.
func activeOpens(t *testing.T, n nsNetwork) int {
	t.Helper()
	var opens int
	err := n.Do(session.FromClient, func() error {
		b, err := os.ReadFile("/proc/thread-self/net/snmp")
		if err != nil {
			return err
		}
		var names []string
		for l := range strings.Lines(string(b)) {
			f := strings.Fields(l)
			if len(f) == 0 || f[0] != "Tcp:" {
				continue
			}
			if names == nil {
				names = f
				continue
			}
			for i, name := range names {
				if name == "ActiveOpens" && i < len(f) {
					opens, err = strconv.Atoi(f[i])
					return err
				}
			}
		}
		return errors.New("no Tcp ActiveOpens in /proc/net/snmp")
	})
	if err != nil {
		t.Fatal(err)
	}
	return opens
}

func TestDialWithoutTimestampsStopsAtTheTimeWaitWithOneLineAndNoSYN(t *testing.T) {
	const lo, hi = 40000, 40001
	ctx, r, sink, n := nsRun(t, lo, hi, false)
	for range hi - lo + 1 {
		cc, sc := dialAccept(ctx, t, r)
		clientClosesFirst(t, r, cc, sc)
	}
	before := activeOpens(t, n)
	_, err := r.Dial(ctx)
	if !errors.Is(err, syscall.EADDRNOTAVAIL) {
		t.Fatalf("dial with every port in a TIME-WAIT without timestamps: %v, want EADDRNOTAVAIL", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "no local port is free") || !strings.Contains(msg, "TIME-WAIT") || !strings.Contains(msg, "net.ipv4.tcp_timestamps") {
		t.Errorf("error %q, want one line saying the TIME-WAIT is kept without timestamps", msg)
	}
	if after := activeOpens(t, n); after != before {
		t.Errorf("%d SYNs sent by the refused connect, want none", after-before)
	}
	// One connect call, failed: Go's dialer, which opens another socket
	// after EADDRNOTAVAIL, does not make it three.
	if enter, ret := sink.calls(); len(enter) != hi-lo+2 || len(ret) != hi-lo+2 || ret[len(ret)-1] != "EADDRNOTAVAIL" {
		t.Errorf("connects called from %v, returned %v; want %d calls, the last EADDRNOTAVAIL", enter, ret, hi-lo+2)
	}
	t.Log(msg)
}

func TestParsePortRange(t *testing.T) {
	for _, tc := range []struct {
		in     string
		lo, hi uint16
		ok     bool
	}{
		{"32768\t60999\n", 32768, 60999, true},
		{"40000 40000", 40000, 40000, true},
		{"", 0, 0, false},
		{"40000", 0, 0, false},
		{"40099 40000", 0, 0, false},
		{"0 10", 0, 0, false},
		{"1 65536", 0, 0, false},
		{"a b", 0, 0, false},
	} {
		lo, hi, err := parsePortRange(tc.in)
		if (err == nil) != tc.ok || lo != tc.lo || hi != tc.hi {
			t.Errorf("parsePortRange(%q) = %d, %d, %v; want %d, %d, ok %v", tc.in, lo, hi, err, tc.lo, tc.hi, tc.ok)
		}
	}
}

func TestClientPortsRoundRobinSkipsBusyPorts(t *testing.T) {
	var p clientPorts
	reads := 0
	read := func() (uint16, uint16, error) { reads++; return 100, 102, nil }
	for range 2 {
		if lo, hi, err := p.portRange(read); lo != 100 || hi != 102 || err != nil {
			t.Fatalf("portRange = %d, %d, %v", lo, hi, err)
		}
	}
	if reads != 1 {
		t.Errorf("range read %d times, want once", reads)
	}
	var got []string
	for range 4 {
		port, ok := p.take()
		got = append(got, fmt.Sprint(port, ok))
	}
	p.release(101)
	port, ok := p.take()
	got = append(got, fmt.Sprint(port, ok))
	// 100 and 102 are still busy (never released), 101 came back.
	if want := "100 true,101 true,102 true,100 false,101 true"; strings.Join(got, ",") != want {
		t.Errorf("takes %s, want %s", strings.Join(got, ","), want)
	}
}

// Once the run's clients hold poolMax ports, it cycles through those: a
// run of many clients leaves at most poolMax TIME-WAITs behind, however
// wide the range, and every client still connects.
func TestDialCyclesThroughItsPoolOfPortsOnceItHoldsThatMany(t *testing.T) {
	const lo, hi, pool = 40000, 40999, 3
	ctx, r, sink, _ := nsRun(t, lo, hi, true)
	r.ports.poolMax = pool
	const clients = 10
	used := map[uint16]int{}
	var order []uint16
	for range clients {
		cc, sc := dialAccept(ctx, t, r)
		used[cc.Local().Port()]++
		order = append(order, cc.Local().Port())
		clientClosesFirst(t, r, cc, sc)
	}
	if len(used) != pool {
		t.Errorf("ports used %v (in order %v), want the %d of the pool", used, order, pool)
	}
	for i := pool; i < clients; i++ {
		if order[i] != order[i%pool] {
			t.Errorf("client %d from port %d, want %d: the pool is cycled in order (%v)", i, order[i], order[i%pool], order)
		}
	}
	if _, ret := sink.calls(); strings.Count(strings.Join(ret, " "), "ok") != clients {
		t.Errorf("connect results %v, want %d ok", ret, clients)
	}
}

func TestClientPortsPoolFillsWithDistinctPortsThenCycles(t *testing.T) {
	p := clientPorts{poolMax: 3}
	for _, port := range []uint16{500, 501, 500, 502, 503} {
		p.note(port)
	}
	if !p.isFull() || p.candidates() != 3 {
		t.Fatalf("full %v with %d candidates, want a full pool of 3", p.isFull(), p.candidates())
	}
	var got []string
	for range 4 {
		port, ok := p.take()
		got = append(got, fmt.Sprint(port, ok))
		p.release(port)
	}
	if want := "500 true,501 true,502 true,500 true"; strings.Join(got, ",") != want {
		t.Errorf("takes %s, want %s (503 came after the pool was full)", strings.Join(got, ","), want)
	}
	if !p.unpool() || p.unpool() {
		t.Error("unpool: want true once (the pool was in use), then false")
	}
}
