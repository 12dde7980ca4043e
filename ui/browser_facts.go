package ui

import (
	"strconv"
	"time"

	"github.com/handshake-viz/handshake-viz/session"
)

// streamFactsOf is what the list shows of a TCP stream.
func streamFactsOf(s *session.StreamSummary) streamFacts {
	return streamFacts{
		Kind:      session.KindSegment,
		Index:     s.Index,
		Client:    s.Client,
		Server:    s.Server,
		Packets:   s.Packets,
		BytesCS:   s.PayloadBytes.Client,
		BytesSC:   s.PayloadBytes.Server,
		Handshake: s.Handshake.String(),
		Close:     s.Close.String(),
		By:        s.ClosedBy.String(),
		Retrans:   s.Retransmissions,
		RTT:       micros(s.RTT),
		Duration:  micros(s.Duration),
	}
}

// flowFactsOf is what the list shows of a UDP flow: A, the first sender,
// in the client column.
func flowFactsOf(f *session.UDPFlow, index int) streamFacts {
	return streamFacts{
		Kind:     session.KindDatagram,
		Index:    index,
		Client:   f.A,
		Server:   f.B,
		Packets:  f.Packets,
		RTT:      -1,
		Duration: -1,
	}
}

// micros converts a summary duration; unknown stays negative.
func micros(m session.Micros) time.Duration {
	if !m.Known() {
		return -1
	}
	return time.Duration(m) * time.Microsecond
}

// withLive adds what a live capture knows of a TCP stream now: the state
// of both ends ("ESTABLISHED/CLOSE-WAIT") and its process ("curl 4242").
func withLive(f streamFacts, c session.LiveConn) streamFacts {
	f.State = c.Client.String() + "/" + c.Server.String()
	if c.PID != 0 {
		f.Process = c.Process + " " + strconv.Itoa(c.PID)
	}
	return f
}
