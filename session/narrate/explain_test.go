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
		Client: session.SynSent, Server: session.Listen, Note: session.NoteSYN,
		Seg: capture.Segment{
			Src: netip.MustParseAddr("10.1.0.2"), Dst: netip.MustParseAddr("10.1.0.1"),
			SrcPort: 40000, DstPort: 8888, Proto: capture.ProtoTCP,
			Flags: capture.SYN, Seq: 2663352857, Window: 65535,
		},
	}
}

func TestExplainFirstSYNNamesTheISNAndWhatWillBeAcknowledged(t *testing.T) {
	ev := synEvent()
	got := Explain(English, &ev, session.StreamInfo{})
	want := "Handshake 1/3: the client asks to connect and picks its initial sequence number 2663352857; " +
		"sending the SYN makes it SYN-SENT. A listening server is SYN-RECEIVED as soon as the SYN arrives. " +
		"A SYN uses one sequence number, so the server will acknowledge 2663352858."
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	zh := Explain(Chinese, &ev, session.StreamInfo{})
	if !strings.Contains(zh, "2663352857") || !strings.Contains(zh, "2663352858") || !strings.Contains(zh, "客户端") {
		t.Errorf("Chinese SYN sentence lacks the numbers or the role: %q", zh)
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
}

func TestEveryNoteRendersWithoutFormatErrors(t *testing.T) {
	for _, n := range session.AllNotes() {
		ev := synEvent()
		ev.Note = n
		ev.Seg.PayloadLen, ev.RelSeq = 10, 1
		for _, lang := range []Lang{English, Chinese} {
			got := Explain(lang, &ev, session.StreamInfo{})
			if strings.Contains(got, "%!") || got == n.Key() || got == "" {
				t.Errorf("%s %s: %q", lang, n.Key(), got)
			}
			if lang == Chinese && !strings.ContainsFunc(got, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Errorf("%s Chinese sentence has no Chinese: %q", n.Key(), got)
			}
		}
	}
}

func TestFinalACKNamesTheTimeWaitReason(t *testing.T) {
	ev := synEvent()
	ev.Note, ev.Seg.Flags, ev.Client, ev.Server = session.NoteFinalACK, capture.ACK, session.TimeWait, session.Closed
	for lang, words := range map[Lang][]string{English: {"2*MSL", "late segments", "TIME-WAIT"}, Chinese: {"2*MSL", "迟到", "TIME-WAIT"}} {
		got := Explain(lang, &ev, session.StreamInfo{})
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
	got := Explain(English, &ev, info)
	if !strings.Contains(got, "from 10.1.0.53:53 to 10.1.0.2:53000: 42 bytes") {
		t.Errorf("got %q", got)
	}
}

func TestNoteNoneExplainsNothing(t *testing.T) {
	ev := synEvent()
	ev.Note = session.NoteNone
	if got := Explain(English, &ev, session.StreamInfo{}); got != "" {
		t.Errorf("got %q", got)
	}
}
