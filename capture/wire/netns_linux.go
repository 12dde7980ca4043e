//go:build linux

package wire

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/handshake-viz/handshake-viz/capture/sockdiag"
)

// threadNetNS is the network namespace of the calling thread.
const threadNetNS = "/proc/thread-self/ns/net"

// nsSysctls are set in each namespace before its TUN device exists.
func nsSysctls() []struct{ path, value string } {
	return []struct{ path, value string }{
		{"/proc/sys/net/ipv6/conf/all/disable_ipv6", "1"},     // no IPv6 packets on the wire
		{"/proc/sys/net/ipv6/conf/default/disable_ipv6", "1"}, // nor on devices created later
		{"/proc/sys/net/ipv4/tcp_orphan_retries", "1"},        // an orphaned socket dies in about a second
	}
}

// endNS is what the wire holds of one end's namespace.
type endNS struct {
	ns   *os.File       // the namespace, held by its file descriptor only
	tun  *os.File       // the TUN device (non-blocking: Close unblocks Read)
	diag *sockdiag.Conn // sock_diag socket opened in the namespace
	snmp *os.File       // the namespace's /proc/net/snmp (bound to it at open)

	tunOnce sync.Once
	tunErr  error

	// Do's worker threads in the namespace (workers_linux.go).
	tasks    chan nsTask
	stop     chan struct{}
	stopOnce sync.Once
	workers  sync.WaitGroup
	tidMu    sync.Mutex
	tids     []int
}

// closeTUN closes the TUN device once (the device goes with its fd).
func (e *endNS) closeTUN() error {
	e.tunOnce.Do(func() {
		if e.tun != nil {
			e.tunErr = e.tun.Close()
		}
	})
	return e.tunErr
}

func (e *endNS) close() error {
	errs := []error{e.closeTUN(), e.stopWorkers()}
	if e.snmp != nil {
		errs = append(errs, e.snmp.Close())
	}
	if e.diag != nil {
		errs = append(errs, e.diag.Close())
	}
	if e.ns != nil {
		errs = append(errs, e.ns.Close())
	}
	return errors.Join(errs...)
}

// onLockedThread runs f on a fresh goroutine locked to its OS thread, and
// gives it the thread's original namespace. When f leaves the thread in
// another namespace and switching back fails, the thread is not unlocked:
// it ends with the goroutine instead of serving other goroutines there.
func onLockedThread(f func(orig *os.File) error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open(threadNetNS)
		if err != nil {
			runtime.UnlockOSThread()
			done <- fmt.Errorf("open this thread's network namespace: %w (is /proc mounted?)", err)
			return
		}
		defer orig.Close()
		ferr := f(orig)
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
			done <- errors.Join(ferr, fmt.Errorf("return to the original network namespace: %w", err))
			return // the thread stays locked and dies with this goroutine
		}
		runtime.UnlockOSThread()
		done <- ferr
	}()
	return <-done
}

// inNS runs f inside namespace ns on a fresh locked thread.
func inNS(ns *os.File, f func() error) error {
	return onLockedThread(func(*os.File) error {
		if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("enter the wire's network namespace: %w", err)
		}
		return f()
	})
}

// newEnd creates one end: a new namespace with lo up, IPv6 off, short
// orphan retries, its TUN device with the end's address, and a sock_diag
// socket.
func newEnd(e End, mtu int) (*endNS, error) {
	out := &endNS{}
	err := onLockedThread(func(*os.File) error {
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return privilegeErr("create a network namespace", err)
		}
		ns, err := os.Open(threadNetNS)
		if err != nil {
			return fmt.Errorf("hold the new network namespace: %w", err)
		}
		out.ns = ns
		for _, s := range nsSysctls() {
			if err := os.WriteFile(s.path, []byte(s.value), 0); err != nil {
				return fmt.Errorf("set %s in the %s namespace: %w", s.path, e, err)
			}
		}
		if err := configure(e, mtu, out); err != nil {
			return err
		}
		if out.snmp, err = os.Open("/proc/thread-self/net/snmp"); err != nil {
			return fmt.Errorf("open the %s namespace's IP counters: %w", e, err)
		}
		out.diag, err = sockdiag.Open()
		if err != nil {
			return fmt.Errorf("open a sock_diag socket in the %s namespace: %w", e, err)
		}
		return nil
	})
	if err == nil {
		err = out.startWorkers(nsWorkers)
	}
	if err != nil {
		out.close()
		return nil, err
	}
	return out, nil
}

