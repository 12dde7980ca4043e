package main

import (
	"fmt"
	"os"
)

// needTerminal reports, before any screen is set up, when there is no
// terminal to draw on (ssh without -t, cron, setsid): the terminal UI
// would otherwise wait for a screen that never comes.
func needTerminal(command string) error {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("%s needs a terminal and there is none (%v): run it from a terminal (ssh -t), or use `handshake-viz analyze FILE` for a report", command, err)
	}
	return tty.Close()
}
