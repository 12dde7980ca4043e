//go:build linux

package capture

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

func TestOpenLiveWithoutCapNetRawSaysHowToFix(t *testing.T) {
	skipUnlessRoot(t, "dropping CAP_NET_RAW from a thread that has it")
	// Capabilities belong to a thread: drop CAP_NET_RAW on a locked thread
	// that is never unlocked, so it dies with the goroutine.
	res := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
		var data [2]unix.CapUserData
		if err := unix.Capget(&hdr, &data[0]); err != nil {
			res <- fmt.Errorf("capget: %w", err)
			return
		}
		data[0].Effective &^= 1 << unix.CAP_NET_RAW
		if err := unix.Capset(&hdr, &data[0]); err != nil {
			res <- fmt.Errorf("capset: %w", err)
			return
		}
		if HasCapNetRaw() {
			res <- errors.New("HasCapNetRaw is true after dropping CAP_NET_RAW")
			return
		}
		src, err := OpenLive(LiveConfig{Interface: "lo"})
		if err == nil {
			src.Close()
			res <- errors.New("OpenLive succeeded without CAP_NET_RAW")
			return
		}
		res <- err
	}()
	err := <-res
	if !errors.Is(err, os.ErrPermission) {
		t.Fatalf("OpenLive without CAP_NET_RAW: %v, want an error wrapping os.ErrPermission", err)
	}
	if !containsAll(err.Error(), "CAP_NET_RAW", "sudo", "setcap cap_net_raw+ep") {
		t.Errorf("error %q lacks the hint (sudo or setcap)", err)
	}
	if !HasCapNetRaw() {
		t.Errorf("HasCapNetRaw is false as root on the test's own threads")
	}
}

// dropPrivilegesHelperEnv makes the test binary act as the DropPrivileges
// helper process instead of running tests.
const dropPrivilegesHelperEnv = "HANDSHAKE_VIZ_DROP_PRIVILEGES_HELPER"

// TestDropPrivilegesHelper is the child process of
// TestDropPrivilegesHandsFilesToTheSudoUser; run directly it skips.
func TestDropPrivilegesHelper(t *testing.T) {
	dir := os.Getenv(dropPrivilegesHelperEnv)
	if dir == "" {
		t.Skip("helper process of TestDropPrivilegesHandsFilesToTheSudoUser")
	}
	uid, gid, dropped, err := DropPrivileges()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/written-after-drop", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/ids", []byte(fmt.Sprintf("%d %d %t %d", uid, gid, dropped, os.Geteuid())), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDropPrivilegesHandsFilesToTheSudoUser(t *testing.T) {
	skipUnlessRoot(t, "changing the user id")
	const nobody = 65534
	// A directory the helper can write to once it is nobody.
	dir, err := os.MkdirTemp("", "handshake-viz-drop-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestDropPrivilegesHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), dropPrivilegesHelperEnv+"="+dir,
		"SUDO_UID="+strconv.Itoa(nobody), "SUDO_GID="+strconv.Itoa(nobody))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v (%s)", err, out)
	}
	ids, err := os.ReadFile(dir + "/ids")
	if err != nil {
		t.Fatalf("helper wrote no ids: %v (%s)", err, out)
	}
	want := fmt.Sprintf("%d %d true %d", nobody, nobody, nobody)
	if string(ids) != want {
		t.Errorf("helper reported %q, want %q (uid gid dropped euid)", ids, want)
	}
	var st unix.Stat_t
	if err := unix.Stat(dir+"/written-after-drop", &st); err != nil {
		t.Fatal(err)
	}
	if st.Uid != nobody || st.Gid != nobody {
		t.Errorf("file written after the drop belongs to %d:%d, want %d:%d", st.Uid, st.Gid, nobody, nobody)
	}
}
