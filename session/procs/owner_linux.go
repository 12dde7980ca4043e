//go:build linux

package procs

import (
	"os"
	"syscall"
)

// ownerUID is the owner of a /proc/PID directory: the process's uid.
func ownerUID(d os.DirEntry) (uint32, bool) {
	fi, err := d.Info()
	if err != nil {
		return 0, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return st.Uid, true
}
