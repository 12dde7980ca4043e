package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// vethPeer is a network namespace this test creates, joined to the host
// by a veth pair: a real (non-loopback) Ethernet interface whose traffic
// stays on this machine.
type vethPeer struct {
	ns, hostIf string
	hostIP     string
	peerIP     string
}

func ipCmd(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

func newVethPeer(t *testing.T) *vethPeer {
	t.Helper()
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("iproute2 (ip) not installed")
	}
	id := os.Getpid() % 10000
	v := &vethPeer{ns: fmt.Sprintf("hvw%d", id), hostIf: fmt.Sprintf("hvw%da", id),
		hostIP: "10.213.7.1", peerIP: "10.213.7.2"}
	peerIf := fmt.Sprintf("hvw%db", id)
	if out, err := exec.Command("ip", "netns", "add", v.ns).CombinedOutput(); err != nil {
		t.Skipf("cannot create a network namespace here: %v: %s", err, out)
	}
	t.Cleanup(func() {
		exec.Command("ip", "link", "del", v.hostIf).Run()
		exec.Command("ip", "netns", "del", v.ns).Run()
	})
	ipCmd(t, "link", "add", v.hostIf, "type", "veth", "peer", "name", peerIf)
	ipCmd(t, "link", "set", peerIf, "netns", v.ns)
	ipCmd(t, "addr", "add", v.hostIP+"/30", "dev", v.hostIf)
	ipCmd(t, "link", "set", v.hostIf, "up")
	ipCmd(t, "-n", v.ns, "addr", "add", v.peerIP+"/30", "dev", peerIf)
	ipCmd(t, "-n", v.ns, "link", "set", peerIf, "up")
	ipCmd(t, "-n", v.ns, "link", "set", "lo", "up")
	return v
}

// listenIn runs the listening helper inside the namespace.
func (v *vethPeer) listenIn(t *testing.T, port int) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ip", "netns", "exec", v.ns, self)
	cmd.Env = append(os.Environ(), childRoleEnv+"=listen", fmt.Sprintf("HV_CHILD_LISTEN=%s:%d", v.peerIP, port))
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	if l, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || l != "ready\n" {
		t.Fatalf("listener in %s: %q %v", v.ns, l, err)
	}
}

func TestWatchOnARealInterfaceKeepsTheOutgoingPacketsOnce(t *testing.T) {
	needRoot(t)
	v := newVethPeer(t)
	const port = 4477
	v.listenIn(t, port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// SYN (out), SYN-ACK (in), ACK (out), RST (out).
	cmd := exec.CommandContext(ctx, binPath, "watch", "-i", v.hostIf, "--json", "-c", "4", "tcp port "+strconv.Itoa(port))
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if l := <-lineReader(stderr); !strings.Contains(l, "listening on "+v.hostIf) {
		t.Fatalf("first stderr line %q", l)
	}
	maker := startConnMaker(t, []string{fmt.Sprintf("%s:%d", v.peerIP, port)})
	lines := lineReader(stdout)
	var got []map[string]any
	for len(got) < 3 {
		select {
		case l := <-lines:
			got = append(got, ndjson(t, []byte(l))[0])
		case <-ctx.Done():
			t.Fatalf("saw only %v", got)
		}
	}
	maker.release(t)
	for l := range lines {
		got = append(got, ndjson(t, []byte(l))[0])
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("watch: %v", err)
	}
	var seq []string
	for _, m := range got {
		if m["kind"] == "segment" {
			seq = append(seq, m["from"].(string)+":"+flagsOf(m))
			if p, ok := m["process"].(map[string]any); !ok || p["name"] != childName {
				t.Errorf("segment %v: process %v, want %s", m["n"], m["process"], childName)
			}
		}
	}
	// Linux's abort is an RST with ACK.
	want := "client:SYN server:SYN,ACK client:ACK client:RST,ACK"
	if strings.Join(seq, " ") != want {
		t.Errorf("segments %q, want %q: each packet once, the host's outgoing ones included", strings.Join(seq, " "), want)
	}
}
