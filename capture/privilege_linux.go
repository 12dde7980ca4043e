//go:build linux

package capture

import (
	"fmt"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// HasCapNetRaw reports whether the process has CAP_NET_RAW in its effective
// set, which opening a packet socket requires.
func HasCapNetRaw() bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData // version 3 uses two 32-bit words
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return false
	}
	const word, bit = unix.CAP_NET_RAW / 32, unix.CAP_NET_RAW % 32
	return data[word].Effective&(1<<bit) != 0
}

// DropPrivileges gives up root for the user who ran sudo: when the process
// runs as root and SUDO_UID and SUDO_GID are set, it clears the
// supplementary groups, then sets the group and user ids (Go applies these
// to every thread). Sockets opened before stay usable; files written
// afterwards belong to the user. dropped is false, with the current ids,
// when there was nothing to drop.
func DropPrivileges() (uid, gid int, dropped bool, err error) {
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
