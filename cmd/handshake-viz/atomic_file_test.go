package main

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
)

// temps lists the temporary files of createAtomic in dir.
func temps(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, tmpPrefix+"*"+tmpSuffix))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWriteAtomicRefusesAnExistingFileReplacesItWithForceAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.svg")
	if err := writeAtomic(path, []byte("one"), false); err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(path, []byte("two"), false); !errors.Is(err, errFileExists) {
		t.Errorf("second write without force: %v, want the file-exists error", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "one" {
		t.Errorf("after a refused write the file holds %q, want one", b)
	}
	if err := writeAtomic(path, []byte("three"), true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "three" {
		t.Errorf("after --force the file holds %q, want three", b)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	if m := temps(t, dir); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

func TestCommitWithoutForceDoesNotReplaceAFileThatAppearedWhileWriting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.pcapng")
	f, err := createAtomic(path, false)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("ours")
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the file is at its path before Commit: %v", err)
	}
	if err := os.WriteFile(path, []byte("theirs"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); !errors.Is(err, errFileExists) {
		t.Errorf("Commit over a file that appeared: %v, want the file-exists error", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "theirs" {
		t.Errorf("the file that appeared holds %q, want it untouched", b)
	}
	if m := temps(t, dir); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

func TestStaleTempsOfDeadRunsAreRemovedAndLiveOnesKept(t *testing.T) {
	dir := t.TempDir()
	// A process that is gone: a child that has exited and been reaped.
	cmd := exec.Command("/bin/true")
	if err := cmd.Run(); err != nil {
		t.Skipf("no /bin/true: %v", err)
	}
	dead := filepath.Join(dir, fmt.Sprintf("%s%d-123%s", tmpPrefix, cmd.Process.Pid, tmpSuffix))
	live := filepath.Join(dir, fmt.Sprintf("%s%d-456%s", tmpPrefix, os.Getppid(), tmpSuffix))
	other := filepath.Join(dir, "notes.tmp")
	for _, p := range []string{dead, live, other} {
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeAtomic(filepath.Join(dir, "x.txt"), []byte("whole"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the dead run's temporary file is still there (%v)", err)
	}
	for _, p := range []string{live, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(p), err)
		}
	}
}

// TestDemoKilledMidWriteLeavesNoFileAtThePathAndTheNextRunCleansUp kills a
// live demo --write with SIGKILL while it writes, then runs it again.
func TestDemoKilledMidWriteLeavesNoFileAtThePathAndTheNextRunCleansUp(t *testing.T) {
	needRoot(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "run.pcapng")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, "demo", "--no-tui", "--clients", "1000", "--write", out)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Packets are being written once the ladder shows the second client.
	sc := bufio.NewScanner(stdout)
	seen := false
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "Stream 1 ") {
			seen = true
			break
		}
	}
	if !seen {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the demo ended before its second client: %v", sc.Err())
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("after SIGKILL mid-write, %s exists (%v): a half-written file", out, err)
	}
	left := temps(t, dir)
	if len(left) != 1 {
		t.Fatalf("after SIGKILL, temporary files %v, want the killed run's one", left)
	}
	again := exec.CommandContext(ctx, binPath, "demo", "--json", "-m", "hi", "--write", out)
	if b, err := again.CombinedOutput(); err != nil {
		t.Fatalf("the next demo --write: %v: %s", err, b)
	}
	if left := temps(t, dir); len(left) != 0 {
		t.Errorf("the next run left temporary files %v, want the killed run's removed", left)
	}
	rep, err := exec.Command(binPath, "analyze", "--json", out).Output()
	if err != nil || !strings.Contains(string(rep), `"handshake":"complete"`) {
		t.Errorf("analyze of the next run's file: %v: %s", err, rep)
	}
}
