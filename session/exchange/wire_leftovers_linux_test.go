//go:build linux

package exchange_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/sockdiag"
	"github.com/handshake-viz/handshake-viz/capture/wire"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/exchange"
	"github.com/handshake-viz/handshake-viz/session/feed"
)

// childEnv makes the test binary run the killed child's part.
const childEnv = "HANDSHAKE_VIZ_WIRE_CHILD"

// nsLinePrefix starts the child's line naming its wire's namespaces.
const nsLinePrefix = "wire-namespaces "

// killedWait bounds the parent's waits.
const killedWait = 20 * time.Second

// runKilledChild is the child: it starts the filtered scenario (a
// listener, a client in SYN-SENT re-sending its SYN for two minutes),
// says which namespaces its wire has once the first SYN is on the wire,
// and waits to be killed.
func runKilledChild() {
	sc, err := exchange.Lookup(exchange.ScenarioFiltered)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	tl := session.NewTimeline()
	ctx := context.Background()
	st, err := exchange.Start(ctx, exchange.Options{Scenario: sc, Trace: tl, Wire: exchange.WireOptions{SynRetries: 7}})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	go feed.Run(ctx, st.Source, feed.Options{Timeline: tl})
	go st.Exchange.Run(ctx)
	for tl.Len() == 0 {
		<-tl.Changed()
	}
	ns, err := st.Source.(*wire.Wire).Namespaces()
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	fmt.Println(nsLinePrefix + ns[0] + " " + ns[1])
	select {} // until SIGKILL
}

func TestKilledWireRunLeavesNoNamespaceTUNDeviceOrSocket(t *testing.T) {
	if os.Getenv(childEnv) == "drop" {
		t.Skip("the child of another test")
	}
	if os.Getenv(childEnv) == "1" {
		runKilledChild()
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root: the lossy wire needs CAP_SYS_ADMIN and CAP_NET_ADMIN (CI runs as root)")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWireRunLeavesNoNamespaceTUNDeviceOrSocket$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, nsLinePrefix) || strings.HasPrefix(l, "error") {
				lines <- l
				return
			}
		}
		close(lines)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(killedWait):
		t.Fatal("the child never said which namespaces its wire has")
	}
	if !strings.HasPrefix(line, nsLinePrefix) {
		t.Fatalf("child: %q", line)
	}
	ids := strings.Fields(strings.TrimPrefix(line, nsLinePrefix))
	// Hold the child's namespaces, so that what is in them can still be
	// looked at after the child is gone.
	held := holdNamespaces(t, cmd.Process.Pid, ids)
	defer func() {
		for _, f := range held {
			f.Close()
		}
	}()
	// Before the kill the check sees the wire: its TUN device in each
	// namespace, the listener and the connecting client.
	for i, f := range held {
		devs, socks, err := nsContents(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(devs) != 1 || len(socks) == 0 {
			t.Fatalf("namespace %s before the kill: devices %v, sockets %v; want the TUN device and a socket", ids[i], devs, socks)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true

	// No other process holds them: only this test's own descriptors.
	self := fmt.Sprintf("/proc/%d/", os.Getpid())
	for _, h := range wire.NamespaceHolders(ids) {
		if !strings.HasPrefix(h, self) {
			t.Errorf("after the kill the namespace is still held: %s", h)
		}
	}
	// In each: no TUN device (it went with the child's fd), and no socket
	// (the listener went at once; a socket still closing would go within
	// about a second, tcp_orphan_retries=1).
	for i, f := range held {
		if err := waitNamespaceEmpty(f); err != nil {
			t.Errorf("namespace %s: %v", ids[i], err)
		}
	}
	for _, f := range held {
		f.Close()
	}
	held = nil
	if h := wire.NamespaceHolders(ids); len(h) > 0 {
		t.Errorf("the namespaces are still held after the test let go of them: %v", h)
	}
}

// holdNamespaces opens the namespaces ids that process pid holds.
func holdNamespaces(t *testing.T, pid int, ids []string) []*os.File {
	t.Helper()
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []*os.File
	fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	for _, fd := range fds {
		target, err := os.Readlink(fd)
		if err != nil || !want[target] {
			continue
		}
		f, err := os.Open(fd)
		if err != nil {
			t.Fatalf("hold %s: %v", target, err)
		}
		delete(want, target)
		out = append(out, f)
	}
	if len(want) > 0 {
		t.Fatalf("the child holds no descriptor of %v", want)
	}
	return out
}

// nsContents lists the namespace's devices but lo and its TCP sockets.
func nsContents(ns *os.File) (devs []string, socks []sockdiag.Socket, err error) {
	err = wire.InNamespace(ns, func() error {
		b, err := os.ReadFile("/proc/thread-self/net/dev")
		if err != nil {
			return err
		}
		for _, l := range strings.Split(string(b), "\n")[2:] {
			if name, _, ok := strings.Cut(strings.TrimSpace(l), ":"); ok && name != "lo" {
				devs = append(devs, name)
			}
		}
		socks, err = sockdiag.Dump()
		return err
	})
	return devs, socks, err
}

// waitNamespaceEmpty waits until the namespace has no device but lo and
// no TCP socket, polling its tables (bounded by killedWait).
func waitNamespaceEmpty(ns *os.File) error {
	deadline := time.Now().Add(killedWait)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		devs, socks, err := nsContents(ns)
		if err != nil {
			return err
		}
		if len(devs) == 0 && len(socks) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("devices %v and sockets %v remain", devs, socks)
		}
		<-tick.C
	}
}

