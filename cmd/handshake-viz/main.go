package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/handshake-viz/handshake-viz/session/exchange"
)

func main() {
	exchange.RunChildIfAsked() // the client-dies scenario's doomed client: plays and exits
	if len(os.Args) > 1 && isScreenCommand(os.Args[1]) {
		if code, ok := guard(os.Args[1:]); ok {
			os.Exit(code)
		}
	}
	crashOnSignalForTests()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// isScreenCommand reports whether a command may take over the terminal;
// those run under the terminal guard (guard_linux.go): in a child process
// that the one the shell started waits for.
func isScreenCommand(name string) bool {
	switch name {
	case "demo", "open", "watch", "explain", "quiz":
		return true
	}
	return false
}

// stopSignals end the program cleanly: the screen is restored, files are
// flushed, then the exit status is 128 + the signal's number, as a shell
// reports a process killed by it.
func stopSignals() []os.Signal {
	return []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}
}

// signalled is the cause of the context's cancellation when a stop signal
// arrived.
type signalled struct{ sig syscall.Signal }

func (s signalled) Error() string { return "stopped by " + s.sig.String() }

// run executes the command line and returns the exit status. Errors are
// printed once, on one line, by this function.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, stopSignals()...)
	defer signal.Stop(sigs)
	go func() {
		select {
		case s := <-sigs:
			cancel(signalled{s.(syscall.Signal)})
		case <-ctx.Done():
		}
	}()
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var sig signalled
	if errors.As(context.Cause(ctx), &sig) {
		return 128 + int(sig.sig)
	}
	if err != nil {
		var exit *exitError
		if errors.As(err, &exit) {
			return exit.code
		}
		fmt.Fprintf(stderr, "handshake-viz: %v\n", err)
		return 1
	}
	return 0
}

// exitInterrupted is the status after Ctrl-C, as shells report SIGINT.
const exitInterrupted = 130

// exitError ends the program with a status and nothing more to print (the
// command already reported).
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }
