//go:build unix

package capture

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

func mmapFile(f *os.File, size int) ([]byte, error) {
	m, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	_ = unix.Madvise(m, unix.MADV_SEQUENTIAL) // a hint only
	return m, nil
}

func munmap(m []byte) error { return unix.Munmap(m) }

func mapAddr(m []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(m))) }

func dropPages(m []byte) error { return unix.Madvise(m, unix.MADV_DONTNEED) }
