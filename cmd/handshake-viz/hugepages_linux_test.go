//go:build linux

package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// anonHugeKiB is the process's anonymous memory in transparent huge pages.
func anonHugeKiB(t *testing.T) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps_rollup")
	if err != nil {
		t.Skipf("cannot read /proc/self/smaps_rollup: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "AnonHugePages:"); ok {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				t.Fatalf("AnonHugePages line %q: %v", sc.Text(), err)
			}
			return n
		}
	}
	t.Skip("no AnonHugePages line in /proc/self/smaps_rollup")
	return 0
}

// TestPreferHugePagesPutsTheNextHeapAllocationsInHugePages checks in a
// fresh process (the helper below): in the test binary's own process the
// heap is already shaped by earlier tests and runs.
func TestPreferHugePagesPutsTheNextHeapAllocationsInHugePages(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil {
		t.Skipf("transparent huge pages unavailable: %v", err)
	}
	if !bytes.Contains(mode, []byte("[madvise]")) {
		t.Skipf("transparent huge pages are %q: preferHugePages only matters in madvise mode", bytes.TrimSpace(mode))
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHugePagesHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "HV_HUGEPAGES_HELPER=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("helper process: %v\n%s", err, out)
	}
}

// TestHugePagesHelperProcess is the fresh process of the test above.
func TestHugePagesHelperProcess(t *testing.T) {
	if os.Getenv("HV_HUGEPAGES_HELPER") != "1" {
		t.Skip("helper process of TestPreferHugePagesPutsTheNextHeapAllocationsInHugePages")
	}
	before := anonHugeKiB(t)
	preferHugePages(32 << 20)
	heap := make([]byte, 16<<20) // lands where the freed block was
	for i := 0; i < len(heap); i += 4096 {
		heap[i] = 1
	}
	after := anonHugeKiB(t)
	runtime.KeepAlive(heap)
	if after-before < 8<<10 {
		t.Errorf("16 MiB written after preferHugePages: huge pages grew by %d KiB, want at least 8 MiB", after-before)
	}
}
