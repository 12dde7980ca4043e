//go:build linux

package wire

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Namespaces returns the wire's two network namespaces, client's first,
// by the name /proc/PID/ns/net links to ("net:[4026532500]"): what a
// leftover check looks for after the wire is closed (NamespaceHolders).
func (w *Wire) Namespaces() ([2]string, error) {
	var out [2]string
	for i, e := range w.ends {
		if e == nil || e.ns == nil {
			return out, fmt.Errorf("the %s namespace is not open", End(i))
		}
		id, err := nsName(e.ns)
		if err != nil {
			return out, err
		}
		out[i] = id
	}
	return out, nil
}

// nsName is a namespace file's name as /proc links name it.
func nsName(f *os.File) (string, error) {
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		return "", fmt.Errorf("stat the namespace: %w", err)
	}
	return fmt.Sprintf("net:[%d]", st.Ino), nil
}

// NamespaceHolders lists every process's file descriptor and thread,
// system-wide, that refers to one of the namespaces ids names (what lsns
// would find), as "/proc/PID/fd/N -> net:[inode]". Unnamed namespaces are
// gone once nothing holds them: no process, and no socket still closing
// in them (the wire sets tcp_orphan_retries=1 so that those go quickly).
func NamespaceHolders(ids []string) []string {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []string
	check := func(path string) {
		if target, err := os.Readlink(path); err == nil && want[target] {
			out = append(out, path+" -> "+target)
		}
	}
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		tasks, _ := filepath.Glob(p + "/task/*/ns/net")
		for _, task := range tasks {
			check(task)
		}
		fds, _ := filepath.Glob(p + "/fd/*")
		for _, fd := range fds {
			check(fd)
		}
	}
	return out
}

// InNamespace runs f on a fresh goroutine locked to its OS thread inside
// the network namespace ns (a /proc/PID/ns/net file, or a descriptor of
// one), as Do does for an end: for leftover checks of a namespace that
// outlived its wire.
func InNamespace(ns *os.File, f func() error) error { return inNS(ns, f) }
