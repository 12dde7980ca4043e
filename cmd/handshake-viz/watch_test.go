package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childRoleEnv, when set, makes the test binary a helper process (see
// TestMain) instead of running tests.
const childRoleEnv = "HV_TEST_CHILD"

// childName is the name (comm) the connection-making helper runs under: a
// symlink to the test binary, so /proc/PID/comm says it.
const childName = "hvconnmaker"

// childMain is the test binary re-executed as a helper. Role "connect"
// opens one connection to each address of HV_CHILD_ADDRS (comma
// separated), prints "ready" and the local ports, holds them until stdin
// ends, then resets them (SO_LINGER 0: a single RST each, no FIN
// exchange).
func childMain(role string) int {
	switch role {
	case "connect":
	case "listen":
		return childListen()
	default:
		fmt.Fprintf(os.Stderr, "unknown helper role %q\n", role)
		return 2
	}
	var conns []*net.TCPConn
	var ports []string
	for _, a := range strings.Split(os.Getenv("HV_CHILD_ADDRS"), ",") {
		addr, err := net.ResolveTCPAddr("tcp", a)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		c, err := net.DialTCP("tcp", nil, addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		conns = append(conns, c)
		ports = append(ports, strconv.Itoa(c.LocalAddr().(*net.TCPAddr).Port))
	}
	fmt.Println("ready " + strings.Join(ports, ","))
	io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		c.SetLinger(0)
		c.Close()
	}
	return 0
}

// childListen is role "listen": it listens on HV_CHILD_LISTEN, prints
// "ready", accepts and holds connections until stdin ends.
func childListen() int {
	ln, err := net.Listen("tcp", os.Getenv("HV_CHILD_LISTEN"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	ln.Close()
	return 0
}

// connMaker is a running helper process holding connections.
type connMaker struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	ports []int // local ports of its connections, in the order asked
}

// startConnMaker runs the helper under childName and waits until it holds
// a connection to each of addrs.
func startConnMaker(t *testing.T, addrs []string) *connMaker {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), childName)
	if err := os.Symlink(self, link); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(link)
	cmd.Env = append(os.Environ(), childRoleEnv+"=connect", "HV_CHILD_ADDRS="+strings.Join(addrs, ","))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m := &connMaker{cmd: cmd, stdin: stdin}
	t.Cleanup(func() { m.stdin.Close(); m.cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ready ") {
		t.Fatalf("helper did not get ready: %q, %v", line, err)
	}
	for _, p := range strings.Split(strings.TrimSpace(strings.TrimPrefix(line, "ready ")), ",") {
		n, _ := strconv.Atoi(p)
		m.ports = append(m.ports, n)
	}
	return m
}

// release makes the helper reset its connections and waits for it.
func (m *connMaker) release(t *testing.T) {
	t.Helper()
	m.stdin.Close()
	if err := m.cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
}

// holdingListener accepts connections on loopback and holds them.
func holdingListener(t *testing.T) (net.Listener, int) {
	t.Helper()
	return holdingListenerAt(t, "127.0.0.1:0")
}

// holdingListenerAt is holdingListener on addr.
func holdingListenerAt(t *testing.T, addr string) (net.Listener, int) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range held {
			c.Close()
		}
	})
	return ln, ln.Addr().(*net.TCPAddr).Port
}

// lineReader hands over the lines of r on a channel, closed at EOF.
func lineReader(r io.Reader) <-chan string {
	out := make(chan string, 1024)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
		for sc.Scan() {
			out <- sc.Text()
		}
	}()
	return out
}

func TestWatchJSONSeesEveryConnectionOnceWithItsProcessAndFiltersOtherPorts(t *testing.T) {
	for _, iface := range []string{"lo", "any"} {
		t.Run(iface, func(t *testing.T) { watchJSONConnections(t, iface) })
	}
}

