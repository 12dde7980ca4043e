//go:build linux

package capture

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// HasCapNetRaw reports whether the process has CAP_NET_RAW in its effective
// set, which opening a packet socket requires.
func HasCapNetRaw() bool { return HasCapability(unix.CAP_NET_RAW) }

// DropPrivileges gives up what the process no longer needs once its
// sockets are open. When it runs as root and SUDO_UID and SUDO_GID are
// set, it clears the supplementary groups, then sets the group and user
// ids (Go applies these to every thread), so files written afterwards
// belong to the user. In every case it then clears every capability
// (effective, permitted, inheritable, ambient and, while it still may,
// the bounding set) and sets no_new_privs, on every thread: a process
// left as root by a root shell keeps uid 0 but no privilege, and nothing
// it could execute regains one. Sockets opened before stay usable.
// dropped is false, with the current ids, when the user ids stayed.
//
// Call it only after the last privileged step: a scenario on the lossy
// wire enters network namespaces while it runs.
func DropPrivileges() (uid, gid int, dropped bool, err error) {
	uid, gid, dropped, err = dropIDs()
	if err != nil {
		return uid, gid, dropped, err
	}
	if err := dropCapabilities(); err != nil {
		return uid, gid, dropped, err
	}
	return uid, gid, dropped, nil
}

// dropIDs is the SUDO_UID/SUDO_GID part of DropPrivileges.
func dropIDs() (uid, gid int, dropped bool, err error) {
	uid, gid = os.Getuid(), os.Getgid()
	if os.Geteuid() != 0 {
		return uid, gid, false, nil
	}
	su, sg := os.Getenv("SUDO_UID"), os.Getenv("SUDO_GID")
	if su == "" || sg == "" {
		return uid, gid, false, nil
	}
	newUID, err := strconv.Atoi(su)
	if err != nil {
		return uid, gid, false, fmt.Errorf("drop privileges: SUDO_UID=%q is not a number: %w (unset it to stay root)", su, err)
	}
	newGID, err := strconv.Atoi(sg)
	if err != nil {
		return uid, gid, false, fmt.Errorf("drop privileges: SUDO_GID=%q is not a number: %w (unset it to stay root)", sg, err)
	}
	if newUID == 0 {
		return uid, gid, false, nil // sudo from root: nothing to drop to
	}
	// A change of user ids clears the parent-death signal (the terminal
	// guard's child has one): it is set again after.
	var pdeath int
	unix.Prctl(unix.PR_GET_PDEATHSIG, uintptr(unsafe.Pointer(&pdeath)), 0, 0, 0)
	if pdeath != 0 {
		defer syscall.AllThreadsSyscall(unix.SYS_PRCTL, unix.PR_SET_PDEATHSIG, uintptr(pdeath), 0)
	}
	// Order matters: groups and gid need root, so the uid goes last.
	if err := syscall.Setgroups([]int{}); err != nil {
		return uid, gid, false, fmt.Errorf("drop privileges: clear supplementary groups: %w", err)
	}
	if err := syscall.Setgid(newGID); err != nil {
		return uid, gid, false, fmt.Errorf("drop privileges: setgid %d: %w", newGID, err)
	}
	if err := syscall.Setuid(newUID); err != nil {
		return uid, gid, false, fmt.Errorf("drop privileges: setuid %d: %w", newUID, err)
	}
	return newUID, newGID, true, nil
}

// dropCapabilities clears every capability set (but the effective and
// permitted keep, see DropPrivilegesKeeping) and sets no_new_privs on
// all threads (capabilities are per thread in Linux). A program built
// with cgo cannot change all threads at once (syscall.AllThreadsSyscall
// says ENOTSUP): it then keeps what it has, as before.
func dropCapabilities(keep ...uintptr) error {
	all := func(trap, a1, a2, a3 uintptr) error {
		if _, _, e := syscall.AllThreadsSyscall(trap, a1, a2, a3); e != 0 {
			return e
		}
		return nil
	}
	if HasCapability(unix.CAP_SETPCAP) {
		for c := 0; c <= unix.CAP_LAST_CAP; c++ {
			if slices.Contains(keep, uintptr(c)) {
				continue
			}
			if err := all(unix.SYS_PRCTL, unix.PR_CAPBSET_DROP, uintptr(c), 0); err != nil && err != syscall.EINVAL {
				if err == syscall.ENOTSUP {
					return nil
				}
				return fmt.Errorf("drop privileges: bounding capability %d: %w", c, err)
			}
		}
	}
	if err := all(unix.SYS_PRCTL, unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0); err != nil && err != syscall.EINVAL {
		if err == syscall.ENOTSUP {
			return nil
		}
		return fmt.Errorf("drop privileges: ambient capabilities: %w", err)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData // all zero: no capability left, but those kept
	for _, c := range keep {
		data[c/32].Effective |= 1 << (c % 32)
		data[c/32].Permitted |= 1 << (c % 32)
	}
	if err := all(unix.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0); err != nil {
		if err == syscall.ENOTSUP {
			return nil
		}
		return fmt.Errorf("drop privileges: clear capabilities: %w", err)
	}
	if err := all(unix.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0); err != nil && err != syscall.ENOTSUP {
		return fmt.Errorf("drop privileges: no_new_privs: %w", err)
	}
	return nil
}

// HasCapability reports whether capability c is in the effective set.
func HasCapability(c int) bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return false
	}
	return data[c/32].Effective&(1<<(c%32)) != 0
}