// configure brings lo up and creates the end's TUN device, by ioctl.
func configure(e End, mtu int, out *endNS) error {
	ctl, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open a control socket: %w", err)
	}
	defer unix.Close(ctl)
	if err := setUp(ctl, "lo"); err != nil {
		return err
	}
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return privilegeErr("open /dev/net/tun", err)
	}
	ifr, err := unix.NewIfreq(tunName)
	if err != nil {
		unix.Close(fd)
		return err
	}
	ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return privilegeErr("create a TUN device", err)
	}
	// Only an attached TUN fd can join the netpoller (os.File then uses
	// it, and Close unblocks a Read).
	out.tun = os.NewFile(uintptr(fd), "tun "+e.String())
	a := Addr(e).As4()
	mask := [4]byte{0xff, 0xff, 0xff, 0}
	steps := []struct {
		what string
		req  uint
		set  func(*unix.Ifreq) error
	}{
		{"address", unix.SIOCSIFADDR, func(r *unix.Ifreq) error { return r.SetInet4Addr(a[:]) }},
		{"netmask", unix.SIOCSIFNETMASK, func(r *unix.Ifreq) error { return r.SetInet4Addr(mask[:]) }},
		{"MTU", unix.SIOCSIFMTU, func(r *unix.Ifreq) error { r.SetUint32(uint32(mtu)); return nil }},
	}
	for _, s := range steps {
		r, err := unix.NewIfreq(tunName)
		if err != nil {
			return err
		}
		if err := s.set(r); err != nil {
			return err
		}
		if err := unix.IoctlIfreq(ctl, s.req, r); err != nil {
			return fmt.Errorf("set the %s of %s (%s end): %w", s.what, tunName, e, err)
		}
	}
	return setUp(ctl, tunName)
}

// setUp sets IFF_UP on a device.
func setUp(ctl int, name string) error {
	r, err := unix.NewIfreq(name)
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(ctl, unix.SIOCGIFFLAGS, r); err != nil {
		return fmt.Errorf("read the flags of %s: %w", name, err)
	}
	r.SetUint16(r.Uint16() | unix.IFF_UP | unix.IFF_RUNNING)
	if err := unix.IoctlIfreq(ctl, unix.SIOCSIFFLAGS, r); err != nil {
		return fmt.Errorf("bring %s up: %w", name, err)
	}
	return nil
}

// privilegeErr wraps ErrPrivilege when err is a permission error.
func privilegeErr(what string, err error) error {
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return fmt.Errorf("%s: %w: %w", what, err, ErrPrivilege)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// ipTransmits returns how many IPv4 packets the namespace's stack has
// handed to its devices (Ip OutTransmits, or OutRequests on kernels before
// 6.3): counted before a packet reaches the TUN device's queue.
func (e *endNS) ipTransmits() (uint64, error) {
	var buf [4096]byte
	n, err := e.snmp.ReadAt(buf[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, fmt.Errorf("read IP counters: %w", err)
	}
	lines := strings.SplitN(string(buf[:n]), "\n", 3)
	if len(lines) < 2 {
		return 0, errors.New("read IP counters: no Ip lines")
	}
	names, values := strings.Fields(lines[0]), strings.Fields(lines[1])
	col := slices.Index(names, "OutTransmits")
	if col < 0 {
		col = slices.Index(names, "OutRequests")
	}
	if col < 0 || col >= len(values) {
		return 0, errors.New("read IP counters: no OutTransmits or OutRequests")
	}
	return strconv.ParseUint(values[col], 10, 64)
}
