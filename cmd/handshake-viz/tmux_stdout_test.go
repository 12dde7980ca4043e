package main

import (
	"testing"
	"time"
)

// A screen started with its standard output closed (`>&-`, as some
// launchers and cron-like wrappers do) still draws on the terminal, quits
// on q with status 0 and gives the terminal back: the screen is drawn on
// the controlling terminal, not on stdout.
func TestTmuxClosedStdoutStillShowsTheScreenAndGivesTheTerminalBack(t *testing.T) {
	capture := corpus(t, "tcpdump/of10_pf5240.pcap")
	for _, tc := range []struct {
		args  []string
		shows string
	}{
		{[]string{"open", capture}, "172.16.1.101:62224"},
		{[]string{"demo", "--recorded"}, "SYN"},
	} {
		t.Run(tc.args[0], func(t *testing.T) {
			// startTmuxWith puts its first argument before the command as
			// it is: here a shell command closing stdout for what follows.
			s := startTmuxWith(t, "exec 1>&-;", tc.args...)
			s.waitFor(15*time.Second, tc.shows)
			if alt := s.display("#{alternate_on}"); alt != "1" {
				t.Fatalf("the screen is not up on the alternate screen (%s):\n%s", alt, s.screen())
			}
			s.keys("q")
			if st := s.exitStatus(10 * time.Second); st != "0" {
				t.Errorf("exit status %s after q, want 0; screen:\n%s", st, s.screen())
			}
			s.assertTerminalBack()
		})
	}
}
