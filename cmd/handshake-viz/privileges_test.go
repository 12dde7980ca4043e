package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// threadStatus returns the given fields of /proc/PID/task/*/status for
// every thread of pid ("CapEff" → one value per thread).
func threadStatus(t *testing.T, pid int, fields ...string) map[string][]string {
	t.Helper()
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
	if err != nil || len(tasks) == 0 {
		t.Fatalf("no threads of %d: %v", pid, err)
	}
	out := map[string][]string{}
	for _, task := range tasks {
		b, err := os.ReadFile(task)
		if err != nil {
			continue // the thread ended
		}
		for _, line := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			for _, f := range fields {
				if k == f {
					out[f] = append(out[f], strings.Join(strings.Fields(v), " "))
				}
			}
		}
	}
	return out
}

// Once the capture is open, the running demo holds no privilege: as root
// from a root shell it keeps uid 0 but no capability on any thread, with
// no_new_privs; under sudo it is the invoking user, with no groups. (The
// demo is read while it runs: its NDJSON output is not read past the
// first line, so it waits on the full pipe.)
func TestLiveDemoHoldsNoPrivilegeAfterOpeningTheCapture(t *testing.T) {
	needRoot(t)
	for _, tc := range []struct {
		name string
		env  []string
		ids  string // Uid: and Gid: lines (real, effective, saved, fs)
	}{
		{"root shell", nil, "0 0 0 0"},
		{"sudo from nobody", []string{"SUDO_UID=65534", "SUDO_GID=65534"}, "65534 65534 65534 65534"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(binPath, "demo", "--json", "--clients", "40") // more NDJSON than a pipe holds
			cmd.Env = append(os.Environ(), tc.env...)
			cmd.Dir = t.TempDir()
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				io.Copy(io.Discard, stdout)
				cmd.Wait()
			}()
			first, err := bufio.NewReader(stdout).ReadString('\n')
			if err != nil || !strings.Contains(first, `"kind"`) {
				t.Fatalf("first line %q: %v", first, err)
			}
			st := threadStatus(t, cmd.Process.Pid, "Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff", "CapAmb", "NoNewPrivs")
			for _, f := range []string{"CapInh", "CapPrm", "CapEff", "CapAmb"} {
				for i, v := range st[f] {
					if v != "0000000000000000" {
						t.Errorf("thread %d: %s %s, want no capability", i, f, v)
					}
				}
			}
			for i, v := range st["NoNewPrivs"] {
				if v != "1" {
					t.Errorf("thread %d: NoNewPrivs %s, want 1", i, v)
				}
			}
			for _, f := range []string{"Uid", "Gid"} {
				for i, v := range st[f] {
					if v != tc.ids {
						t.Errorf("thread %d: %s %s, want %s", i, f, v, tc.ids)
					}
				}
			}
			if tc.env != nil {
				for i, v := range st["Groups"] {
					if v != "" {
						t.Errorf("thread %d: groups %q, want none", i, v)
					}
				}
			}
		})
	}
}
