package main

import (
	"testing"
	"time"
)

func TestTmuxExplainPausesAtTheSYNACKShowsTheAnswerAndQuitsWith0(t *testing.T) {
	s := startTmux(t, "explain", "handshake", "--recorded", "--speed", "8")
	s.waitFor(10*time.Second, "Question: handshake", "⏸ 1/3 SYN:") // held at the first key packet
	s.keys("Space")
	s.waitFor(10*time.Second, "⏸ 2/3 SYN,ACK")
	for range 3 {
		s.keys("Enter")
	}
	s.keys("Enter")
	s.waitFor(10*time.Second, "Model answer", "1  And if the third ACK is lost?")
	s.keys("5") // the SYN queue: explain backlog
	s.waitFor(10*time.Second, "Question: backlog")
	s.keys("Escape")
	s.waitFor(10*time.Second, "Question: handshake")
	s.keys("q")
	if st := s.exitStatus(10 * time.Second); st != "0" {
		t.Fatalf("exit status %s, want 0", st)
	}
	s.assertTerminalBack()
}

func TestTmuxQuizScoresAnAnswerTypedOnTheScreen(t *testing.T) {
	s := startTmux(t, "quiz", "handshake", "--recorded", "--seed", "3", "-n", "1", "--speed", "8")
	s.waitFor(10*time.Second, "Question 1 of 1", "a) Ack=0", "c) Ack=1")
	s.keys("c")
	s.waitFor(10*time.Second, "✓ Right: Ack=1")
	s.keys("Enter")
	s.waitFor(10*time.Second, "Done: 1 of 1 right")
	s.keys("q")
	if st := s.exitStatus(10 * time.Second); st != "0" {
		t.Fatalf("exit status %s, want 0", st)
	}
	s.waitFor(5*time.Second, "Score: 1 of 1")
}
