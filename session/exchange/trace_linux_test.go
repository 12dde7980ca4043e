//go:build linux

package exchange

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
)

// traceStep is one captured segment as the trace tests compare it: who
// sent it, its flags and its payload length.
type traceStep struct {
	FromClient bool
	Flags      capture.TCPFlags
	Len        uint32
}

func (s traceStep) String() string {
	dir := "S>C"
	if s.FromClient {
		dir = "C>S"
	}
	return fmt.Sprintf("%s %s len %d", dir, s.Flags, s.Len)
}

// wantTrace is the trace of one client turn with ACKs sent at once: the
// three-way handshake, each message and its echo acknowledged by a segment
// of their own, "##" acknowledged, and the four-way close.
func wantTrace(msgs []string) []traceStep {
	const (
		c = true
		s = false
	)
	ack, pshACK, finACK := capture.ACK, capture.PSH|capture.ACK, capture.FIN|capture.ACK
	steps := []traceStep{{c, capture.SYN, 0}, {s, capture.SYN | capture.ACK, 0}, {c, ack, 0}}
	for _, m := range msgs[:len(msgs)-1] {
		n := uint32(len(m))
		steps = append(steps, traceStep{c, pshACK, n}, traceStep{s, ack, 0}, traceStep{s, pshACK, n}, traceStep{c, ack, 0})
	}
	steps = append(steps, traceStep{c, pshACK, uint32(len(End))}, traceStep{s, ack, 0})
	return append(steps, traceStep{c, finACK, 0}, traceStep{s, ack, 0}, traceStep{s, finACK, 0}, traceStep{c, ack, 0})
}

func skipUnlessRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("capturing the exchange needs root (CAP_NET_RAW); run the tests with sudo")
	}
}

// captureRun runs an exchange under a live capture of its port and returns
// each client's trace, in order.
func captureRun(t *testing.T, opts Options) [][]traceStep {
	t.Helper()
	ex, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	src, err := capture.OpenLive(capture.LiveConfig{Interface: "lo", Port: uint16(ex.Port())})
	if err != nil {
		t.Fatalf("OpenLive: %v", err)
	}
	defer src.Close()
	ctx, cancel := context.WithTimeout(context.Background(), runWait)
	defer cancel()
	if err := ex.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	// Run returned after the server's kernel took the last ACK; a packet
	// socket sees a packet before TCP does, so everything is queued now.
	st, err := src.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Drops != 0 {
		t.Fatalf("kernel dropped %d of %d packets", st.Drops, st.Packets)
	}
	segs := readSegments(t, src, int(st.Packets))

	serverPort := uint16(ex.Port())
	var traces [][]traceStep
	var clientPort uint16
	for _, seg := range segs {
		if seg.Proto != capture.ProtoTCP {
			t.Fatalf("frame %d is %v, want TCP", seg.Frame, seg.Proto)
		}
		fromClient := seg.DstPort == serverPort
		if seg.Flags == capture.SYN {
			clientPort = seg.SrcPort
			traces = append(traces, nil)
		}
		if len(traces) == 0 {
			t.Fatalf("frame %d (%v) comes before any SYN", seg.Frame, seg.Flags)
		}
		if cp := map[bool]uint16{true: seg.SrcPort, false: seg.DstPort}[fromClient]; cp != clientPort {
			t.Fatalf("frame %d from port %d interleaves with client port %d: clients must take turns", seg.Frame, cp, clientPort)
		}
		traces[len(traces)-1] = append(traces[len(traces)-1], traceStep{fromClient, seg.Flags, seg.PayloadLen})
	}
	return traces
}

// readSegments reads n packets from src (all already queued) and decodes them.
func readSegments(t *testing.T, src *capture.LiveSource, n int) []capture.Segment {
	t.Helper()
	type result struct {
		segs []capture.Segment
		err  error
	}
	done := make(chan result, 1)
	go func() {
		dec := capture.NewDecoder()
		var r result
		for range n {
			p, err := src.Next()
			if err != nil {
				r.err = err
				break
			}
			var seg capture.Segment
			if !dec.Decode(&p, &seg).OK {
				r.err = fmt.Errorf("frame %d does not decode", p.Frame)
				break
			}
			r.segs = append(r.segs, seg)
		}
		done <- r
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.segs
	case <-time.After(runWait):
		src.Close() // unblocks the reader
		t.Fatalf("the kernel counted %d packets but they could not be read within %v", n, runWait)
	}
	return nil
}

func traceText(steps []traceStep) string {
	lines := make([]string, len(steps))
	for i, s := range steps {
		lines[i] = s.String()
	}
	return strings.Join(lines, "\n")
}

func TestTraceOfEachClientIsHandshakeEchoesAndFourWayClose(t *testing.T) {
	skipUnlessRoot(t)
	opts := Options{Clients: 2}
	traces := captureRun(t, opts)
	if len(traces) != 2 {
		t.Fatalf("captured %d connections, want 2", len(traces))
	}
	want := traceText(wantTrace(DefaultMessages()))
	for i, tr := range traces {
		if got := traceText(tr); got != want {
			t.Errorf("client %d trace:\n%s\nwant:\n%s", i+1, got, want)
		}
	}
}

func TestTraceIsTheSameOnEveryRun(t *testing.T) {
	skipUnlessRoot(t)
	runs := 30
	if testing.Short() {
		runs = 5
	}
	want := traceText(wantTrace(DefaultMessages()))
	same := 0
	for range runs {
		traces := captureRun(t, Options{})
		if len(traces) == 1 && traceText(traces[0]) == want {
			same++
		} else {
			t.Errorf("a run differs:\n%v", traces)
		}
	}
	t.Logf("%d of %d runs gave the textbook trace (%d segments)", same, runs, len(wantTrace(DefaultMessages())))
}

// closeOf is the part of a trace after "##" was sent.
func closeOf(tr []traceStep) []traceStep {
	for i := len(tr) - 1; i >= 0; i-- {
		if tr[i].FromClient && tr[i].Len == uint32(len(End)) {
			return tr[i+1:]
		}
	}
	return nil
}

func TestKernelACKsStillCloseInFourSteps(t *testing.T) {
	skipUnlessRoot(t)
	runs := 10
	if testing.Short() {
		runs = 3
	}
	wantClose := traceText(closeOf(wantTrace(DefaultMessages()))[1:]) // "##" may be acknowledged with the FIN's ACK
	patterns := map[string]int{}
	for range runs {
		traces := captureRun(t, Options{KernelACKs: true})
		if len(traces) != 1 {
			t.Fatalf("captured %d connections, want 1", len(traces))
		}
		tr := traces[0]
		cl := closeOf(tr)
		if len(cl) > 0 && !cl[0].FromClient && cl[0].Flags == capture.ACK && cl[0].Len == 0 &&
			len(cl) > 1 && cl[1].Flags.Has(capture.FIN) {
			cl = cl[1:] // the separate ACK of "##"
		}
		if got := traceText(cl); got != wantClose {
			t.Errorf("close with kernel ACK timing:\n%s\nwant:\n%s", got, wantClose)
		}
		patterns[traceText(tr)]++
	}
	for p, n := range patterns {
		t.Logf("%d of %d runs with kernel ACK timing:\n%s", n, runs, p)
	}
}
