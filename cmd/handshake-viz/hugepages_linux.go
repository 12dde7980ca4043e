//go:build linux

package main

import (
	"runtime"
	"runtime/debug"
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePageSize is the size of a transparent huge page on amd64 and arm64.
const hugePageSize = 2 << 20

// preferHugePages makes the next n bytes or so of Go heap come in 2 MiB
// pages where the kernel's transparent huge pages are "madvise" (the
// common default), which the Go runtime no longer asks for: it allocates
// an n-byte block, which the runtime maps but nobody touches, marks it
// MADV_HUGEPAGE and frees it, so that the allocations that follow reuse
// it. analyze fills some 50 MB of fresh heap; in 4 KiB pages that is
// 12,000 page faults and a slower exit. Resident memory does not grow: a
// huge page is only allocated where the heap writes.
func preferHugePages(n int) {
	gcPercent := debug.SetGCPercent(-1) // no collection for the block alone
	b := make([]byte, n)
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := int((addr+hugePageSize-1)&^(hugePageSize-1) - addr)
	hi := int((addr+uintptr(n))&^(hugePageSize-1) - addr)
	if lo < hi {
		// Best effort: without huge pages analyze is only slower.
		_ = unix.Madvise(b[lo:hi], unix.MADV_HUGEPAGE)
	}
	b = nil
	debug.SetGCPercent(gcPercent)
	runtime.GC() // free the block now, for the allocations that follow
}
