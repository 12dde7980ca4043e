//go:build !linux

package procs

import "os"

// ownerUID is unknown outside Linux.
func ownerUID(d os.DirEntry) (uint32, bool) { return 0, false }
