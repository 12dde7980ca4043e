package interview

import (
	"strings"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

func TestTCPColumnIsMeasuredOnTheRealExchange(t *testing.T) {
	ex := loopExchange(t)
	evs := ex.Timeline.Slice(0, ex.Timeline.Len())
	m := measure(evs, ex.Store, session.KindSegment)
	// recorded.pcapng: SYN, SYN-ACK, ACK, then hello, world, ## with their
	// echoes and ACKs, then the four-way close; 32-byte TCP headers
	// (timestamps), 40 on the SYN and SYN-ACK (MSS, SACK, WS too).
	if m.packets != 17 || m.before != 3 || m.headerMin != 32 || m.headerMax != 40 || m.dataSum != 22 || m.empty != 12 {
		t.Errorf("measured %+v", m)
	}
	if want := evs[3].Seg.TimeNS - evs[0].Seg.TimeNS; m.firstData != want {
		t.Errorf("time to the first data %d ns, want %d (SYN to hello)", m.firstData, want)
	}
	if want := evs[2].Seg.TimeNS - evs[0].Seg.TimeNS; m.setup != want {
		t.Errorf("time before data may be sent %d ns, want %d (SYN to the handshake's ACK)", m.setup, want)
	}
	lines := strings.Join(compareLines(narrate.English, evs, ex.Store), "\n")
	if !strings.Contains(lines, "the UDP cells marked * are what the protocol fixes") {
		t.Error("no note that the UDP column is not measured")
	}
}

func TestUDPColumnIsMeasuredWhenTheExchangeHasDatagrams(t *testing.T) {
	ex := loopExchange(t)
	evs := ex.Timeline.Slice(0, ex.Timeline.Len())
	t0 := evs[0].Seg.TimeNS
	for i, n := range []uint32{5, 5, 2} {
		evs = append(evs, session.Event{Kind: session.KindDatagram, Stream: 0,
			Seg: capture.Segment{Frame: uint64(100 + i), TimeNS: t0 + int64(i)*1000, Proto: capture.ProtoUDP, PayloadLen: n}})
	}
	m := measure(evs, nil, session.KindDatagram)
	if m.packets != 3 || m.before != 0 || m.firstData != 0 || m.setup != 0 || m.headerMin != 8 || m.headerSum != 24 || m.dataSum != 12 {
		t.Errorf("measured %+v", m)
	}
	lines := strings.Join(compareLines(narrate.English, evs, ex.Store), "\n")
	if strings.Contains(lines, "marked *") || !strings.Contains(lines, "24 / 12") {
		t.Errorf("the UDP column is not the measured one:\n%s", lines)
	}
}
