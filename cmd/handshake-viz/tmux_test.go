package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the real binary in a real terminal (tmux).
type tmuxSession struct {
	t    *testing.T
	name string
	exit string // file the shell writes the exit status to
	stty string // file the shell writes `stty -a` to after the program
}

// tmuxCommand runs tmux on this test process's own server (-L), so two
// test runs on one machine never share, or kill, each other's server.
func tmuxCommand(args ...string) *exec.Cmd {
	return exec.Command("tmux", append([]string{"-L", fmt.Sprintf("hv-test-%d", os.Getpid())}, args...)...)
}

func startTmux(t *testing.T, args ...string) *tmuxSession {
	t.Helper()
	return startTmuxWith(t, "", args...)
}

// startTmuxWith is startTmux with environment assignments ("A=1 B=2")
// before the command. After the program ends, the shell writes its exit
// status and the terminal's settings (stty -a) to files of the session.
func startTmuxWith(t *testing.T, env string, args ...string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed (.ci/run installs it): apt-get install -y tmux")
	}
	dir := t.TempDir()
	s := &tmuxSession{t: t, name: fmt.Sprintf("hv-%d-%s", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-")),
		exit: filepath.Join(dir, "exit"), stty: filepath.Join(dir, "stty")}
	quoted := []string{binPath}
	for _, a := range args {
		quoted = append(quoted, "'"+a+"'")
	}
	if env != "" {
		quoted = append([]string{env}, quoted...)
	}
	shell := fmt.Sprintf("%s; echo $? > %s; stty -a > %s; sleep 30", strings.Join(quoted, " "), s.exit, s.stty)
	// A server whose last session was just killed may still be exiting
	// when the next test connects ("server exited unexpectedly"): try again.
	var out []byte
	var err error
	for try := 0; try < 5; try++ {
		cmd := tmuxCommand("new-session", "-d", "-s", s.name, "-x", "140", "-y", "40", shell)
		cmd.Env = append(os.Environ(), "TERM=xterm-256color")
		if out, err = cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "server exited") {
			break
		}
	}
	if err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { tmuxCommand("kill-session", "-t", s.name).Run() })
	return s
}

func (s *tmuxSession) screen() string {
	out, _ := tmuxCommand("capture-pane", "-p", "-t", s.name).Output()
	return string(out)
}

// waitFor polls the screen until every string shows, or fails after limit.
func (s *tmuxSession) waitFor(limit time.Duration, want ...string) {
	s.t.Helper()
	var scr, missing string
	shown := eventually(limit, 100*time.Millisecond, func() bool {
		scr, missing = s.screen(), ""
		for _, w := range want {
			if !strings.Contains(scr, w) {
				missing = w
				return false
			}
		}
		return true
	})
	if !shown {
		s.t.Fatalf("%q never showed on screen; last screen:\n%s", missing, scr)
	}
}

func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	if out, err := tmuxCommand(append([]string{"send-keys", "-t", s.name}, keys...)...).CombinedOutput(); err != nil {
		s.t.Fatalf("send-keys: %v: %s", err, out)
	}
}

// exitStatus waits for the program to end and returns its exit status.
func (s *tmuxSession) exitStatus(limit time.Duration) string {
	s.t.Helper()
	st := strings.TrimSpace(written(s.exit, limit))
	if st == "" {
		s.t.Fatalf("program did not exit; screen:\n%s", s.screen())
	}
	return st
}

// eventually calls done every interval until it returns true or limit has
// passed, and reports whether it did.
func eventually(limit, every time.Duration, done func() bool) bool {
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if done() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		<-tick.C
	}
}

// written waits up to limit for the session's shell to write the file at
// path and returns what it wrote, "" when it wrote nothing.
func written(path string, limit time.Duration) string {
	var text string
	eventually(limit, 50*time.Millisecond, func() bool {
		b, err := os.ReadFile(path)
		text = string(b)
		return err == nil && len(b) > 0
	})
	return text
}

func TestTmuxDemoShowsSYNAndEstablishedAndQuitsWith0(t *testing.T) {
	needRoot(t)
	s := startTmux(t, "demo", "--speed", "4")
	s.waitFor(20*time.Second, "SYN", "ESTABLISHED")
	s.keys("q")
	if st := s.exitStatus(10 * time.Second); st != "0" {
		t.Fatalf("exit status %s, want 0", st)
	}
}

func TestTmuxOpenCaptureEnterShowsLadderAndQuitsWith0(t *testing.T) {
	path, err := filepath.Abs(corpus(t, "tcpdump/of10_pf5240.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	s := startTmux(t, "open", path)
	s.waitFor(10*time.Second, "172.16.1.101:62224", "refused") // the stream list
	s.keys("Enter")
	s.waitFor(10*time.Second, "SYN")
	s.keys("Escape")
	s.keys("q")
	if st := s.exitStatus(10 * time.Second); st != "0" {
		t.Fatalf("exit status %s, want 0", st)
	}
}
