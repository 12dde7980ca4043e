package main

import (
	"bytes"
	"context"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/session/exchange"
)

// demoJSON runs `handshake-viz demo --json ARGS` (as nobody when cred is
// set) and returns its lines and stderr.
func demoJSON(t *testing.T, cred *syscall.Credential, env []string, args ...string) ([]map[string]any, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, binPath, append([]string{"demo", "--json"}, args...)...)
	cmd.Stderr = &stderr
	if cred != nil {
		cmd.Dir = "/"
		cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=/"}, env...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	out, err := cmd.Output()
	if err != nil {
		return nil, stderr.String(), err
	}
	return ndjson(t, out), stderr.String(), nil
}

// nobody returns the credentials of user nobody (skipping when not root).
func nobody(t *testing.T) *syscall.Credential {
	t.Helper()
	needRoot(t) // to switch to nobody
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Skipf("no nobody user: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
}

// index returns the position of the first line after from for which f
// holds, or -1.
func index(lines []map[string]any, from int, f func(map[string]any) bool) int {
	for i := from + 1; i < len(lines); i++ {
		if f(lines[i]) {
			return i
		}
	}
	return -1
}

func seg(from, flags string) func(map[string]any) bool {
	return func(m map[string]any) bool { return m["kind"] == "segment" && m["from"] == from && flagsOf(m) == flags }
}

func call(side, name, phase string) func(map[string]any) bool {
	return func(m map[string]any) bool {
		return m["kind"] == "call" && m["side"] == side && m["call"] == name && m["phase"] == phase
	}
}

func TestDemoJSONOfLoopPutsTheSocketCallsBetweenTheRightPackets(t *testing.T) {
	needRoot(t)
	lines, stderr, err := demoJSON(t, nil, nil, "--scenario", "loop")
	if err != nil {
		t.Fatalf("demo --json: %v\nstderr: %s", err, stderr)
	}
	if src := lines[0]; src["kind"] != "source" || src["source"] != "live" || src["scenario"] != "loop" || src["capture"] != "lo" || src["notice"] == "" {
		t.Errorf("first line = %v, want the live source of scenario loop on lo with its notice", src)
	}
	checkExchangeEvents(t, lines[1:])
	syn, synack := index(lines, -1, seg("client", "SYN")), index(lines, -1, seg("server", "SYN,ACK"))
	third := index(lines, synack, seg("client", "ACK"))
	fin := index(lines, -1, func(m map[string]any) bool {
		return m["kind"] == "segment" && m["from"] == "client" && strings.Contains(flagsOf(m), "FIN")
	})
	connect, connected := index(lines, -1, call("client", "connect", "call")), index(lines, -1, call("client", "connect", "return"))
	accepted := index(lines, -1, call("server", "accept", "return"))
	closing := index(lines, -1, func(m map[string]any) bool {
		return m["kind"] == "call" && m["side"] == "client" && m["phase"] == "call" && (m["call"] == "shutdown" || m["call"] == "close")
	})
	t.Logf("connect %d SYN %d SYN-ACK %d connect→ %d third ACK %d accept→ %d close %d FIN %d", connect, syn, synack, connected, third, accepted, closing, fin)
	for _, c := range []struct {
		what string
		a, b int
	}{
		{"connect() is called before the SYN", connect, syn},
		{"connect() returns after the SYN-ACK", synack, connected},
		{"accept() returns after the third ACK", third, accepted},
		{"the client's shutdown()/close() comes before its FIN", closing, fin},
	} {
		if c.a < 0 || c.b < 0 || c.a >= c.b {
			t.Errorf("%s: lines %d and %d", c.what, c.a, c.b)
		}
	}
	if r := lines[connected]["result"]; r != "ok" {
		t.Errorf("connect() result %v, want ok", r)
	}
	for _, l := range lines {
		if l["kind"] != "call" {
			continue
		}
		if n, _ := l["note"].(string); n == "" || strings.HasPrefix(n, "call.") {
			t.Errorf("call line without narration: %v", l)
		}
		if l["phase"] == "return" && l["result"] == nil {
			t.Errorf("a return without its result: %v", l)
		}
		if _, err := time.Parse(time.RFC3339Nano, l["time"].(string)); err != nil {
			t.Errorf("call time %v: %v", l["time"], err)
		}
	}
}

func TestDemoNoTUIOfAScenarioNamesItInTheTitleAndSaysWhatToNotice(t *testing.T) {
	needRoot(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, binPath, "demo", "--no-tui", "--scenario", "loop").Output()
	if err != nil {
		t.Fatalf("demo --no-tui: %v", err)
	}
	lines := strings.Split(string(out), "\n")
	if !strings.Contains(lines[0], "loop") || !strings.Contains(lines[0], "live capture on lo") {
		t.Errorf("title line %q must name the scenario and the capture", lines[0])
	}
	if !strings.HasPrefix(lines[1], "What to notice: ") {
		t.Errorf("second line %q must be the notice", lines[1])
	}
	if !strings.Contains(string(out), "◆ connect() → ok") {
		t.Errorf("the text ladder lacks the socket calls:\n%s", out)
	}
}

func TestDemoAsNobodyRunsLiveInAUserNamespaceWithItsMessagesAndClients(t *testing.T) {
	cred := nobody(t)
	lines, stderr, err := demoJSON(t, cred, nil, "-m", "hi", "--clients", "2")
	if err != nil {
		t.Fatalf("demo --json as nobody: %v\nstderr: %s", err, stderr)
	}
	if strings.Contains(stderr, "refused a user namespace") {
		t.Skipf("this kernel refuses unprivileged user namespaces: %s", stderr)
	}
	if lines[0]["kind"] != "source" || lines[0]["source"] != "live (user namespace)" {
		t.Fatalf("first line %v, want source live (user namespace); stderr %s", lines[0], stderr)
	}
	summaries, data := 0, 0
	for _, l := range lines {
		switch {
		case l["kind"] == "summary":
			summaries++
		case l["kind"] == "segment" && l["from"] == "client" && l["len"].(float64) == 2 && flagsOf(l) == "PSH,ACK":
			data++ // "hi" and "##"
		}
	}
	if summaries != 2 || data != 4 {
		t.Errorf("%d connections and %d two-byte client segments, want 2 clients each sending hi and ##", summaries, data)
	}
	if stderr != "" {
		t.Errorf("stderr %q, want nothing", stderr)
	}
}

func TestDemoAsNobodyRefusesTheLossyWireInOneLine(t *testing.T) {
	cred := nobody(t)
	runs := [][]string{{"--loss", "0.1"}}
	for _, sc := range exchange.Scenarios() {
		if sc.Wire != nil {
			runs = append(runs, []string{"--scenario", sc.Name})
		}
	}
	for _, args := range runs {
		_, stderr, err := demoJSON(t, cred, nil, args...)
		if err == nil {
			t.Errorf("%v as nobody succeeded", args)
			continue
		}
		msg := strings.TrimSpace(stderr)
		if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "/dev/net/tun") || !strings.Contains(msg, "sudo") {
			t.Errorf("%v: stderr %q, want one line naming /dev/net/tun and sudo", args, msg)
		}
	}
}

