package ladder

import (
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder/laddertest"
)

func TestLabelWritesFlagsAndRelativeNumbersLikeWireshark(t *testing.T) {
	evs := laddertest.Events(0, 1, laddertest.Exchange())
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
	evs := laddertest.Events(0, 1, laddertest.Exchange())
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
		{laddertest.SYNOptions(), "MSS=65495 WS=128 SACK_PERM TS"},
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
	evs := laddertest.Events(0, 1, laddertest.Exchange())
	for i := range evs {
		want := evs[i].Seg.Flags.Has(capture.SYN)
		evs[i].Seg.Options = laddertest.SYNOptions() // options on every packet: only SYNs show them
		if got := HasOptionsLine(&evs[i]); got != want {
			t.Errorf("packet %d (%s): HasOptionsLine = %v, want %v", i+1, evs[i].Seg.Flags, got, want)
		}
	}
}

func TestMarksAreWiresharksOwnWords(t *testing.T) {
	cases := []struct {
		ev   session.Event
		want string
	}{
		{session.Event{}, ""},
		{session.Event{Analysis: session.Retransmission}, "[TCP Retransmission]"},
		{session.Event{Analysis: session.Retransmission | session.FastRetransmission}, "[TCP Fast Retransmission]"},
		{session.Event{Analysis: session.Retransmission | session.SpuriousRetransmission}, "[TCP Spurious Retransmission]"},
		{session.Event{Analysis: session.DupAck, DupAckOf: 28, DupAckN: 3}, "[TCP Dup ACK 28#3]"},
		{session.Event{Analysis: session.WindowUpdate}, "[TCP Window Update]"},
		{session.Event{Analysis: session.ZeroWindow}, "[TCP ZeroWindow]"},
		{session.Event{Analysis: session.KeepAlive}, "[TCP Keep-Alive]"},
		{session.Event{Analysis: session.OutOfOrder}, "[TCP Out-Of-Order]"},
		{session.Event{Analysis: session.Retransmission | session.DupAck, DupAckOf: 7, DupAckN: 1}, "[TCP Retransmission] [TCP Dup ACK 7#1]"},
	}
	for _, c := range cases {
		for _, lang := range []narrate.Lang{narrate.English, narrate.Chinese} {
			if got := Marks(lang, &c.ev); got != c.want {
				t.Errorf("Marks(%s, %v) = %q, want %q", lang, c.ev.Analysis.Names(), got, c.want)
			}
		}
	}
}

func TestMarksAddTheWiresVerdictInTheLanguage(t *testing.T) {
	drop := session.Event{Analysis: session.Retransmission, Seg: capture.Segment{Verdict: capture.Dropped}}
	if got, want := Marks(narrate.English, &drop), "[TCP Retransmission] [dropped by the wire]"; got != want {
		t.Errorf("dropped: %q, want %q", got, want)
	}
	late := session.Event{Seg: capture.Segment{Verdict: capture.Delayed, DelayNS: 200e6}}
	if got, want := Marks(narrate.Chinese, &late), "[被线路延迟 200ms]"; got != want {
		t.Errorf("delayed zh: %q, want %q", got, want)
	}
	if !HasMarks(&late) || HasMarks(&session.Event{}) {
		t.Error("HasMarks does not follow the verdict")
	}
}

func TestCallTextWritesCallsAsCode(t *testing.T) {
	cases := map[string]session.Call{
		"connect()":                {Call: session.CallConnect},
		"accept() → ok":            {Call: session.CallAccept, Phase: session.CallReturn, Result: "ok"},
		"connect() → ECONNREFUSED": {Call: session.CallConnect, Phase: session.CallReturn, Result: "ECONNREFUSED"},
		"recv() → 5":               {Call: session.CallRecv, Phase: session.CallReturn, Result: "ok", Bytes: 5},
		"close() → ok":             {Call: session.CallClose, Phase: session.CallReturn},
	}
	for want, c := range cases {
		if got := CallText(&c); got != want {
			t.Errorf("CallText(%+v) = %q, want %q", c, got, want)
		}
	}
}
