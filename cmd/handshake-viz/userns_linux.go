package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// userNSEnv marks a demo that runs inside the user + network namespace its
// parent made for it (runInUserNS).
const userNSEnv = "HANDSHAKE_VIZ_USERNS"

// userNSAllowed is false when HANDSHAKE_VIZ_USERNS=off: the demo then
// does not try a user namespace and, without capture rights, plays the
// recording.
func userNSAllowed() bool { return os.Getenv(userNSEnv) != "off" }

// inUserNS reports whether this demo is the one runInUserNS started: the
// marker is set and the process's user ids are mapped (not the initial
// namespace's identity map).
func inUserNS() bool {
	if os.Getenv(userNSEnv) != "1" {
		return false
	}
	m, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false
	}
	f := strings.Fields(string(m))
	return !(len(f) == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295")
}

// runInUserNS runs this command again inside a new user and network
// namespace, where the user is root over the namespace's own loopback (so
// it can capture on it), and returns its exit status. err is set only when
// the kernel refused the namespace (or the program cannot re-execute
// itself): the caller falls back then. The child's streams are ios; stop
// signals are passed on to it.
func runInUserNS(ctx context.Context, ios streams) (int, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, fmt.Errorf("find the program to run it in a user namespace: %w", err)
	}
	child := exec.Command(exe, os.Args[1:]...)
	child.Stdin, child.Stdout, child.Stderr = os.Stdin, ios.out, ios.err
	env := make([]string, 0, len(os.Environ())+1)
	for _, kv := range os.Environ() {
		// Inside, the user is uid 0 and SUDO_UID names nobody that exists.
		if !strings.HasPrefix(kv, "SUDO_UID=") && !strings.HasPrefix(kv, "SUDO_GID=") && !strings.HasPrefix(kv, userNSEnv+"=") {
			env = append(env, kv)
		}
	}
	child.Env = append(env, userNSEnv+"=1")
	child.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:                 syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET,
		UidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		GidMappingsEnableSetgroups: false,
		Pdeathsig:                  syscall.SIGTERM,
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, stopSignals()...)
	defer signal.Stop(sigs)
	if err := child.Start(); err != nil {
		return 0, fmt.Errorf("the kernel refused a user namespace: %w (unprivileged user namespaces are off: see sysctl kernel.unprivileged_userns_clone or user.max_user_namespaces; or run with sudo)", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	for {
		select {
		case s := <-sigs:
			child.Process.Signal(s)
		case <-ctx.Done():
			child.Process.Signal(syscall.SIGTERM)
			return childStatus(<-exited), nil
		case err := <-exited:
			return childStatus(err), nil
		}
	}
}

// loopbackUp brings lo up in this network namespace (a new one has it
// down).
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("bring lo up in the user namespace: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return fmt.Errorf("bring lo up in the user namespace: %w", err)
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("bring lo up in the user namespace: read its flags: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		if errors.Is(err, unix.EPERM) {
			return fmt.Errorf("bring lo up in the user namespace: %w (the namespace gave no CAP_NET_ADMIN)", err)
		}
		return fmt.Errorf("bring lo up in the user namespace: %w", err)
	}
	return nil
}
