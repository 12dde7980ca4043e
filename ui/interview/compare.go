package interview

import (
	"fmt"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// measured is what the first TCP connection or UDP flow of an exchange
// showed, for the tcp-vs-udp difference table.
type measured struct {
	seen                 bool
	packets              int
	before               int   // packets before the first one carrying data
	firstData            int64 // ns from the conversation's first packet to its first data; -1: no data
	setup                int64 // ns from the first packet until data may be sent (TCP: the handshake's ACK); -1: unknown
	headerMin, headerMax int   // transport header bytes of one packet (0: unknown)
	headerSum, dataSum   int
	empty                int // packets without data (TCP: setup, ACKs, close)
	retrans, dropped     int
}

// measure measures the first conversation of kind (KindSegment: TCP,
// KindDatagram: UDP) in evs; header sizes come from the frames of store
// (nil: TCP's are unknown, UDP's are 8).
func measure(evs []session.Event, store capture.FrameStore, kind session.EventKind) measured {
	m := measured{firstData: -1, setup: -1}
	stream, start := -1, int64(0)
	for i := range evs {
		ev := &evs[i]
		if ev.Kind != kind {
			continue
		}
		if stream < 0 {
			stream, start = ev.Stream, ladder.EventTime(ev)
			if kind == session.KindDatagram {
				m.setup = 0 // no handshake: the first datagram may carry data
			}
		}
		if ev.Stream != stream {
			continue
		}
		m.seen = true
		m.packets++
		if ev.Note == session.NoteHandshakeACK && m.setup < 0 {
			m.setup = ladder.EventTime(ev) - start
		}
		if ev.Seg.PayloadLen > 0 {
			if m.firstData < 0 {
				m.firstData = ladder.EventTime(ev) - start
				m.before = m.packets - 1
			}
		} else {
			m.empty++
		}
		m.dataSum += int(ev.Seg.PayloadLen)
		if h := headerLen(ev, store); h > 0 {
			m.headerSum += h
			if m.headerMin == 0 || h < m.headerMin {
				m.headerMin = h
			}
			m.headerMax = max(m.headerMax, h)
		}
		if ev.Analysis.Has(session.Retransmission) {
			m.retrans++
		}
		if ev.Seg.Verdict == capture.Dropped {
			m.dropped++
		}
	}
	return m
}

// udpHeaderLen is the size of every UDP header (RFC 768).
const udpHeaderLen = 8

// headerLen is the transport header size of ev's frame, 0 when unknown.
func headerLen(ev *session.Event, store capture.FrameStore) int {
	if store != nil {
		if pkt, ok := store.Frame(ev.Seg.Frame); ok {
			for _, l := range capture.Detail(pkt.Data, pkt.LinkType) {
				if l.Group == capture.GroupTransport {
					return l.End - l.Start
				}
			}
		}
	}
	if ev.Kind == session.KindDatagram {
		return udpHeaderLen
	}
	return 0
}

// compareLines are the difference table of tcp-vs-udp filled from what
// evs measured, with a note when the exchange had no UDP (the UDP column
// then says what the protocol fixes, marked *).
func compareLines(lang narrate.Lang, evs []session.Event, store capture.FrameStore) []string {
	tcp := measure(evs, store, session.KindSegment)
	udp := measure(evs, store, session.KindDatagram)
	t := func(k string, args ...any) string {
		return narrate.Text(lang, narrate.Key("explain.compare."+k), args...)
	}
	cell := func(m measured, f func(m measured) string, fixed string) string {
		if !m.seen {
			return fixed
		}
		return f(m)
	}
	header := func(m measured) string {
		switch {
		case m.headerMax == 0:
			return "—"
		case m.headerMin == m.headerMax:
			return t("bytes", m.headerMin)
		}
		return t("bytes.range", m.headerMin, m.headerMax)
	}
	dur := func(ns int64) string {
		if ns < 0 {
			return "—"
		}
		d := time.Duration(ns)
		if d >= time.Millisecond {
			return fmt.Sprint(d.Round(10 * time.Microsecond))
		}
		return fmt.Sprint(d.Round(100 * time.Nanosecond))
	}
	first := func(m measured) string { return dur(m.firstData) }
	setup := func(m measured) string { return dur(m.setup) }
	loss := func(m measured, proto string) string {
		return t("loss."+proto, m.retrans, m.dropped)
	}
	rows := [][]string{
		{"", "TCP", "UDP"},
		{t("packets"), cell(tcp, func(m measured) string { return fmt.Sprint(m.packets) }, "—"), cell(udp, func(m measured) string { return fmt.Sprint(m.packets) }, "—")},
		{t("before"), cell(tcp, func(m measured) string { return fmt.Sprint(m.before) }, "—"), cell(udp, func(m measured) string { return fmt.Sprint(m.before) }, "0 *")},
		{t("setup"), cell(tcp, setup, "—"), cell(udp, setup, "0 *")},
		{t("first"), cell(tcp, first, "—"), cell(udp, first, "—")},
		{t("header"), cell(tcp, header, "—"), cell(udp, header, t("bytes", udpHeaderLen)+" *")},
		{t("overhead"), cell(tcp, func(m measured) string { return t("ratio", m.headerSum, m.dataSum) }, "—"), cell(udp, func(m measured) string { return t("ratio", m.headerSum, m.dataSum) }, "—")},
		{t("empty"), cell(tcp, func(m measured) string { return fmt.Sprint(m.empty) }, "—"), cell(udp, func(m measured) string { return fmt.Sprint(m.empty) }, "0 *")},
		{t("loss"), cell(tcp, func(m measured) string { return loss(m, "tcp") }, "—"), cell(udp, func(m measured) string { return loss(m, "udp") }, t("loss.udp.fixed")+" *")},
	}
	out := []string{t("title")}
	out = append(out, table(rows)...)
	if !udp.seen {
		out = append(out, "", t("noudp"))
	}
	return out
}
