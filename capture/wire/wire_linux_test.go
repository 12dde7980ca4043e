//go:build linux

package wire

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
)

// testWait bounds every wait of these tests; each takes milliseconds
// (seconds where the kernel's retransmission timers run).
const testWait = 30 * time.Second

// openWire opens a wire for a test, skipping without the privileges, and
// checks at the end of the test that nothing of it is left.
func openWire(t *testing.T, cfg Config) *Wire {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w, err := Open(ctx, cfg)
	if errors.Is(err, ErrPrivilege) {
		cancel()
		t.Skipf("needs root: %v", err)
	}
	if err != nil {
		cancel()
		t.Fatalf("Open: %v", err)
	}
	before := wireInodes(t, w)
	t.Cleanup(func() {
		cancel()
		if err := w.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		tm := w.Timings()
		t.Logf("wire setup %.2f ms, teardown %.2f ms", float64(tm.SetupNS)/1e6, float64(tm.TeardownNS)/1e6)
		assertNoLeftovers(t, before)
	})
	return w
}

// listen opens a TCP listener in the server's namespace.
func listen(t *testing.T, w *Wire) *net.TCPListener {
	t.Helper()
	var ln net.Listener
	err := w.Do(Server, func() (err error) {
		lc := net.ListenConfig{KeepAlive: -1}
		ln, err = lc.Listen(context.Background(), "tcp", netip.AddrPortFrom(Addr(Server), 0).String())
		return err
	})
	if err != nil {
		t.Fatalf("listen in the server namespace: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.(*net.TCPListener)
}

// dial connects from the client's namespace.
func dial(t *testing.T, w *Wire, to netip.AddrPort) (*net.TCPConn, error) {
	t.Helper()
	var c net.Conn
	err := w.Do(Client, func() (err error) {
		d := net.Dialer{KeepAlive: -1, Timeout: testWait}
		c, err = d.Dial("tcp", to.String())
		return err
	})
	if err != nil {
		return nil, err
	}
	return c.(*net.TCPConn), nil
}

// readUntil reads segments from the wire until done says so.
func readUntil(t *testing.T, w *Wire, done func([]capture.Segment) bool) []capture.Segment {
	t.Helper()
	type result struct {
		segs []capture.Segment
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		dec := capture.NewDecoder()
		var r result
		for !done(r.segs) {
			p, err := w.Next()
			if err != nil {
				r.err = err
				break
			}
			var seg capture.Segment
			if dec.Decode(&p, &seg).OK {
				r.segs = append(r.segs, seg)
			}
		}
		ch <- r
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("after %d segments: %v", len(r.segs), r.err)
		}
		return r.segs
	case <-time.After(testWait):
		w.Close()
		r := <-ch
		t.Fatalf("condition not met within %v; segments: %v", testWait, segsText(r.segs))
	}
	return nil
}

func segsText(segs []capture.Segment) string {
	s := ""
	for _, g := range segs {
		s += "\n  " + segText(g)
	}
	return s
}

func segText(g capture.Segment) string {
	return g.SrcEndpoint().String() + " > " + g.DstEndpoint().String() + " [" + g.Flags.String() + "] len " +
		strconv.Itoa(int(g.PayloadLen)) + " " + g.Verdict.String()
}

// echoOnce serves one connection: read, echo, wait for EOF, close.
func echoOnce(ln *net.TCPListener) <-chan error {
	done := make(chan error, 1)
	go func() {
		c, err := ln.AcceptTCP()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		buf := make([]byte, 1024)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				if _, err := c.Write(buf[:n]); err != nil {
					done <- err
					return
				}
			}
			if errors.Is(err, io.EOF) {
				done <- nil
				return
			}
			if err != nil {
				done <- err
				return
			}
		}
	}()
	return done
}

func TestWireCarriesATCPConnectionFromClientToServerNamespace(t *testing.T) {
	w := openWire(t, Config{})
	ln := listen(t, w)
	served := echoOnce(ln)
	c, err := dial(t, w, ln.Addr().(*net.TCPAddr).AddrPort())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	if got := c.LocalAddr().(*net.TCPAddr).AddrPort().Addr(); got != Addr(Client) {
		t.Errorf("client socket on %v, want %v", got, Addr(Client))
	}
	if _, err := c.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 5)
	if _, err := io.ReadFull(c, got); err != nil || string(got) != "hello" {
		t.Fatalf("echo: %q, %v", got, err)
	}
	c.Close()
	if err := <-served; err != nil {
		t.Fatalf("server: %v", err)
	}
	segs := readUntil(t, w, func(s []capture.Segment) bool {
		fins := 0
		for _, g := range s {
			if g.Flags.Has(capture.FIN) {
				fins++
			}
		}
		return fins == 2 && s[len(s)-1].Flags == capture.ACK
	})
	if f := segs[0]; f.Flags != capture.SYN || f.Src != Addr(Client) || f.Dst != Addr(Server) {
		t.Errorf("first packet %s, want a SYN from the client to the server", segText(f))
	}
	var last int64
	for i, g := range segs {
		if g.Verdict != capture.Passed {
			t.Errorf("packet %d %s: want passed", i+1, segText(g))
		}
		if g.Proto != capture.ProtoTCP || g.Src.Is6() {
			t.Errorf("packet %d is not TCP over IPv4: %s", i+1, segText(g))
		}
		if g.TimeNS < last {
			t.Errorf("packet %d goes back in time", i+1)
		}
		if g.Frame != uint64(i+1) {
			t.Errorf("packet %d has frame %d", i+1, g.Frame)
		}
		last = g.TimeNS
	}
}

func TestOpenWithoutPrivilegesSaysWhatItNeeds(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("runs as root: the missing-privilege path is exercised by the e2e test as nobody")
	}
	_, err := Open(context.Background(), Config{})
	if !errors.Is(err, ErrPrivilege) {
		t.Fatalf("Open as uid %d: %v, want ErrPrivilege", os.Geteuid(), err)
	}
}