// watchJSONConnections runs watch --json on iface while a helper process
// makes two IPv4 and one IPv6 connection to the filtered port, and one to
// another port for each.
func watchJSONConnections(t *testing.T, iface string) {
	needRoot(t)
	_, port := holdingListener(t)
	_, other := holdingListener(t)
	holdingListenerAt(t, fmt.Sprintf("[::1]:%d", port))
	holdingListenerAt(t, fmt.Sprintf("[::1]:%d", other))
	const conns = 3

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// SYN, SYN-ACK, ACK and the RST of each connection.
	cmd := exec.CommandContext(ctx, binPath, "watch", "-i", iface, "--json", "-c", strconv.Itoa(4*conns), "tcp", "port", strconv.Itoa(port))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	errLines := lineReader(stderr)
	select {
	case l := <-errLines:
		if !strings.Contains(l, "listening on "+iface) {
			t.Fatalf("first stderr line %q, want the listening line", l)
		}
	case <-ctx.Done():
		t.Fatal("watch never said it was listening")
	}

	addrs := []string{}
	for _, host := range []string{"127.0.0.1", "127.0.0.1", "[::1]"} {
		addrs = append(addrs, fmt.Sprintf("%s:%d", host, port), fmt.Sprintf("%s:%d", host, other))
	}
	maker := startConnMaker(t, addrs)
	var wantPorts []int // the client ports of the connections to port
	for i, p := range maker.ports {
		if i%2 == 0 {
			wantPorts = append(wantPorts, p)
		}
	}

	lines := lineReader(stdout)
	var all []map[string]any
	// Hold the connections until watch has shown each one's SYN.
	for syns := 0; syns < conns; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("watch ended early after %d lines", len(all))
			}
			m := ndjson(t, []byte(l))[0]
			all = append(all, m)
			if m["kind"] == "segment" && flagsOf(m) == "SYN" {
				syns++
			}
		case <-ctx.Done():
			t.Fatalf("watch did not show %d SYNs: %v", conns, all)
		}
	}
	maker.release(t)
	for l := range lines {
		all = append(all, ndjson(t, []byte(l))[0])
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("watch -c %d: %v", 4*conns, err)
	}

	var summaries []map[string]any
	segsPerStream := map[int]int{}
	for _, m := range all {
		switch m["kind"] {
		case "segment":
			stream := int(m["stream"].(float64))
			segsPerStream[stream]++
			p, ok := m["process"].(map[string]any)
			if !ok || p["name"] != childName || int(p["pid"].(float64)) != maker.cmd.Process.Pid || p["end"] != "client" {
				t.Errorf("segment %v of stream %d: process %v, want %s pid %d on the client's end",
					m["n"], stream, m["process"], childName, maker.cmd.Process.Pid)
			}
		case "summary":
			summaries = append(summaries, m)
		}
	}
	if len(summaries) != conns || len(segsPerStream) != conns {
		t.Fatalf("%d summaries over %d streams, want %d: %v", len(summaries), len(segsPerStream), conns, all)
	}
	var gotPorts []int
	for _, s := range summaries {
		st := s["stream"].(map[string]any)
		client, server := st["client"].(string), st["server"].(string)
		if !strings.HasSuffix(server, ":"+strconv.Itoa(port)) {
			t.Errorf("stream %v to %s: the filter `tcp port %d` let another port through", st["index"], server, port)
		}
		cp, _ := strconv.Atoi(client[strings.LastIndexByte(client, ':')+1:])
		gotPorts = append(gotPorts, cp)
		if p, ok := s["process"].(map[string]any); !ok || p["name"] != childName {
			t.Errorf("summary of stream %v: process %v, want %s", st["index"], s["process"], childName)
		}
		if st["packets"].(float64) != 4 || st["close"] != "rst" {
			t.Errorf("stream %v: %v packets, close %v; want 4 and rst", st["index"], st["packets"], st["close"])
		}
	}
	slices.Sort(gotPorts)
	slices.Sort(wantPorts)
	if !slices.Equal(gotPorts, wantPorts) {
		t.Errorf("client ports seen %v, want each of the helper's %v once", gotPorts, wantPorts)
	}
}

func TestWatchWithoutCapNetRawSaysToRunWithSudoAndExits1(t *testing.T) {
	needRoot(t) // to drop to nobody
	cmd := exec.Command(binPath, "watch", "-i", "lo", "--json", "port", "9")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: nobody(t)}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("watch as nobody: %v, want exit status 1; output %q", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "sudo handshake-viz watch") || !strings.Contains(lines[0], "CAP_NET_RAW") {
		t.Errorf("output %q, want one line saying to run it with sudo", out)
	}
}

func TestWatchRefusesABadFilterNamingTheToken(t *testing.T) {
	var out, errb strings.Builder
	code := run([]string{"watch", "-i", "lo", "--json", "tcp", "port", "http2x"}, strings.NewReader(""), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "http2x") || strings.Count(errb.String(), "\n") != 1 {
		t.Errorf("exit %d, stderr %q: want 1 and one line naming the bad token", code, errb.String())
	}
}

func TestWatchWriteNeverReplacesAFileWithoutForce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.pcapng")
	if err := os.WriteFile(path, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb strings.Builder
	code := run([]string{"watch", "-i", "lo", "--json", "--write", path}, strings.NewReader(""), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "--force") {
		t.Errorf("exit %d, stderr %q: want 1 and a hint to use --force", code, errb.String())
	}
	if b, _ := os.ReadFile(path); string(b) != "keep" {
		t.Errorf("the file was changed: %q", b)
	}
}

