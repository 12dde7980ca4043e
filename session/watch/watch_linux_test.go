//go:build linux

package watch

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

func TestWatchHandsOverEveryEventWithTheStatesAndTheProcessOfItsStream(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("live capture needs root (CAP_NET_RAW); run the tests with sudo")
	}
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Skip("no /proc")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	src, err := capture.OpenLive(capture.LiveConfig{Interface: "lo", Port: port})
	if err != nil {
		t.Fatal(err)
	}
	// SYN, SYN-ACK, ACK, RST: four frames per connection closed with
	// SO_LINGER 0 before any data.
	const conns = 3
	var got []session.Event
	var lives []session.LiveConn
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	w := Start(ctx, Limit(src, 4*conns, nil), Options{Events: func(ev *session.Event, _ session.StreamInfo, c session.LiveConn) error {
		got = append(got, *ev)
		lives = append(lives, c)
		return nil
	}})
	var held []*net.TCPConn
	for range conns {
		c, err := net.DialTCP("tcp", nil, ln.Addr().(*net.TCPAddr))
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	// Hold the connections until the Watch has published them all, so
	// their sockets exist when it looks their processes up.
	for {
		changed := w.Changed()
		if cs := w.Conns().Conns; len(cs) == conns && cs[conns-1].PID != 0 {
			break
		}
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("the Watch did not show %d connections with their process: %+v", conns, w.Conns())
		}
	}
	for _, c := range held {
		c.SetLinger(0)
		c.Close()
	}
	if err := w.Wait(); err != nil {
		t.Fatal(err)
	}
	if _, _, done := w.Progress(); !done {
		t.Error("the Watch ended before its catalog said it was done: a browser would wait for an end it never sees")
	}
	if len(got) != 4*conns {
		t.Fatalf("%d events, want %d", len(got), 4*conns)
	}
	name := strings.TrimSpace(string(comm))
	for i, ev := range got {
		if lives[i].PID != os.Getpid() || lives[i].Process != name || lives[i].ServerSide {
			t.Errorf("event %d (stream %d): process %d %q server=%t, want this process %d %q on the client's end",
				i, ev.Stream, lives[i].PID, lives[i].Process, lives[i].ServerSide, os.Getpid(), name)
		}
		if lives[i].Client != ev.Client || lives[i].Server != ev.Server {
			t.Errorf("event %d: live states %v/%v, event's %v/%v", i, lives[i].Client, lives[i].Server, ev.Client, ev.Server)
		}
	}
	for i, c := range w.Conns().Conns {
		if c.Client != session.Closed || c.Server != session.Closed {
			t.Errorf("stream %d after its RST: %v/%v, want CLOSED/CLOSED", i, c.Client, c.Server)
		}
	}
}

func TestWatchReportsANewOwnerWhenTheSocketPassesToAnotherProcess(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("live capture needs root (CAP_NET_RAW); run the tests with sudo")
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep(1) to hand the socket to")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	src, err := capture.OpenLive(capture.LiveConfig{Interface: "lo", Port: uint16(ln.Addr().(*net.TCPAddr).Port)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	owners := make(chan session.LiveConn, 16)
	w := Start(ctx, src, Options{
		Refresh: 20 * time.Millisecond,
		Process: func(stream int, c session.LiveConn) error {
			owners <- c
			return nil
		},
	})
	defer w.Close()
	c, err := net.DialTCP("tcp", nil, ln.Addr().(*net.TCPAddr))
	if err != nil {
		t.Fatal(err)
	}
	for {
		changed := w.Changed()
		if cs := w.Conns().Conns; len(cs) == 1 && cs[0].PID == os.Getpid() {
			break
		}
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("the connection never showed with this process: %+v", w.Conns())
		}
	}
	// Hand the client's socket to a child and close this process's copies.
	f, err := c.File()
	if err != nil {
		t.Fatal(err)
	}
	child := exec.Command(sleep, "30")
	child.ExtraFiles = []*os.File{f}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { child.Process.Kill(); child.Wait() }()
	f.Close()
	c.Close() // the socket lives on in the child: no FIN is sent
	select {
	case o := <-owners:
		if o.PID != child.Process.Pid || o.Process != "sleep" {
			t.Errorf("new owner %d %q, want the child %d sleep", o.PID, o.Process, child.Process.Pid)
		}
	case <-ctx.Done():
		t.Fatalf("no new owner reported; conns %+v", w.Conns())
	}
}
