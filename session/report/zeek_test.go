package report

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
)

// zeekCut reads a Zeek TSV log the way zeek-cut does: the columns named by
// its #fields line, one map per record.
func zeekCut(t *testing.T, r io.Reader) []map[string]string {
	t.Helper()
	var fields []string
	var out []map[string]string
	sc := bufio.NewScanner(r)
	sawSeparator := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == `#separator \x09`:
			sawSeparator = true
		case strings.HasPrefix(line, "#fields\t"):
			fields = strings.Split(line, "\t")[1:]
		case strings.HasPrefix(line, "#"):
		default:
			vals := strings.Split(line, "\t")
			if !sawSeparator || len(vals) != len(fields) {
				t.Fatalf("record %q: %d values for %d fields (separator line seen: %v)", line, len(vals), len(fields), sawSeparator)
			}
			rec := map[string]string{}
			for i, f := range fields {
				rec[f] = vals[i]
			}
			out = append(out, rec)
		}
	}
	return out
}

// ourConnLog is --format zeek of one corpus capture.
func ourConnLog(t *testing.T, path string) []map[string]string {
	t.Helper()
	src, err := capture.OpenFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("capture corpus not found at %s", pcapDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var out bytes.Buffer
	now := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	if _, err := Run(context.Background(), src, DefaultOptions(), NewZeekWriter(&out, nil, now)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "#open\t2026-01-02-03-04-05\n") || !strings.HasSuffix(out.String(), "#close\t2026-01-02-03-04-05\n") {
		t.Errorf("conn.log lacks Zeek's #open/#close lines:\n%s", out.String())
	}
	return zeekCut(t, &out)
}

func TestZeekVerdictsMatchZeeksBaselineForTheMissingSYNTrace(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "zeek", "core.tcp.missing-syn.conn.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := zeekCut(t, f)
	got := ourConnLog(t, filepath.Join(pcapDir, "zeek", "tcp_missing-syn.pcap"))
	if len(got) != len(want) {
		t.Fatalf("%d connections, Zeek logs %d", len(got), len(want))
	}
	for i := range want {
		for _, field := range []string{"id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "ts", "orig_bytes", "resp_bytes", "conn_state", "history", "missed_bytes"} {
			if got[i][field] != want[i][field] {
				t.Errorf("connection %d: %s = %q, Zeek's baseline %q", i, field, got[i][field], want[i][field])
			}
		}
	}
}

func TestZeekVerdictsMatchZeeksEndpointStatesForTheFINRetransmissionTrace(t *testing.T) {
	// Zeek's baseline prints the endpoints: orig state 5 (CLOSED), resp
	// 6 (RESET); main.zeek's conn_state makes that RSTR.
	b, err := os.ReadFile(filepath.Join("testdata", "zeek", "core.tcp.fin-retransmit.out"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "state=5") || !strings.Contains(string(b), "state=6") {
		t.Fatalf("baseline changed: %s", b)
	}
	got := ourConnLog(t, filepath.Join(pcapDir, "zeek", "tcp_fin_retransmission.pcap"))
	if len(got) != 1 || got[0]["conn_state"] != "RSTR" {
		t.Fatalf("conn.log %v, want one RSTR connection", got)
	}
}

func TestZeekConnLogHasAValueForEveryFieldOfEveryCorpusStream(t *testing.T) {
	for _, path := range corpusFiles(t) {
		if _, ok := analyzeFile(t, path); !ok {
			continue
		}
		for _, rec := range ourConnLog(t, path) {
			if rec["conn_state"] == "" || rec["history"] == "" || rec["uid"] == "" {
				t.Errorf("%s: record %v", path, rec)
			}
		}
	}
}
