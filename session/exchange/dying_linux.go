//go:build linux

package exchange

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// Environment of the client-dies scenario's doomed client: this program
// re-executed (os.Executable), connecting to dyingServerEnv and sending
// dyingMessageEnv.
const (
	dyingServerEnv  = "HANDSHAKE_VIZ_DYING_CLIENT"
	dyingMessageEnv = "HANDSHAKE_VIZ_DYING_MESSAGE"
	dyingReady      = "ready"
)

// RunChildIfAsked plays the client-dies scenario's doomed client and exits
// when this process was started as one (main calls it first thing, and so
// does TestMain of a test binary that runs the scenario); otherwise it
// returns at once.
func RunChildIfAsked() {
	server := os.Getenv(dyingServerEnv)
	if server == "" {
		return
	}
	if err := dyingClient(server, os.Getenv(dyingMessageEnv)); err != nil {
		fmt.Fprintf(os.Stderr, "handshake-viz: the client-dies scenario's client: %v\n", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// dyingClient connects to server (a loopback address only), sends msg,
// waits until the server's answer is in its receive queue (unread), says
// "ready" on stdout and blocks until it is killed.
func dyingClient(server, msg string) error {
	ap, err := netip.ParseAddrPort(server)
	if err != nil || !ap.Addr().IsLoopback() {
		return fmt.Errorf("server %q is not a loopback address", server)
	}
	conn, err := net.Dial("tcp", ap.String())
	if err != nil {
		return err
	}
	if _, err := io.WriteString(conn, msg); err != nil {
		return err
	}
	rc, err := conn.(*net.TCPConn).SyscallConn()
	if err != nil {
		return err
	}
	// Wait for data without reading it: MSG_PEEK.
	var one [1]byte
	var perr error
	if err := rc.Read(func(fd uintptr) bool {
		n, _, err := unix.Recvfrom(int(fd), one[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
		if errors.Is(err, unix.EAGAIN) {
			return false
		}
		if err == nil && n == 0 {
			err = io.EOF
		}
		perr = err
		return true
	}); err != nil {
		return err
	}
	if perr != nil {
		return fmt.Errorf("wait for the server's answer: %w", perr)
	}
	fmt.Println(dyingReady)
	io.Copy(io.Discard, os.Stdin) // until killed (or the parent goes)
	return nil
}

// dyingProcess is the doomed client running in its own process.
type dyingProcess struct {
	cmd *exec.Cmd
}

// startDyingClient starts the doomed client (in the client's network, f
// runs there) and returns once its message is sent and the server's answer
// is in its receive queue, unread.
func startDyingClient(ctx context.Context, server netip.AddrPort, msg string, in func(func() error) error) (*dyingProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this program to run the dying client: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), dyingServerEnv+"="+server.String(), dyingMessageEnv+"="+msg)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := in(cmd.Start); err != nil {
		return nil, fmt.Errorf("start the dying client (%s): %w; it must be executable by the user the demo runs as", exe, err)
	}
	p := &dyingProcess{cmd: cmd}
	_ = stdin // kept open: the child blocks on it until killed
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(out).ReadString('\n')
		if err == nil && line != dyingReady+"\n" {
			err = fmt.Errorf("said %q", line)
		}
		ready <- err
	}()
	select {
	case err = <-ready:
	case <-ctx.Done():
		err = context.Cause(ctx)
	}
	if err != nil {
		p.kill()
		return nil, fmt.Errorf("the dying client: %w", err)
	}
	return p, nil
}

// kill sends SIGKILL and reaps the process: its kernel closes its socket,
// with the server's answer unread, so it sends RST (RFC 2525 §2.17).
func (p *dyingProcess) kill() error {
	if err := p.cmd.Process.Kill(); err != nil {
		return fmt.Errorf("SIGKILL the dying client: %w", err)
	}
	err := p.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return nil
		}
	}
	if err == nil {
		return errors.New("the dying client exited before it was killed")
	}
	return fmt.Errorf("the dying client: %w", err)
}
