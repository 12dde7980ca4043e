//go:build linux

package main

import (
	"bufio"
	"bytes"
	"os"
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

func TestPreferHugePagesPutsTheNextHeapAllocationsInHugePages(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil {
		t.Skipf("transparent huge pages unavailable: %v", err)
	}
	if !bytes.Contains(mode, []byte("[madvise]")) {
		t.Skipf("transparent huge pages are %q: preferHugePages only matters in madvise mode", bytes.TrimSpace(mode))
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
