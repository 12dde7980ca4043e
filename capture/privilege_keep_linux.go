//go:build linux

package capture

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Capabilities a capture may keep after DropPrivilegesKeeping: those
// that let `watch` find the process behind another user's socket, as
// `sudo ss -p` does (reading /proc/PID/fd of processes it does not own).
const (
	CapDACReadSearch = unix.CAP_DAC_READ_SEARCH // list another user's /proc/PID/fd
	CapSysPtrace     = unix.CAP_SYS_PTRACE      // read the links in it
)

// DropPrivilegesKeeping is DropPrivileges that keeps the capabilities
// keep (and only them) in the effective and permitted sets across the
// change of user: everything else root could do is gone. kept reports
// whether the process holds them afterwards (also true when there was
// nothing to drop). Keeping needs the runtime to apply a system call to
// every thread, which a cgo build cannot: there the drop happens and kept
// is false.
func DropPrivilegesKeeping(keep ...uintptr) (uid, gid int, dropped, kept bool, err error) {
	if os.Geteuid() != 0 || os.Getenv("SUDO_UID") == "" || os.Getenv("SUDO_GID") == "" {
		uid, gid, dropped, err = DropPrivileges()
		return uid, gid, dropped, !dropped, err
	}
	_, _, errno := syscall.AllThreadsSyscall(unix.SYS_PRCTL, unix.PR_SET_KEEPCAPS, 1, 0)
	keepcaps := errno == 0
	uid, gid, dropped, err = DropPrivileges()
	if err != nil || !dropped {
		if keepcaps {
			syscall.AllThreadsSyscall(unix.SYS_PRCTL, unix.PR_SET_KEEPCAPS, 0, 0)
		}
		return uid, gid, dropped, !dropped && err == nil, err
	}
	if !keepcaps {
		return uid, gid, true, false, nil // a plain drop: nothing was kept
	}
	syscall.AllThreadsSyscall(unix.SYS_PRCTL, unix.PR_SET_KEEPCAPS, 0, 0)
	// The permitted set survived the setuid whole: narrow it to keep.
	var want [2]unix.CapUserData
	for _, c := range keep {
		want[c/32].Effective |= 1 << (c % 32)
		want[c/32].Permitted |= 1 << (c % 32)
	}
	if capsetAll(&want) == nil {
		return uid, gid, true, true, nil
	}
	var none [2]unix.CapUserData
	if err := capsetAll(&none); err != nil {
		return uid, gid, true, false, fmt.Errorf("drop privileges: clear the capabilities kept across setuid: %w", err)
	}
	return uid, gid, true, false, nil
}

// capsetAll sets the capability sets of every thread of the process.
func capsetAll(data *[2]unix.CapUserData) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	_, _, errno := syscall.AllThreadsSyscall(unix.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0)
	runtime.KeepAlive(&hdr)
	runtime.KeepAlive(data)
	if errno != 0 {
		return errno
	}
	return nil
}
