//go:build !linux

package capture

import "os"

// HasCapNetRaw reports whether the process may open a packet socket; live
// capture is implemented on Linux only, so it is always false here.
func HasCapNetRaw() bool { return false }

// DropPrivileges does nothing outside Linux: live capture, the only reason
// to run as root, is not available. It returns the current ids.
func DropPrivileges() (uid, gid int, dropped bool, err error) {
	return os.Getuid(), os.Getgid(), false, nil
}

// HasCapability reports whether capability c is in the effective set;
// always false outside Linux.
func HasCapability(c int) bool { return false }
