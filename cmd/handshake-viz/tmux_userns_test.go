package main

import (
	"fmt"
	"os/exec"
	"testing"
	"time"
)

// As nobody, the full-screen demo runs live in a user namespace: the title
// says so, the ladder fills, q quits with 0 (the terminal is the one the
// user namespace's process opened through /dev/tty).
func TestTmuxDemoAsNobodyRunsLiveInAUserNamespace(t *testing.T) {
	cred := nobody(t)
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv (util-linux) not installed")
	}
	// The pane's terminal belongs to root, who started tmux: give it to
	// nobody, as a login would.
	env := fmt.Sprintf("chown %d $(tty); cd /; setpriv --reuid=%d --regid=%d --clear-groups", cred.Uid, cred.Uid, cred.Gid)
	s := startTmuxWith(t, env, "demo", "--speed", "50")
	s.waitFor(30*time.Second, "live (user namespace)", "SYN Seq=0", "connect()")
	s.keys("q")
	if got := s.exitStatus(10 * time.Second); got != "0" {
		t.Errorf("exit status %q, want 0\n%s", got, s.screen())
	}
}
