package report

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// collector is a Writer that keeps what it is given.
type collector struct {
	file, format string
	streams      []session.StreamSummary
	flows        []session.UDPFlow
	totals       Totals
	ended        bool
}

func (c *collector) Begin(file, format string) error { c.file, c.format = file, format; return nil }
func (c *collector) Streams(ss []session.StreamSummary) error {
	c.streams = append(c.streams, ss...)
	return nil
}
func (c *collector) Flows(fs []session.UDPFlow) error {
	c.flows = append(c.flows, fs...)
	return nil
}
func (c *collector) End(t *Totals) error { c.totals, c.ended = *t, true; return nil }

// streamed runs Run over a capture with opts into a collector.
func streamed(t *testing.T, open func() (capture.Source, error), opts Options) *collector {
	t.Helper()
	src, err := open()
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var c collector
	if _, err := Run(context.Background(), src, opts, &c); err != nil {
		t.Fatal(err)
	}
	if !c.ended {
		t.Fatal("Run did not end its writer")
	}
	return &c
}

func nonNilFlows(fs []session.UDPFlow) []session.UDPFlow {
	if fs == nil {
		return []session.UDPFlow{}
	}
	return fs
}

// checkStreamedIsTheKeptReport compares a streamed run with Analyze.
func checkStreamedIsTheKeptReport(t *testing.T, name string, got *collector, want Report) {
	t.Helper()
	if len(got.streams) != len(want.Streams) {
		t.Errorf("%s: streamed %d streams, kept %d", name, len(got.streams), len(want.Streams))
		return
	}
	for i := range want.Streams {
		if got.streams[i] != want.Streams[i] {
			t.Errorf("%s: stream %d: streamed %+v, kept %+v", name, i, got.streams[i], want.Streams[i])
			return
		}
	}
	tt := got.totals
	if tt.Packets != want.Packets || tt.TCPPackets != want.TCPPackets || tt.UDPPackets != want.UDPPackets ||
		!reflect.DeepEqual(tt.Warnings, want.Warnings) || !reflect.DeepEqual(nonNilFlows(got.flows), want.UDPFlows) || tt.Flows != uint64(len(want.UDPFlows)) ||
		!reflect.DeepEqual(tt.LinkTypes, want.LinkTypes) || tt.Streams != uint64(len(want.Streams)) {
		t.Errorf("%s: streamed totals %+v, kept report %+v", name, tt, want)
	}
}

func TestStreamedReportWithDefaultLimitsIsTheKeptReportForEveryCorpusCapture(t *testing.T) {
	n, fired := 0, 0
	for _, path := range corpusFiles(t) {
		want, ok := analyzeFile(t, path)
		if !ok {
			continue
		}
		n++
		got := streamed(t, func() (capture.Source, error) { return capture.OpenFile(path) }, DefaultOptions())
		if c := got.totals.Finished; c.EarlyOpen()+c.UDPIdle+c.UDPMaxConns > 0 {
			fired++ // a timeout fired: the streams may differ, and the warnings say why
			t.Logf("%s: %+v", path, got.totals.Finished)
			continue
		}
		checkStreamedIsTheKeptReport(t, path, got, want)
	}
	if n == 0 {
		t.Fatal("no capture of the corpus could be opened")
	}
	if fired > n/10 {
		t.Errorf("a timeout fired in %d of %d captures: the defaults are too tight", fired, n)
	}
}

func TestStreamedReportIsTheKeptReportForSyntheticCapture(t *testing.T) {
	data := synthCapture(t, 3000)
	open := func() (capture.Source, error) {
		return capture.OpenReader("synth.pcap", bytes.NewReader(data), int64(len(data)))
	}
	got := streamed(t, open, DefaultOptions())
	checkStreamedIsTheKeptReport(t, "synth.pcap", got, analyzeBytes(t, "synth.pcap", data))
	// With a limit far below the lingering connections, the streams are
	// the same (no late packets) and the cut lingers are counted.
	opts := DefaultOptions()
	opts.Finish.MaxConns = 100
	got = streamed(t, open, opts)
	checkStreamedIsTheKeptReport(t, "synth.pcap max-conns 100", got, analyzeBytes(t, "synth.pcap", data))
	if c := got.totals.Finished; c.LingerCut == 0 || c.MaxHeld > 101 {
		t.Errorf("counts %+v: want lingers cut, at most 101 streams held", c)
	}
}

func TestJSONWriterWritesTheV1DocumentWithStreamsFirst(t *testing.T) {
	data := synthCapture(t, 600)
	src, err := capture.OpenReader("synth.pcap", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := Run(context.Background(), src, DefaultOptions(), NewJSONWriter(&out)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), `{"version":1,"file":"synth.pcap","format":"pcap","streams":[{"index":0,`) {
		t.Errorf("document starts %.80q", out.String())
	}
	var got, want Report
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	var ref bytes.Buffer
	if err := WriteJSON(&ref, analyzeBytes(t, "synth.pcap", data)); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(ref.Bytes(), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("streamed document differs from WriteJSON's")
	}
}

func TestNDJSONWriterWritesAStreamPerLineThenTheSummary(t *testing.T) {
	data := synthCapture(t, 300)
	src, err := capture.OpenReader("synth.pcap", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := Run(context.Background(), src, DefaultOptions(), NewNDJSONWriter(&out)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 301 {
		t.Fatalf("%d lines, want 300 streams and a summary", len(lines))
	}
	for i, l := range lines[:300] {
		var s session.StreamSummary
		if err := json.Unmarshal([]byte(l), &s); err != nil || s.Index != i {
			t.Fatalf("line %d: %v, index %d: %s", i, err, s.Index, l)
		}
	}
	var sum struct {
		Version    int    `json:"version"`
		TCPStreams int    `json:"tcp_streams"`
		Packets    uint64 `json:"packets"`
	}
	if err := json.Unmarshal([]byte(lines[300]), &sum); err != nil || sum.Version != 1 || sum.TCPStreams != 300 || sum.Packets == 0 {
		t.Errorf("summary line %s: %+v %v", lines[300], sum, err)
	}
}

func TestTableWriterMatchesTheFixedColumnsOfItsHeader(t *testing.T) {
	rep := analyzeBytes(t, "synth.pcap", synthCapture(t, 50))
	var out bytes.Buffer
	if err := WriteTable(&out, rep); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	header := lines[0]
	// Every row's RETRANS value starts where the header's RETRANS does.
	col := strings.Index(header, "RETRANS")
	colRunes := len([]rune(header[:col]))
	for _, l := range lines[1:51] {
		r := []rune(l)
		if len(r) <= colRunes || r[colRunes-1] != ' ' || r[colRunes] != '0' {
			t.Fatalf("row %q: RETRANS not under its header %q", l, header)
		}
	}
}