func TestDemoFallbackSaysMessagesAndClientsAreIgnored(t *testing.T) {
	cred := nobody(t)
	lines, stderr, err := demoJSON(t, cred, []string{"HANDSHAKE_VIZ_USERNS=off"}, "-m", "hi", "--clients", "2")
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	if got := strings.Split(strings.TrimSpace(stderr), "\n"); len(got) != 2 || !strings.Contains(got[1], "ignored") {
		t.Errorf("stderr %q, want the fallback line and one saying -m and --clients are ignored", stderr)
	}
	if lines[0]["kind"] == "source" {
		t.Errorf("the recording has no live source line: %v", lines[0])
	}
}

func TestDemoUnknownScenarioListsTheNamesInOneLine(t *testing.T) {
	code, _, stderr := runArgs("demo", "--scenario", "nope")
	msg := strings.TrimSpace(stderr)
	if code != 1 || strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "loop") || !strings.Contains(msg, `"nope"`) {
		t.Errorf("status %d, stderr %q", code, msg)
	}
}

func TestDemoWireFlagsOutOfRangeAreRefusedBeforeAnythingRuns(t *testing.T) {
	for _, args := range [][]string{{"--loss", "1.5"}, {"--delay", "-1s"}, {"--syn-retries", "200"}, {"--recorded", "--scenario", "nope"}} {
		if _, err := parseDemo(t, args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
