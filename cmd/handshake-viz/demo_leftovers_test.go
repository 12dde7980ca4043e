package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// tcpStateNames are the kernel's numbers of the TCP states in /proc/net/tcp.
var tcpStateNames = map[string]string{
	"01": "ESTABLISHED", "02": "SYN-SENT", "03": "SYN-RECEIVED", "04": "FIN-WAIT-1",
	"05": "FIN-WAIT-2", "06": "TIME-WAIT", "07": "CLOSED", "08": "CLOSE-WAIT",
	"09": "LAST-ACK", "0A": "LISTEN", "0B": "CLOSING",
}

// socketsOnPort lists the kernel's IPv4 and IPv6 TCP sockets with port as
// their local or remote port: their state names and whether a process
// still holds them (a non-zero inode).
func socketsOnPort(t *testing.T, port int) (states []string, held int) {
	t.Helper()
	hexPort := ":" + strings.ToUpper(strconv.FormatInt(int64(port), 16))
	for len(hexPort) < 5 {
		hexPort = ":0" + hexPort[1:]
	}
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 10 {
				continue
			}
			if !strings.HasSuffix(f[1], hexPort) && !strings.HasSuffix(f[2], hexPort) {
				continue
			}
			states = append(states, tcpStateNames[f[3]])
			if f[9] != "0" {
				held++
			}
		}
	}
	return states, held
}

// freePort returns a port of 127.0.0.1 that nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// A finished demo leaves nothing of its own behind: on its port only the
// kernel's TIME-WAIT sockets of the closed connections remain (held by no
// process, gone after 60 s), no listener, no other state.
func TestDemoLeavesOnlyTheKernelsTimeWaitSocketsOnItsPort(t *testing.T) {
	needRoot(t)
	port := freePort(t)
	out, err := exec.Command(binPath, "demo", "--no-tui", "--clients", "3", "-m", "hi", "--port", strconv.Itoa(port)).CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	states, held := socketsOnPort(t, port)
	if held != 0 {
		t.Errorf("%d sockets on port %d still held by a process after the demo ended: %v", held, port, states)
	}
	timeWait := 0
	for _, s := range states {
		if s != "TIME-WAIT" {
			t.Errorf("a %s socket on port %d after the demo ended (want only TIME-WAIT): %v", s, port, states)
		}
		timeWait++
	}
	// The client closes first in the loop exchange: one TIME-WAIT per client.
	if timeWait != 3 {
		t.Errorf("%d TIME-WAIT sockets on port %d, want 3 (one per client): %v", timeWait, port, states)
	}
}

// A demo killed in the middle of its clients (SIGKILL: it can clean
// nothing) leaves no listener and no held socket, and the next demo on the
// same --port starts and runs to its end despite the killed run's
// TIME-WAIT sockets.
func TestDemoKilledMidRunLeavesThePortUsableForTheNextRun(t *testing.T) {
	needRoot(t)
	port := freePort(t)
	cmd := exec.Command(binPath, "demo", "--json", "--clients", "1000", "-m", "hi", "--port", strconv.Itoa(port))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	for lines := 0; lines < 40 && sc.Scan(); lines++ {
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the demo was not killed mid-run (%v): it should still have been serving clients", cmd.ProcessState)
	}
	states, held := socketsOnPort(t, port)
	if held != 0 {
		t.Errorf("%d sockets on port %d held after the killed demo: %v", held, port, states)
	}
	for _, s := range states {
		if s == "LISTEN" {
			t.Errorf("a listener is left on port %d after the killed demo: %v", port, states)
		}
	}
	out, err := exec.Command(binPath, "demo", "--no-tui", "-m", "again", "--port", strconv.Itoa(port)).CombinedOutput()
	if err != nil {
		t.Fatalf("the next demo on port %d: %v\n%s", port, err, out)
	}
	if !strings.Contains(string(out), "TIME-WAIT") {
		t.Errorf("the next demo on port %d did not run to its close:\n%s", port, out)
	}
}
