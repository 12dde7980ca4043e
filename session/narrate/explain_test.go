package narrate

import (
	"net/netip"
	"strings"
	"testing"
	"unicode"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

func synEvent() session.Event {
	return session.Event{
		Kind: session.KindSegment, N: 1, From: session.FromClient,
		Client: session.SynSent, Server: session.SynReceived, Note: session.NoteSYN,
		WinShift: session.WinShiftNone, PrevWindow: 65535,
		Seg: capture.Segment{
			Src: netip.MustParseAddr("10.1.0.2"), Dst: netip.MustParseAddr("10.1.0.1"),
			SrcPort: 40000, DstPort: 8888, Proto: capture.ProtoTCP,
			Flags: capture.SYN, Seq: 2663352857, Window: 65535,
		},
	}
}

func TestExplainSYNInRelativeNumbersSaysOnceHowTheISNIsShown(t *testing.T) {
	ev := synEvent()
	got := Explain(English, &ev, session.StreamInfo{}, Relative)
	want := "Handshake 1/3: the client asks to connect. Its SYN carries its initial sequence number (ISN), 0, " +
		"and sending it makes the client SYN-SENT. A listening server is SYN-RECEIVED as soon as the SYN arrives. " +
		"A SYN uses one sequence number, so the server will acknowledge 1. " +
		"Numbers are shown relative to each end's initial sequence number: the client's ISN 2663352857 is shown as 0."
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	zh := Explain(Chinese, &ev, session.StreamInfo{}, Relative)
	if !strings.Contains(zh, "ISN 2663352857 显示为 0") || !strings.Contains(zh, "客户端") || strings.Contains(zh, "。 ") {
		t.Errorf("Chinese SYN sentence lacks the ISN bridge or the role, or has a space between sentences: %q", zh)
	}
}

func TestExplainSYNInRawNumbersUsesOnlyRawNumbers(t *testing.T) {
	ev := synEvent()
	got := Explain(English, &ev, session.StreamInfo{}, Raw)
	if !strings.Contains(got, "(ISN), 2663352857") || !strings.Contains(got, "will acknowledge 2663352858.") {
		t.Errorf("raw SYN sentence lacks the raw ISN or ISN+1: %q", got)
	}
	if strings.Contains(got, "shown as") || strings.Contains(got, "acknowledge 1.") {
		t.Errorf("raw SYN sentence speaks of relative numbers: %q", got)
	}
}

func TestEveryNoteHasASentenceInEnglishAndChinese(t *testing.T) {
	for _, n := range session.AllNotes() {
		for _, lang := range []Lang{English, Chinese} {
			if !Has(lang, Key(n.Key())) {
				t.Errorf("%s has no %s sentence", n.Key(), lang)
			}
		}
	}
	for k := range enNotes {
		if _, ok := zhNotes[k]; !ok {
			t.Errorf("%s has no Chinese sentence", k)
		}
	}
}

func TestEveryNoteRendersWithoutFormatErrors(t *testing.T) {
	for _, n := range session.AllNotes() {
		ev := synEvent()
		ev.Note = n
		ev.Seg.PayloadLen, ev.RelSeq, ev.Seg.Flags = 10, 1, capture.ACK
		ev.AckedBytes, ev.PrevWindow = 3, 100 // every role sentence too
		ev.Analysis = session.Retransmission | session.OutOfOrder | session.DupAck | session.PreviousSegmentNotCaptured |
			session.ZeroWindowProbe | session.KeepAliveACK
		ev.DupAckOf, ev.DupAckN = 7, 2
		for _, num := range []Numbers{Relative, Raw} {
			for _, lang := range []Lang{English, Chinese} {
				got := Explain(lang, &ev, session.StreamInfo{}, num)
				if strings.Contains(got, "%!") || strings.Contains(got, "note.") || got == "" {
					t.Errorf("%s %s %s: %q", lang, num, n.Key(), got)
				}
				if lang == Chinese && !strings.ContainsFunc(got, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
					t.Errorf("%s Chinese sentence has no Chinese: %q", n.Key(), got)
				}
			}
		}
	}
}

func TestFinalACKNamesTheTimeWaitReason(t *testing.T) {
	ev := synEvent()
	ev.Note, ev.Seg.Flags, ev.Client, ev.Server = session.NoteFinalACK, capture.ACK, session.TimeWait, session.Closed
	for lang, words := range map[Lang][]string{English: {"2*MSL", "late segments", "TIME-WAIT"}, Chinese: {"2*MSL", "迟到", "TIME-WAIT"}} {
		got := Explain(lang, &ev, session.StreamInfo{}, Relative)
		for _, w := range words {
			if !strings.Contains(got, w) {
				t.Errorf("%s final ACK sentence lacks %q: %q", lang, w, got)
			}
		}
	}
}

func TestDatagramNamesItsEndpoints(t *testing.T) {
	ev := synEvent()
	ev.Kind, ev.Note, ev.From, ev.Seg.PayloadLen = session.KindDatagram, session.NoteDatagram, session.FromServer, 42
	info := session.StreamInfo{Client: netip.MustParseAddrPort("10.1.0.2:53000"), Server: netip.MustParseAddrPort("10.1.0.53:53")}
	got := Explain(English, &ev, info, Relative)
	if !strings.Contains(got, "from 10.1.0.53:53 to 10.1.0.2:53000: 42 bytes") {
		t.Errorf("got %q", got)
	}
}

func TestNoteNoneExplainsNothing(t *testing.T) {
	ev := synEvent()
	ev.Note = session.NoteNone
	if got := Explain(English, &ev, session.StreamInfo{}, Relative); got != "" {
		t.Errorf("got %q", got)
	}
}

func TestWindowIsTheCalculatedOneWhenScaled(t *testing.T) {
	ev := synEvent()
	ev.Note, ev.Seg.Flags, ev.Seg.Window, ev.WinShift, ev.PrevWindow = session.NoteWindowUpdate, capture.ACK, 64, 10, 32
	got := Explain(English, &ev, session.StreamInfo{}, Relative)
	if !strings.Contains(got, "window of 64 × 1024 = 65536 bytes") {
		t.Errorf("window update: %q", got)
	}
	if NumbersFor(true) != Raw || NumbersFor(false) != Relative {
		t.Error("NumbersFor maps the raw switch wrongly")
	}
}