func TestCancellingTheContextClosesTheWireAndCloseLeavesNothing(t *testing.T) {
	sc, err := exchange.Lookup(exchange.ScenarioFiltered)
	if err != nil {
		t.Fatal(err)
	}
	before := procNetFDs(t)
	tl := session.NewTimeline()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := exchange.Start(ctx, exchange.Options{Scenario: sc, Trace: tl, Wire: exchange.WireOptions{SynRetries: 7}})
	if errors.Is(err, wire.ErrPrivilege) {
		t.Skipf("needs root: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	ns, err := st.Source.(*wire.Wire).Namespaces()
	if err != nil {
		t.Fatal(err)
	}
	fed := make(chan error, 1)
	go func() {
		_, err := feed.Run(context.Background(), st.Source, feed.Options{Timeline: tl})
		fed <- err
	}()
	ran := make(chan error, 1)
	go func() { ran <- st.Exchange.Run(ctx) }()
	for tl.Len() == 0 { // the first SYN is on the wire: the client is connecting
		<-tl.Changed()
	}
	cancel()
	select {
	case <-fed: // the wire closed: its Source ended
	case <-time.After(killedWait):
		t.Fatal("the wire's Source did not end when the context was cancelled")
	}
	select {
	case err := <-ran:
		if err == nil {
			t.Error("Run returned no error after the cancel")
		}
	case <-time.After(killedWait):
		t.Fatal("Run did not return when the context was cancelled")
	}
	if err := st.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	assertWireGone(t, ns, before)
}

// runDroppedChild is the child of the privilege test: it starts a wire
// scenario, gives up every capability as the demo does once its capture
// is open, and then plays the scenario.
func runDroppedChild() {
	sc, err := exchange.Lookup(exchange.ScenarioLostACK)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	tl := session.NewTimeline()
	ctx, cancel := context.WithTimeout(context.Background(), killedWait)
	defer cancel()
	st, err := exchange.Start(ctx, exchange.Options{Scenario: sc, Trace: tl})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	defer st.Close()
	if _, _, _, err := capture.DropPrivileges(); err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	status, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "CapEff:") {
			fmt.Println("caps", strings.TrimSpace(strings.TrimPrefix(l, "CapEff:")))
		}
	}
	go feed.Run(ctx, st.Source, feed.Options{Timeline: tl})
	if err := st.Exchange.Run(ctx); err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	fmt.Println("ran ok")
}

func TestWireScenarioRunsAfterTheProgramGaveUpItsCapabilities(t *testing.T) {
	if os.Getenv(childEnv) == "drop" {
		runDroppedChild()
		return
	}
	if os.Getenv(childEnv) != "" {
		t.Skip("the child of another test")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root: the lossy wire needs CAP_SYS_ADMIN and CAP_NET_ADMIN (CI runs as root)")
	}
	env := []string{childEnv + "=drop"}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "SUDO_") { // stay root: only the capabilities go
			env = append(env, e)
		}
	}
	run := func(bin string) string {
		cmd := exec.Command(bin, "-test.run=^TestWireScenarioRunsAfterTheProgramGaveUpItsCapabilities$")
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "ran ok") {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return string(out)
	}
	const none = "caps 0000000000000000"
	text := run(os.Args[0])
	if !strings.Contains(text, none) {
		// A binary built with cgo cannot change the capabilities of all
		// its threads (syscall.AllThreadsSyscall: ENOTSUP), so the demo's
		// DropPrivileges keeps them there: build the child without cgo,
		// as the program is released.
		goTool, err := exec.LookPath("go")
		if err != nil {
			t.Skipf("this test binary was built with cgo (capabilities cannot be dropped on all threads) and no go tool is at hand to build one without: %v", err)
		}
		bin := filepath.Join(t.TempDir(), "exchange.test")
		build := exec.Command(goTool, "test", "-c", "-o", bin, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("build the test binary without cgo: %v\n%s", err, out)
		}
		text = run(bin)
	}
	if !strings.Contains(text, none) {
		t.Errorf("the child kept capabilities:\n%s", text)
	}
}
