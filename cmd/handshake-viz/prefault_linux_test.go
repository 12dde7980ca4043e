//go:build linux

package main

import (
	"os"
	"os/exec"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// residentPages counts the pages of b that are mapped.
func residentPages(t *testing.T, b []byte) (resident, all int) {
	t.Helper()
	vec := make([]byte, (len(b)+pageSize-1)/pageSize)
	_, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)), uintptr(unsafe.Pointer(unsafe.SliceData(vec))))
	if errno != 0 {
		t.Skipf("mincore: %v", errno)
	}
	for _, v := range vec {
		if v&1 != 0 {
			resident++
		}
	}
	return resident, len(vec)
}

// TestPrefaultScannedTablesMapsGopacketsTablesBeforeAnyCollection checks
// in a fresh process (the helper below), where no collection has read the
// tables yet: most of their pages are unmapped before the call and every
// one is mapped after it.
func TestPrefaultScannedTablesMapsGopacketsTablesBeforeAnyCollection(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestPrefaultHelperProcess$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "HV_PREFAULT_HELPER=1", "GOGC=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("helper process: %v\n%s", err, out)
	}
	t.Logf("helper process:\n%s", out)
}

// TestPrefaultHelperProcess is the fresh process of the test above.
func TestPrefaultHelperProcess(t *testing.T) {
	if os.Getenv("HV_PREFAULT_HELPER") != "1" {
		t.Skip("helper process of TestPrefaultScannedTablesMapsGopacketsTablesBeforeAnyCollection")
	}
	tables := scannedTables()
	if len(tables) != 2 {
		t.Fatalf("%d tables, want 2", len(tables))
	}
	for i, b := range tables {
		resident, all := residentPages(t, b)
		t.Logf("table %d before: %d of %d pages mapped", i, resident, all)
		if all < 600 || resident > all/2 {
			t.Fatalf("table %d: %d of %d pages mapped before the call: the test cannot tell what it does", i, resident, all)
		}
	}
	prefaultScannedTables()
	for i, b := range tables {
		if resident, all := residentPages(t, b); resident != all {
			t.Errorf("table %d after prefaultScannedTables: %d of %d pages mapped, want all", i, resident, all)
		}
	}
}
