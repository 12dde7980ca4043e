package main

import (
	"os"
	"os/signal"
	"syscall"
)

// crashTestEnv, set to 1, makes SIGUSR1 panic a goroutine of the program:
// the end-to-end tests use it to check that a crash in any goroutine gives
// the terminal back (guard_linux.go). Without it SIGUSR1 keeps its default.
const crashTestEnv = "HANDSHAKE_VIZ_CRASH_ON_SIGUSR1"

func crashOnSignalForTests() {
	if os.Getenv(crashTestEnv) != "1" {
		return
	}
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGUSR1)
	go func() {
		<-c
		panic("crash test: SIGUSR1 with " + crashTestEnv + "=1")
	}()
}
