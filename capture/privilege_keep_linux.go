//go:build linux

package capture

import (
	"syscall"

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
// keep (and only them: the bounding set, the others, the ambient set go,
// and no_new_privs is set) across the change to the sudo user. kept
// reports whether the process holds them afterwards. Keeping needs the
// runtime to apply a system call to every thread, which a cgo build
// cannot: there DropPrivileges' own fallback applies and kept is false
// once the user changed.
func DropPrivilegesKeeping(keep ...uintptr) (uid, gid int, dropped, kept bool, err error) {
	// Across setuid from root the kernel clears the permitted set unless
	// keep-caps is set (per thread, so on all of them).
	_, _, errno := syscall.AllThreadsSyscall(unix.SYS_PRCTL, unix.PR_SET_KEEPCAPS, 1, 0)
	keepcaps := errno == 0
	uid, gid, dropped, err = dropIDs()
	if keepcaps {
		syscall.AllThreadsSyscall(unix.SYS_PRCTL, unix.PR_SET_KEEPCAPS, 0, 0)
	}
	if err != nil {
		return uid, gid, dropped, false, err
	}
	if err := dropCapabilities(keep...); err != nil {
		return uid, gid, dropped, false, err
	}
	kept = true
	for _, c := range keep {
		kept = kept && HasCapability(int(c))
	}
	return uid, gid, dropped, kept, nil
}
