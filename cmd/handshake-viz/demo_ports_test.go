package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// More clients than local ports within TIME-WAIT's 60 s: the run stops
// with one line that says why (it used to hang in accept once the client
// failed). The demo runs in a network namespace of its own whose port
// range has 100 ports.
func TestDemoOutOfLocalPortsStopsWithOneLineInsteadOfHanging(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: a network namespace with its own port range")
	}
	for _, tool := range []string{"unshare", "ip", "sysctl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	script := `ip link set lo up && sysctl -q -w net.ipv4.ip_local_port_range="40000 40099" && exec "$0" demo --clients 300 --json >/dev/null`
	cmd := exec.CommandContext(ctx, "unshare", "-n", "sh", "-c", script, binPath)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("the demo was still running after 60 s (stderr %q)", stderr.String())
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("demo with more clients than ports: %v, want a failing exit status (stderr %q)", err, stderr.String())
	}
	msg := strings.TrimSpace(stderr.String())
	if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "no local port is free") || !strings.Contains(msg, "TIME-WAIT") {
		t.Errorf("stderr %q, want one line saying no local port is free because of TIME-WAIT", msg)
	}
}
