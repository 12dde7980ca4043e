package ladder

import (
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

func TestLabelWritesFlagsAndRelativeNumbersLikeWireshark(t *testing.T) {
	evs := events(0, 1, exchange())
	want := []string{
		"SYN Seq=0",
		"SYN, ACK Seq=0 Ack=1",
		"ACK Seq=1 Ack=1",
		"PSH, ACK Seq=1 Ack=1 Len=5",
		"ACK Seq=1 Ack=6",
		"PSH, ACK Seq=1 Ack=6 Len=27",
		"ACK Seq=6 Ack=28",
		"FIN, ACK Seq=6 Ack=28",
		"ACK Seq=28 Ack=7",
		"FIN, ACK Seq=28 Ack=7",
		"ACK Seq=7 Ack=29",
	}
	for i := range evs {
		if got := Label(&evs[i], false); got != want[i] {
			t.Errorf("packet %d: Label = %q, want %q", i+1, got, want[i])
		}
	}
}

func TestLabelRawModeShowsTheNumbersOnTheWire(t *testing.T) {
	evs := events(0, 1, exchange())
	cases := map[int]string{
		0: "SYN Seq=1000000",
		1: "SYN, ACK Seq=3000000 Ack=1000001",
		3: "PSH, ACK Seq=1000001 Ack=3000001 Len=5",
	}
	for i, want := range cases {
		if got := Label(&evs[i], true); got != want {
			t.Errorf("packet %d raw: Label = %q, want %q", i+1, got, want)
		}
	}
}

func TestLabelOfResetWithoutACKHasNoAck(t *testing.T) {
	ev := session.Event{RelSeq: 1, RelAck: 99, Seg: capture.Segment{Flags: capture.RST}}
	if got := Label(&ev, false); got != "RST Seq=1" {
		t.Errorf("Label = %q, want %q", got, "RST Seq=1")
	}
}

func TestLabelOfDatagramIsUDPLen(t *testing.T) {
	ev := session.Event{Kind: session.KindDatagram, Seg: capture.Segment{Proto: capture.ProtoUDP, PayloadLen: 42}}
	if got := Label(&ev, false); got != "UDP Len=42" {
		t.Errorf("Label = %q, want %q", got, "UDP Len=42")
	}
}

func TestOptionsLineAbbreviatesSYNOptionsWithWindowMultiplier(t *testing.T) {
	cases := []struct {
		opts capture.TCPOptions
		want string
	}{
		{synOptions, "MSS=65495 WS=128 SACK_PERM TS"},
		{capture.TCPOptions{MSS: 1460, WindowScale: 0}, "MSS=1460 WS=1"},
		{capture.TCPOptions{WindowScale: -1, HasTimestamps: true}, "TS"},
		{capture.TCPOptions{WindowScale: -1}, ""},
	}
	for _, c := range cases {
		if got := OptionsLine(c.opts); got != c.want {
			t.Errorf("OptionsLine(%+v) = %q, want %q", c.opts, got, c.want)
		}
	}
}

func TestOptionsLineIsShownOnSYNsOnly(t *testing.T) {
	evs := events(0, 1, exchange())
	for i := range evs {
		want := evs[i].Seg.Flags.Has(capture.SYN)
		evs[i].Seg.Options = synOptions // options on every packet: only SYNs show them
		if got := HasOptionsLine(&evs[i]); got != want {
			t.Errorf("packet %d (%s): HasOptionsLine = %v, want %v", i+1, evs[i].Seg.Flags, got, want)
		}
	}
}

func TestMarksNameAnalysisAsWiresharkDoes(t *testing.T) {
	if got := Marks(narrate.English, 0); got != "" {
		t.Errorf("Marks(0) = %q, want empty", got)
	}
	got := Marks(narrate.English, session.Retransmission|session.DupAck)
	if want := "[TCP Retransmission] [TCP Dup ACK]"; got != want {
		t.Errorf("Marks = %q, want %q", got, want)
	}
}