// statusUID is the real uid of a running process, from /proc/PID/status.
func statusUID(t *testing.T, pid int) string { return statusField(t, pid, "Uid:") }

// statusField is the first value of a line of /proc/PID/status.
func statusField(t *testing.T, pid int, name string) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) > 1 && f[0] == name {
			return f[1]
		}
	}
	t.Fatalf("no %s line in /proc/%d/status", name, pid)
	return ""
}

func TestWatchThroughSudoDropsToTheUserYetNamesRootsProcessesAndWritesTheUsersFile(t *testing.T) {
	needRoot(t)
	sudoer := nobody(t)
	_, port := holdingListener(t)
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil { // the user writes the file
		t.Fatal(err)
	}
	pcap := filepath.Join(dir, "watch.pcapng")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, "watch", "-i", "lo", "--json", "-c", "4", "--write", pcap, "tcp port "+strconv.Itoa(port))
	cmd.Env = append(os.Environ(), fmt.Sprintf("SUDO_UID=%d", sudoer.Uid), fmt.Sprintf("SUDO_GID=%d", sudoer.Gid))
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	errLines := lineReader(stderr)
	if l := <-errLines; !strings.Contains(l, "listening on") {
		t.Fatalf("first stderr line %q, want the listening line", l)
	}
	if uid := statusUID(t, cmd.Process.Pid); uid != strconv.Itoa(int(sudoer.Uid)) {
		t.Errorf("watch runs as uid %s after opening its socket, want the sudo user's %d", uid, sudoer.Uid)
	}
	// CAP_DAC_READ_SEARCH (bit 2) and CAP_SYS_PTRACE (bit 19), nothing else.
	for _, set := range []string{"CapEff:", "CapPrm:"} {
		if got := statusField(t, cmd.Process.Pid, set); got != "0000000000080004" {
			t.Errorf("watch's %s %s after dropping root, want 0000000000080004 (only the two the process lookup needs)", set, got)
		}
	}
	maker := startConnMaker(t, []string{fmt.Sprintf("127.0.0.1:%d", port)}) // runs as root
	lines := lineReader(stdout)
	first := ndjson(t, []byte(<-lines))[0]
	maker.release(t)
	for range lines {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("watch: %v", err)
	}
	for l := range errLines {
		t.Errorf("unexpected stderr line: %s", l)
	}
	if p, ok := first["process"].(map[string]any); !ok || p["name"] != childName {
		t.Errorf("first segment's process %v, want the root-owned %s", first["process"], childName)
	}
	fi, err := os.Stat(pcap)
	if err != nil {
		t.Fatalf("--write: %v", err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != sudoer.Uid {
		t.Errorf("--write file owned by uid %d, want the sudo user's %d", st.Uid, sudoer.Uid)
	}
	var out, errb strings.Builder
	if code := run([]string{"analyze", "--json", pcap}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("analyze the written file: %d %s", code, errb.String())
	}
	rep := ndjson(t, []byte(out.String()))[0]
	if rep["packets"].(float64) != 4 || len(rep["streams"].([]any)) != 1 {
		t.Errorf("written file: %v packets, %d streams; want the 4 of one connection", rep["packets"], len(rep["streams"].([]any)))
	}
}

func TestWatchDurationEndsAQuietCaptureWith0AndNoLines(t *testing.T) {
	needRoot(t)
	_, port := holdingListener(t) // nothing connects to it
	start := time.Now()
	out, err := exec.Command(binPath, "watch", "-i", "lo", "--json", "--duration", "300ms", "tcp port "+strconv.Itoa(port)).Output()
	if err != nil {
		t.Fatalf("watch --duration 300ms: %v", err)
	}
	if len(out) != 0 {
		t.Errorf("a capture that saw nothing printed %q", out)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("ended after %v, before its --duration", d)
	}
}

func TestWatchFlagsOutOfRangeAreOneLineAndExit1BeforeCapturing(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-c", "-1"}, "-c -1"},
		{[]string{"--duration", "-1s"}, "--duration"},
		{[]string{"--speed", "0"}, "--speed"},
		{[]string{"--lang", "fr"}, "--lang"},
		{[]string{"tcp", "port"}, "port"},
		{[]string{"host", "example.com"}, "example.com"},
		{[]string{"-i", "no-such-if0", "--json"}, "no-such-if0"},
	} {
		var out, errb strings.Builder
		code := run(append([]string{"watch"}, tc.args...), strings.NewReader(""), &out, &errb)
		msg := errb.String()
		if code != 1 || !strings.Contains(msg, tc.want) || strings.Count(msg, "\n") != 1 || out.Len() != 0 {
			t.Errorf("watch %v: exit %d, stderr %q, stdout %q; want 1 and one line naming %q", tc.args, code, msg, out.String(), tc.want)
		}
	}
}
