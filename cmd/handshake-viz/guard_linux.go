//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime/debug"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/handshake-viz/handshake-viz/capture"
)

// The terminal guard gives the terminal back when the program cannot: a
// panic in any goroutine or a fatal runtime error (which end a Go program
// without running any of its code), or a SIGKILL. A command that may take
// over the terminal runs in a child copy of the program, and the process
// the shell started stays as the guard: it saves the terminal's settings,
// forwards the stop signals to the child, and waits. When the child ends
// and has left the terminal in raw mode (a screen was up), the guard puts
// the saved settings back, leaves the alternate screen, shows the cursor
// and turns mouse reporting off, then prints the child's crash report
// (the runtime writes it to a pipe to the guard, runtime/debug.
// SetCrashOutput) and exits with the child's status. The shell gets its
// prompt back only then, on a terminal in order. The guard gives up its
// privileges once the child runs (it keeps CAP_KILL only). If the guard itself
// is killed, the child gets SIGTERM (PR_SET_PDEATHSIG, kept across its
// privilege drop) and restores the terminal itself from the background
// (SIGTTOU ignored) once it has stopped: that races with the shell's
// prompt, so this one case is best effort.

// guardedEnv marks the child: it runs the command and does not guard.
const guardedEnv = "HANDSHAKE_VIZ_GUARDED"

// crashFD is the child's file descriptor of the crash-report pipe.
const crashFD = 3

// guard runs args in a guarded child when there is a terminal to guard
// and returns its exit status; ok is false when the program should run
// the command itself (no terminal, already guarded, or the child could
// not start).
func guard(args []string) (code int, ok bool) {
	if os.Getenv(guardedEnv) == "1" {
		// If the guard is killed, this child gets SIGTERM and is then in
		// the background: it must still be able to give the terminal its
		// settings back rather than stop on SIGTTOU.
		signal.Ignore(syscall.SIGTTOU)
		if f := os.NewFile(crashFD, "crash report"); f != nil {
			if debug.SetCrashOutput(f, debug.CrashOptions{}) == nil {
				f.Close() // SetCrashOutput keeps its own duplicate
			}
		}
		return 0, false
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return 0, false
	}
	defer tty.Close()
	saved, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil || saved.Lflag&unix.ICANON == 0 {
		return 0, false // not a terminal in its normal mode: nothing to restore to
	}
	exe, err := os.Executable()
	if err != nil {
		return 0, false
	}
	r, w, err := os.Pipe()
	if err != nil {
		return 0, false
	}
	defer r.Close()
	// Stop signals go to the child; the guard only waits. (Signals the
	// terminal sends reach both: the child is in the same process group.)
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, stopSignals()...)
	defer signal.Stop(sigs)
	child := exec.Command(exe, args...)
	child.Stdin, child.Stdout, child.Stderr = os.Stdin, os.Stdout, os.Stderr
	child.ExtraFiles = []*os.File{w} // fd 3
	child.Env = append(os.Environ(), guardedEnv+"=1")
	child.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := child.Start(); err != nil {
		w.Close()
		return 0, false
	}
	w.Close()
	// The guard needs no privilege to wait and to reset the terminal it
	// already holds open; only CAP_KILL, to forward signals to the child
	// whether it is still root or has dropped to the user.
	capture.DropPrivilegesKeeping(unix.CAP_KILL)
	report := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(r)
		report <- b
	}()
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	var werr error
	for waiting := true; waiting; {
		select {
		case s := <-sigs:
			child.Process.Signal(s)
		case werr = <-exited:
			waiting = false
		}
	}
	crash := <-report
	restoreTerminal(tty, saved)
	if len(bytes.TrimSpace(crash)) > 0 {
		os.Stderr.Write(crash)
	}
	return childStatus(werr), true
}

// childStatus is the exit status a shell would report for the child.
func childStatus(err error) int {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		if err != nil {
			fmt.Fprintf(os.Stderr, "handshake-viz: %v\n", err)
			return 1
		}
		return 0
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}

// terminalReset turns mouse reporting and bracketed paste off, shows the
// cursor, resets colours and leaves the alternate screen.
const terminalReset = "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?25h\x1b[0m\x1b[?1049l"

// restoreTerminal puts the saved settings back if the terminal was left
// in raw mode (a screen was up when the child ended).
func restoreTerminal(tty *os.File, saved *unix.Termios) {
	now, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil || now.Lflag&unix.ICANON != 0 {
		return // the terminal is in its normal mode: the child restored it
	}
	fmt.Fprint(tty, terminalReset)
	unix.IoctlSetTermios(int(tty.Fd()), unix.TCSETSW, saved)
}
