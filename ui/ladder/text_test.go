package ladder

import (
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

func textOf(t *testing.T, raw bool, evs []session.Event) string {
	t.Helper()
	var b strings.Builder
	tl := NewTextWriter(&b, narrate.English, raw)
	for _, ev := range evs {
		if err := tl.Write(ev, laddertest.StreamInfo(ev.Stream)); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func TestTextWriterGolden(t *testing.T) {
	// Two connections on the same ports: the Tracker numbers them 0 and 1.
	evs := laddertest.Tracked(t, append(laddertest.Events(0, 1, laddertest.Exchange()), laddertest.Events(1, 12, laddertest.Exchange()[:3])...))
	laddertest.Golden(t, *update, "text.golden", textOf(t, false, evs))
}

func TestTextWriterWritesOneLinePerPacketPlusHeaders(t *testing.T) {
	out := textOf(t, false, laddertest.Tracked(t, laddertest.Events(0, 1, laddertest.Exchange())))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	// 11 packets, 1 connection header, 3 phase headers, 1 line naming the close.
	if len(lines) != 16 {
		t.Fatalf("%d lines, want 16:\n%s", len(lines), out)
	}
	for _, want := range []string{"-- Three-way handshake --", "-- Data transfer --", "-- Connection close --",
		"SYN Seq=0  MSS=65495 WS=128 SACK_PERM TS", "PSH, ACK Seq=1 Ack=1 Len=5", "Four-way close"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestTextWriterWritesEachLineAsItsEventArrives(t *testing.T) {
	var b strings.Builder
	tl := NewTextWriter(&b, narrate.English, false)
	evs := laddertest.Events(0, 1, laddertest.Exchange())
	if err := tl.Write(evs[0], laddertest.StreamInfo(0)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "SYN Seq=0") {
		t.Errorf("after the first event the output is %q, want its arrow", b.String())
	}
}

func TestTextWriterRawNumbersAndMarks(t *testing.T) {
	evs := laddertest.Events(0, 1, laddertest.Exchange()[:4])
	evs[3].Analysis = session.Retransmission
	out := textOf(t, true, evs)
	for _, want := range []string{"SYN Seq=1000000", "PSH, ACK Seq=1000001 Ack=3000001 Len=5  [TCP Retransmission]"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Seq=0") {
		t.Errorf("raw output has relative numbers:\n%s", out)
	}
}

func TestTextWriterServerArrowsPointLeft(t *testing.T) {
	ev := laddertest.Events(0, 1, laddertest.Exchange()[:2])
	out := textOf(t, false, ev)
	lines := strings.Split(out, "\n")
	if !strings.Contains(lines[2], "--->") || !strings.Contains(lines[3], "<---") {
		t.Errorf("arrows do not point from the sender:\n%s", out)
	}
}
