package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// More clients than local ports within TIME-WAIT's 60 s: once the kernel
// has no free port left for a bind, the demo binds the ports whose
// connection is in TIME-WAIT itself (SO_REUSEADDR), and connect takes the
// TIME-WAIT over (the old connection used TCP timestamps), so every client
// runs. The demo runs in a network namespace of its own whose port range
// has 100 ports; 300 clients need each port about three times.
func TestDemoClientsReuseTimeWaitPortsPastTheRange(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: a network namespace with its own port range")
	}
	for _, tool := range []string{"unshare", "ip", "sysctl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	const (
		clients           = 300
		lowPort, highPort = 40000, 40099
	)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	script := fmt.Sprintf(`ip link set lo up && sysctl -q -w net.ipv4.ip_local_port_range="%d %d" && sysctl -q -w net.ipv4.tcp_timestamps=1 && exec "$0" demo --clients %d --json`, lowPort, highPort, clients)
	cmd := exec.CommandContext(ctx, "unshare", "-n", "sh", "-c", script, binPath)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ctx.Err() != nil {
		t.Fatalf("the demo was still running after 60 s (stderr %q)", stderr.String())
	}
	if err != nil {
		t.Fatalf("demo --clients %d in a range of 100 ports: %v, want success (stderr %q)", clients, err, stderr.String())
	}
	// Every line has a kind; a summary's stream is an object (other
	// kinds have the stream's index there).
	type line struct {
		Kind   string          `json:"kind"`
		Stream json.RawMessage `json:"stream"`
	}
	type summary struct {
		Client    string `json:"client"`
		Handshake string `json:"handshake"`
		Close     string `json:"close"`
	}
	ports := map[uint16]int{}
	n := 0
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if l.Kind != "summary" {
			continue
		}
		n++
		var s summary
		if err := json.Unmarshal(l.Stream, &s); err != nil {
			t.Fatalf("summary %q: %v", sc.Text(), err)
		}
		ap, err := netip.ParseAddrPort(s.Client)
		if err != nil {
			t.Fatalf("summary %d: client %q: %v", n, s.Client, err)
		}
		if p := ap.Port(); p < lowPort || p > highPort {
			t.Errorf("summary %d: client port %d outside the namespace's range %d-%d", n, p, lowPort, highPort)
		}
		if s.Handshake != "complete" || s.Close != "fin4" {
			t.Errorf("summary %d (%s): handshake %q, close %q, want complete and fin4", n, s.Client, s.Handshake, s.Close)
		}
		ports[ap.Port()]++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != clients {
		t.Fatalf("%d summaries, want %d (stderr %q)", n, clients, stderr.String())
	}
	// 300 clients on at most 100 ports: ports were used again.
	if len(ports) > highPort-lowPort+1 {
		t.Errorf("%d distinct client ports in a range of %d", len(ports), highPort-lowPort+1)
	}
	t.Logf("%d clients on %d ports", n, len(ports))
}
