package exchange

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// runWait bounds a whole exchange in the tests; one takes milliseconds.
const runWait = 30 * time.Second

func runExchange(t *testing.T, opts Options) *Exchange {
	t.Helper()
	ex, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { ex.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), runWait)
	defer cancel()
	if err := ex.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return ex
}

func skipUnlessLinux(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the kernel's TCP states are read on Linux only")
	}
}

func findState(table []KernelState, k KernelState) (KernelState, bool) {
	i := slices.IndexFunc(table, func(s KernelState) bool { return s.Local == k.Local && s.Remote == k.Remote })
	if i < 0 {
		return KernelState{}, false
	}
	return table[i], true
}

func TestRunTwoClientsKernelSeesEstablishedThenClientTimeWaitServerClosed(t *testing.T) {
	skipUnlessLinux(t)
	type seen struct{ established, closed [2]KernelState }
	var got []seen
	var port int
	hooks := Hooks{
		Established: func(client, server KernelState) {
			table, err := KernelStates(port)
			if err != nil {
				t.Errorf("KernelStates: %v", err)
			}
			for _, end := range []KernelState{client, server} {
				if end.State != "ESTABLISHED" {
					t.Errorf("TCP_INFO says %v, want ESTABLISHED", end)
				}
				if k, ok := findState(table, end); !ok || k.State != end.State {
					t.Errorf("TCP_INFO says %v, /proc/net/tcp says %v (found %t)", end, k, ok)
				}
			}
			if client.Local != server.Remote || client.Remote != server.Local {
				t.Errorf("ends do not face each other: client %v, server %v", client, server)
			}
			got = append(got, seen{established: [2]KernelState{client, server}})
		},
		Closed: func(client, server KernelState) {
			if client.State != "TIME-WAIT" {
				t.Errorf("client end after the close: %v, want TIME-WAIT (it closed first)", client)
			}
			if server.State != StateClosed {
				t.Errorf("server end after the close: %v, want CLOSED", server)
			}
			if len(got) == 0 {
				t.Fatal("Closed before Established")
			}
			got[len(got)-1].closed = [2]KernelState{client, server}
		},
	}
	ex, err := New(Options{Clients: 2, Hooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	port = ex.Port()
	ctx, cancel := context.WithTimeout(context.Background(), runWait)
	defer cancel()
	if err := ex.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("hooks saw %d clients, want 2", len(got))
	}
	if got[0].established[0].Local == got[1].established[0].Local {
		t.Errorf("both clients used %v: want one connection per client", got[0].established[0].Local)
	}
	for i, g := range got {
		if g.closed[0].Local != g.established[0].Local {
			t.Errorf("client %d: Closed reports %v, Established reported %v", i+1, g.closed[0], g.established[0])
		}
	}
	table, err := KernelStates(port)
	if err != nil {
		t.Fatal(err)
	}
	var listening int
	for _, k := range table {
		switch {
		case k.State == "LISTEN" && k.Local == ex.Addr():
			listening++
		case k.State != "TIME-WAIT":
			t.Errorf("after Run: socket %v, want only the listener and clients in TIME-WAIT", k)
		}
	}
	if listening != 1 {
		t.Errorf("after Run: %d listeners on %v, want 1 (Run may be called again)", listening, ex.Addr())
	}
}

func TestRunCanBeCalledAgain(t *testing.T) {
	ex := runExchange(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), runWait)
	defer cancel()
	if err := ex.Run(ctx); err != nil {
		t.Fatalf("second Run: %v", err)
	}
}

func TestRunStopsWhenTheContextIsCancelled(t *testing.T) {
	ex, err := New(Options{Clients: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	ctx, cancel := context.WithCancel(context.Background())
	// Cancel in the middle of the first client: when both ends are established.
	ex.opts.Hooks.Established = func(client, server KernelState) { cancel() }
	done := make(chan error, 1)
	go func() { done <- ex.Run(ctx) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run after cancel: %v, want context.Canceled", err)
		}
	case <-time.After(runWait):
		t.Fatalf("Run did not return within %v of cancel", runWait)
	}
}

func TestNewFillsDefaultsAndAppendsTheEndMessage(t *testing.T) {
	cases := []struct {
		msgs []string
		want []string
	}{
		{nil, []string{"hello", "world", End}},
		{[]string{"ping"}, []string{"ping", End}},
		{[]string{"a", "b", End}, []string{"a", "b", End}},
	}
	for _, c := range cases {
		ex, err := New(Options{Messages: c.msgs})
		if err != nil {
			t.Fatalf("New(%q): %v", c.msgs, err)
		}
		if got := ex.Messages(); !slices.Equal(got, c.want) {
			t.Errorf("New(%q).Messages() = %q, want %q", c.msgs, got, c.want)
		}
		if ex.Port() == 0 || !ex.Addr().Addr().IsLoopback() {
			t.Errorf("New(%q) bound %v, want a loopback address with a port", c.msgs, ex.Addr())
		}
		ex.Close()
	}
}

func TestNewRejectsWhatTheExchangeCannotDo(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		hint string
	}{
		{"non-loopback host", Options{Host: "192.0.2.1"}, "loopback"},
		{"host name", Options{Host: "example.com"}, "loopback"},
		{"port out of range", Options{Port: 70000}, "0 for a free port"},
		{"negative clients", Options{Clients: -1}, "1 or more"},
		{"empty message", Options{Messages: []string{"a", ""}}, "non-empty"},
		{"end marker inside a message", Options{Messages: []string{"a##b"}}, "must not contain"},
	}
	for _, c := range cases {
		ex, err := New(c.opts)
		if err == nil {
			ex.Close()
			t.Errorf("%s: New succeeded", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.hint) {
			t.Errorf("%s: error %q lacks %q", c.name, err, c.hint)
		}
	}
}

func TestNewOnATakenPortSaysWhatToDo(t *testing.T) {
	first, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := New(Options{Port: first.Port()})
	if err == nil {
		second.Close()
		t.Fatalf("New on taken port %d succeeded", first.Port())
	}
	if !strings.Contains(err.Error(), "0 for a free one") {
		t.Errorf("error %q lacks the hint", err)
	}
}
