package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture/synth"
)

func TestParseFlagsDefaultsToSixtyThousandConnectionsOnStdout(t *testing.T) {
	o, err := parseFlags(nil, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if o.out != "-" || o.cfg.Connections != synth.DefaultConnections || o.cfg.Concurrent != synth.DefaultConcurrent {
		t.Fatalf("defaults: out %q, %d connections, %d concurrent", o.out, o.cfg.Connections, o.cfg.Concurrent)
	}
}

func TestParseFlagsRejectsZeroConnectionsAndArguments(t *testing.T) {
	for _, args := range [][]string{{"-connections", "0"}, {"-concurrent", "-1"}, {"extra"}, {"-request-len", "5000"}} {
		if _, err := parseFlags(args, &bytes.Buffer{}); err == nil {
			t.Errorf("parseFlags(%q) accepted", args)
		}
	}
}

func TestRunWritesFileAndReportsPacketCount(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.pcap")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-o", path, "-connections", "10", "-concurrent", "4", "-seed", "3"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var want bytes.Buffer
	n, err := synth.Write(&want, synth.Config{Connections: 10, Concurrent: 4, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("file (%d bytes) differs from synth.Write with the same config (%d bytes)", len(got), want.Len())
	}
	if !strings.HasPrefix(stdout.String(), "wrote 190 packets, ") || n != 190 {
		t.Fatalf("summary %q, Write returned %d packets; want 190", stdout.String(), n)
	}
}

func TestRunWithUDPWritesSynthsUDPFlows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u.pcap")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-o", path, "-udp", "30"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var want bytes.Buffer
	if _, err := synth.WriteUDP(&want, 30); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) || !strings.HasPrefix(stdout.String(), "wrote 60 packets, ") {
		t.Fatalf("file of %d bytes (synth.WriteUDP: %d), summary %q", len(got), want.Len(), stdout.String())
	}
}
