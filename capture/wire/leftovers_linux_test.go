//go:build linux

package wire

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// wireState is what a wire test checks is gone afterwards: the wire's
// namespaces (by inode) and this process's sockets and TUN devices.
type wireState struct {
	ns      []string        // "net:[inode]" of both ends
	fds     map[string]bool // this process's socket and TUN fds before the wire's sockets
	threads int
}

func wireInodes(t *testing.T, w *Wire) wireState {
	t.Helper()
	var s wireState
	ids, err := w.Namespaces()
	if err != nil {
		t.Fatal(err)
	}
	s.ns = ids[:]
	s.fds = netFDs(t, os.Getpid())
	return s
}

// netFDs returns the socket, TUN and namespace fds of process pid, as
// "fd -> target".
func netFDs(t *testing.T, pid int) map[string]bool {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, e := range ents {
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil {
			continue // closed meanwhile
		}
		if strings.HasPrefix(target, "socket:") || target == "/dev/net/tun" || strings.HasPrefix(target, "net:") {
			out[e.Name()+" -> "+target] = true
		}
	}
	return out
}

// assertNoLeftovers checks that no process holds the wire's namespaces
// (so they, their TUN devices and sockets are gone) and that this process
// has no socket or TUN fd more than before.
func assertNoLeftovers(t *testing.T, before wireState) {
	t.Helper()
	if h := NamespaceHolders(before.ns); len(h) > 0 {
		t.Errorf("the wire's namespaces are still held:\n%s", strings.Join(h, "\n"))
	}
	// The relay's goroutines have ended when Close returned; a goroutine
	// of Do may still be returning from its last line: let it.
	deadline := time.Now().Add(testWait)
	for {
		var extra []string
		for fd := range netFDs(t, os.Getpid()) {
			if !before.fds[fd] {
				extra = append(extra, fd)
			}
		}
		if len(extra) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("fds left open after the wire closed: %v", extra)
			return
		}
		runtime.Gosched()
	}
}
