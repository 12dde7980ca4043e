package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Bad input, each kind once: the exit status DESIGN says (1 when nothing
// could be read, 0 with a warning when something could), one line on
// stderr that says what and where, and never a hang.
func TestBadInputGivesOneLineAndTheDocumentedExitStatus(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ssh, err := os.ReadFile(corpus(t, "tcpdump/ssh.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	// A pcap of link type 999, which nothing decodes: one 4-byte frame.
	var unknown bytes.Buffer
	binary.Write(&unknown, binary.LittleEndian, []uint32{0xa1b2c3d4, 2 | 4<<16, 0, 0, 65535, 999, 0, 0, 4, 4})
	unknown.WriteString("abcd")
	// Cut 10 bytes into the second record: frame 1 is whole, the damage
	// is reported where the input ends.
	frame2 := 24 + 16 + int(binary.LittleEndian.Uint32(ssh[24+8:]))
	sub := filepath.Join(dir, "captures")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path string
		code       int
		line       string // what the one stderr line must say
	}{
		{"empty file", write("empty.pcap", nil), 1, "empty.pcap: not a pcap or pcapng capture: empty file (0 bytes)"},
		{"/dev/null", "/dev/null", 1, "/dev/null: not a pcap or pcapng capture: empty file"},
		{"text file", write("notes.txt", []byte("hello world, not a capture\n")), 1, `notes.txt: not a pcap or pcapng capture: it starts with 68 65 6c 6c 6f 20 77 6f ("hello wo")`},
		{"missing file", filepath.Join(dir, "nope.pcap"), 1, "no such file or directory (check the path"},
		{"empty directory", sub, 1, "captures is a directory with no captures in it: give a pcap or pcapng file"},
		{"damaged after frame 1", write("cut.pcap", ssh[:frame2+10]), 0, fmt.Sprintf("warning: frame 2: truncated record at byte %d: unexpected EOF", frame2+10)}, // where the file ends,
		{"unknown link type", write("unknown.pcap", unknown.Bytes()), 0, "warning: link type 999 (linktype_999) is not decoded: 1 frame skipped"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runBinary(t, nil, "analyze", tc.path)
			if code != tc.code {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if tc.line == "" {
				if stderr != "" {
					t.Errorf("stderr %q, want nothing", stderr)
				}
			} else if len(lines) != 1 || !strings.Contains(lines[0], tc.line) {
				t.Errorf("stderr %q, want one line containing %q", stderr, tc.line)
			}
			if tc.code == 0 && !strings.Contains(stdout, "packet") {
				t.Errorf("the report of what could be read is missing: %q", stdout)
			}
		})
	}
}

// A FIFO is read as a stream, as stdin is: the whole capture once the
// writer closes it.
func TestFIFOIsReadToTheEndLikeStdin(t *testing.T) {
	ssh, err := os.ReadFile(corpus(t, "tcpdump/ssh.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(t.TempDir(), "capture.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.Write(ssh)
		f.Close()
	}()
	code, stdout, stderr := runBinary(t, nil, "analyze", "--json", fifo)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, `"packets":54`) {
		t.Errorf("the FIFO's 54 packets are not all reported:\n%s", stdout)
	}
}

// runBinary runs the built binary with a deadline (a hang fails the test).
func runBinary(t *testing.T, stdin []byte, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%v did not end within 20 s", args)
	}
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), out.String(), errb.String()
		}
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}
