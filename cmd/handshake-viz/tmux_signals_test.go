package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// display returns a tmux format of the session's pane ("#{alternate_on}").
func (s *tmuxSession) display(format string) string {
	out, _ := tmuxCommand("display", "-p", "-t", s.name, format).Output()
	return strings.TrimSpace(string(out))
}

// programPID returns the PID of the handshake-viz process whose parent
// is ppid (0: the pane's shell), waiting for it to appear.
func (s *tmuxSession) programPID(ppid int) int {
	s.t.Helper()
	parent := strconv.Itoa(ppid)
	if ppid == 0 {
		parent = s.display("#{pane_pid}")
	}
	pid := 0
	eventually(5*time.Second, 50*time.Millisecond, func() bool {
		dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
		for _, d := range dirs {
			b, err := os.ReadFile(d)
			if err != nil {
				continue
			}
			// pid (comm) state ppid …
			st := string(b)
			i := strings.LastIndexByte(st, ')')
			if i < 0 || !strings.Contains(st[:i], "(handshake-viz") {
				continue
			}
			f := strings.Fields(st[i+1:])
			if len(f) > 1 && f[1] == parent {
				pid, _ = strconv.Atoi(strings.Fields(st)[0])
				return true
			}
		}
		return false
	})
	if pid == 0 {
		s.t.Fatalf("no handshake-viz process under %s", parent)
	}
	return pid
}

// assertTerminalBack checks what a person would see after the program
// ended: the normal screen (not the alternate one), the cursor shown,
// mouse reporting off, and the terminal in its cooked mode with echo (the
// shell's `stty -a`).
func (s *tmuxSession) assertTerminalBack() {
	s.t.Helper()
	if alt := s.display("#{alternate_on}"); alt != "0" {
		s.t.Errorf("the alternate screen is still on (%s):\n%s", alt, s.screen())
	}
	if c := s.display("#{cursor_flag}"); c != "1" {
		s.t.Errorf("the cursor is hidden (cursor_flag %s)", c)
	}
	if m := s.display("#{mouse_any_flag}"); m != "0" {
		s.t.Errorf("mouse reporting is still on (mouse_any_flag %s)", m)
	}
	stty := written(s.stty, 5*time.Second)
	for _, want := range []string{" icanon", " echo ", " isig", " icrnl"} {
		if !strings.Contains(" "+strings.Join(strings.Fields(stty), " ")+" ", want+" ") && !strings.Contains(stty, want) {
			s.t.Errorf("after the program the terminal lacks %q (stty -a):\n%s", strings.TrimSpace(want), stty)
		}
	}
	for _, bad := range []string{"-icanon", "-echo ", "-isig"} {
		if strings.Contains(stty+" ", bad) {
			s.t.Errorf("after the program the terminal is left %q (stty -a):\n%s", bad, stty)
		}
	}
}

