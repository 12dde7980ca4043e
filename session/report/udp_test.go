package report

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/synth"
	"github.com/handshake-viz/handshake-viz/session"
)

// udpCapture is a synthetic capture of n DNS-like UDP flows.
func udpCapture(tb testing.TB, n int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := synth.WriteUDP(&buf, n); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// runInto runs Run over data with opts into w.
func runInto(t *testing.T, data []byte, opts Options, w Writer) Totals {
	t.Helper()
	src, err := capture.OpenReader("udp.pcap", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	tt, err := Run(context.Background(), src, opts, w)
	if err != nil {
		t.Fatal(err)
	}
	return tt
}

func TestJSONWriterSpillingItsUDPFlowsToAFileWritesTheKeptReportsFlows(t *testing.T) {
	data := udpCapture(t, 3000)
	var out bytes.Buffer
	j := &jsonDoc{streamBuf: newStreamBuf(&out), udp: spool{limit: 1024}}
	opts := DefaultOptions()
	opts.Finish.MaxConns = 50 // the flows come out while the capture is read
	sp := &j.udp
	spilled := false
	w := spyWriter{Writer: j, after: func() { spilled = spilled || sp.f != nil }}
	tt := runInto(t, data, opts, w)
	if !spilled {
		t.Fatal("the spool never moved to a temporary file")
	}
	if tt.Flows != 3000 || tt.Finished.UDPMaxConns == 0 {
		t.Errorf("totals %+v", tt)
	}
	var got, want Report
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	var ref bytes.Buffer
	if err := WriteJSON(&ref, analyzeBytes(t, "udp.pcap", data)); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(ref.Bytes(), &want); err != nil {
		t.Fatal(err)
	}
	if len(got.UDPFlows) != len(want.UDPFlows) {
		t.Fatalf("%d flows, want %d", len(got.UDPFlows), len(want.UDPFlows))
	}
	for i := range want.UDPFlows {
		if got.UDPFlows[i] != want.UDPFlows[i] {
			t.Fatalf("flow %d: %+v, want %+v", i, got.UDPFlows[i], want.UDPFlows[i])
		}
	}
	if len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], "UDP flows finished early") {
		t.Errorf("warnings %q", got.Warnings)
	}
	if !strings.Contains(out.String(), `"udp_max_conns":2950}`) {
		t.Errorf("finished object lacks udp_max_conns: %s", out.String()[out.Len()-200:])
	}
}

// spyWriter calls after after each Flows.
type spyWriter struct {
	Writer
	after func()
}

func (s spyWriter) Flows(fs []session.UDPFlow) error {
	err := s.Writer.Flows(fs)
	s.after()
	return err
}

func TestTableWriterSpillingItsUDPFlowsWritesTheKeptTable(t *testing.T) {
	data := udpCapture(t, 2000)
	var out, ref bytes.Buffer
	tw := &table{streamBuf: newStreamBuf(&out), udp: spool{limit: 512}}
	opts := DefaultOptions()
	opts.Finish.MaxConns = 0
	runInto(t, data, opts, tw)
	if err := WriteTable(&ref, analyzeBytes(t, "udp.pcap", data)); err != nil {
		t.Fatal(err)
	}
	if out.String() != ref.String() {
		t.Errorf("streamed table differs from the kept one:\n%.300s\n---\n%.300s", out.String(), ref.String())
	}
	if !strings.Contains(out.String(), "\nUDP FLOW  A ") || !strings.Contains(out.String(), "1999      10.98.0.1:3023") {
		t.Errorf("no UDP section:\n%s", out.String()[out.Len()-300:])
	}
}

func TestNDJSONWriterWritesEachUDPFlowOnItsOwnLine(t *testing.T) {
	data := udpCapture(t, 500)
	var out bytes.Buffer
	runInto(t, data, DefaultOptions(), NewNDJSONWriter(&out))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 501 {
		t.Fatalf("%d lines, want 500 flows and a summary", len(lines))
	}
	for i, l := range lines[:500] {
		var f struct {
			UDPFlow *int   `json:"udp_flow"`
			A       string `json:"a"`
			Packets uint64 `json:"packets"`
		}
		if err := json.Unmarshal([]byte(l), &f); err != nil || f.UDPFlow == nil || *f.UDPFlow != i || f.Packets != 2 || f.A == "" {
			t.Fatalf("line %d: %v: %s", i, err, l)
		}
	}
	var sum map[string]any
	if err := json.Unmarshal([]byte(lines[500]), &sum); err != nil {
		t.Fatal(err)
	}
	if sum["udp_flow_count"] != 500.0 || sum["udp_flows"] != nil || sum["version"] != 1.0 {
		t.Errorf("summary line %s", lines[500])
	}
}

func TestZeekConnLogOfAUDPFlowHasZeeksValuesForTheWikipediaTrace(t *testing.T) {
	path := filepath.Join(pcapDir, "zeek", "wikipedia.pcap")
	recs := ourConnLog(t, path)
	var udp []map[string]string
	for _, r := range recs {
		if r["proto"] == "udp" {
			udp = append(udp, r)
		}
	}
	if len(udp) != 24 {
		t.Fatalf("%d UDP records, want the 24 flows", len(udp))
	}
	// Zeek 3.x logs this DNS query and answer as: ts 1300475168.853899,
	// duration 0.000435, orig_bytes 38, resp_bytes 89, SF, history Dd,
	// one packet each way.
	var dns map[string]string
	for _, r := range udp {
		if r["id.orig_p"] == "43927" {
			dns = r
		}
	}
	want := map[string]string{"ts": "1300475168.853899", "id.orig_h": "141.142.220.118", "id.resp_h": "141.142.2.2", "id.resp_p": "53",
		"duration": "0.000435", "orig_bytes": "38", "resp_bytes": "89", "conn_state": "SF", "history": "Dd", "orig_pkts": "1", "resp_pkts": "1"}
	for k, v := range want {
		if dns[k] != v {
			t.Errorf("%s = %q, Zeek logs %q (record %v)", k, dns[k], v, dns)
		}
	}
	for _, r := range udp {
		if (r["conn_state"] != "S0" || r["history"] != "D") && (r["conn_state"] != "SF" || r["history"] != "Dd") {
			t.Errorf("record %v", r)
		}
		if !strings.HasPrefix(r["uid"], "CU") {
			t.Errorf("uid %q", r["uid"])
		}
	}
}
