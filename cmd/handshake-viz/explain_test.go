package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/session/narrate"
)

func TestExplainHandshakePrintsThePausesOfTheShippedRecording(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"explain", "handshake", "--lang", "zh"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"第二次握手 SYN,ACK", "参考答案", "demo --scenario lost-ack"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestExplainUnknownTopicIsOneLineNamingTheList(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"explain", "nope"}, nil, &out, &errb); code != 1 || strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), "handshake") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

func TestExplainSaysWhichExchangeStandsInForAMissingScenario(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"explain", "tcp-vs-udp", "--recorded", "--lang", "en"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	text := strings.Join(strings.Fields(out.String()), " ") // paragraphs are wrapped
	for _, want := range []string{"exchange: loop, a recorded capture", "the recorded loop exchange stands in for scenario tcp-vs-udp", "Measured in this run", "marked * are what the protocol fixes"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestExplainFilePlaysYourCapture(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"explain", "close", "--file", "recorded.pcapng", "--lang", "en"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	text := strings.Join(strings.Fields(out.String()), " ")
	for _, want := range []string{"played from your capture recorded.pcapng", "FIN-WAIT-1"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestExplainTCPvsUDPFillsBothColumnsFromTheLiveScenario(t *testing.T) {
	needRoot(t)
	var out, errb bytes.Buffer
	if code := run([]string{"explain", "tcp-vs-udp", "--no-tui", "--lang", "en"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	text := strings.Join(strings.Fields(out.String()), " ")
	for _, want := range []string{"exchange: tcp-vs-udp, captured live now", "⏸ The same message over UDP", "transport header per packet 32–40 B 8 B"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(text, "marked *") {
		t.Error("the UDP column says it was not measured")
	}
}

func TestSourceStandsInForAScenarioTheLibraryLacks(t *testing.T) {
	src := &scenarioSource{lang: narrate.English, recorded: true}
	ex, err := src.Play(context.Background(), "no-such-scenario")
	if err != nil {
		t.Fatal(err)
	}
	if ex.Scenario != "loop" || !strings.Contains(ex.Note, "scenario no-such-scenario is not in this build yet") {
		t.Errorf("played %q with note %q", ex.Scenario, ex.Note)
	}
	if src.Has("no-such-scenario") || !src.Has("loop") || src.Has("refused") {
		t.Error("Has: a recorded source has the loop only")
	}
}