// Each stop signal, sent to a running screen, gives the terminal back and
// ends with 128 + the signal's number, as a shell reports it; a SIGKILL of
// the program and a panic in one of its goroutines (where it can do
// nothing itself) are undone by the terminal guard, before the shell gets
// its prompt back.
func TestTmuxEverySignalAndACrashGiveTheTerminalBack(t *testing.T) {
	capture := corpus(t, "tcpdump/of10_pf5240.pcap")
	for _, tc := range []struct {
		name   string
		args   []string
		sig    syscall.Signal
		status string
		shows  string // what the screen shows afterwards, besides the shell
		child  bool   // sent to the guarded child, not to the process the shell started
	}{
		{"demo SIGTERM", []string{"demo", "--recorded"}, syscall.SIGTERM, "143", "", false},
		{"demo SIGHUP", []string{"demo", "--recorded"}, syscall.SIGHUP, "129", "", false},
		{"demo SIGQUIT", []string{"demo", "--recorded"}, syscall.SIGQUIT, "131", "", false},
		{"demo SIGINT", []string{"demo", "--recorded"}, syscall.SIGINT, "130", "", false},
		{"open SIGTERM", []string{"open", capture}, syscall.SIGTERM, "143", "", false},
		{"open SIGHUP", []string{"open", capture}, syscall.SIGHUP, "129", "", false},
		{"demo child SIGTERM", []string{"demo", "--recorded"}, syscall.SIGTERM, "143", "", true},
		{"demo child SIGKILL", []string{"demo", "--recorded"}, syscall.SIGKILL, "137", "", true},
		{"open child SIGKILL", []string{"open", capture}, syscall.SIGKILL, "137", "", true},
		{"demo panic in a goroutine", []string{"demo", "--recorded"}, syscall.SIGUSR1, "2", "panic: crash test", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startTmuxWith(t, crashTestEnv+"=1", tc.args...)
			if tc.args[0] == "demo" {
				s.waitFor(15*time.Second, "SYN")
			} else {
				s.waitFor(15*time.Second, "172.16.1.101:62224")
			}
			if alt := s.display("#{alternate_on}"); alt != "1" {
				t.Fatalf("the screen is not up on the alternate screen (%s)", alt)
			}
			pid := s.programPID(0)
			if tc.child {
				pid = s.programPID(pid)
			}
			if err := syscall.Kill(pid, tc.sig); err != nil {
				t.Fatal(err)
			}
			if st := s.exitStatus(15 * time.Second); st != tc.status {
				t.Errorf("exit status %s, want %s; screen:\n%s", st, tc.status, s.screen())
			}
			s.assertTerminalBack()
			if tc.shows != "" {
				s.waitFor(5*time.Second, tc.shows)
			}
		})
	}
}

// A terminal tcell cannot drive (TERM=dumb) ends at once with one line
// naming TERM and what to use instead, and status 1; it used to leave
// `open` waiting forever for a screen that never came (and explain's
// screen did not name TERM).
func TestTmuxDumbTerminalSaysWhatToUseAndEnds(t *testing.T) {
	capture := corpus(t, "tcpdump/of10_pf5240.pcap")
	loop, err := filepath.Abs("recorded.pcapng")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args    []string
		instead string
	}{
		{[]string{"open", capture}, "analyze FILE"},
		{[]string{"demo", "--recorded"}, "--no-tui"},
		{[]string{"explain", "close", "--file", loop}, "--no-tui"},
	} {
		t.Run(tc.args[0], func(t *testing.T) {
			s := startTmuxWith(t, "TERM=dumb", tc.args...)
			if st := s.exitStatus(10 * time.Second); st != "1" {
				t.Fatalf("exit status %s, want 1; screen:\n%s", st, s.screen())
			}
			s.waitFor(5*time.Second, `TERM="dumb" cannot show it`, tc.instead)
			s.assertTerminalBack()
		})
	}
}

// The guard only waits: once its child runs it holds no privilege but
// CAP_KILL, to forward signals to a child that is root or the user (under
// sudo it is the invoking user, with no_new_privs); SIGTERM still reaches
// the root child of open and gives the terminal back.
func TestTmuxTerminalGuardHoldsNoPrivilege(t *testing.T) {
	needRoot(t)
	s := startTmuxWith(t, "SUDO_UID=65534 SUDO_GID=65534", "demo", "--recorded")
	s.waitFor(15*time.Second, "SYN")
	guard := s.programPID(0)
	st := threadStatus(t, guard, "Uid", "CapEff", "CapPrm", "NoNewPrivs")
	const capKill = "0000000000000020" // 1 << CAP_KILL (5)
	for i := range st["Uid"] {
		if st["Uid"][i] != "65534 65534 65534 65534" || st["CapEff"][i] != capKill || st["CapPrm"][i] != capKill || st["NoNewPrivs"][i] != "1" {
			t.Errorf("guard thread %d: Uid %s CapEff %s CapPrm %s NoNewPrivs %s; want nobody with CAP_KILL only", i, st["Uid"][i], st["CapEff"][i], st["CapPrm"][i], st["NoNewPrivs"][i])
		}
	}
	if err := syscall.Kill(guard, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := s.exitStatus(10 * time.Second); code != "143" {
		t.Errorf("exit status %s after SIGTERM to the guard, want 143 (forwarded to the root child)", code)
	}
	s.assertTerminalBack()
}
