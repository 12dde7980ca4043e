package session

import "testing"

func TestClosedStreamsCountsStreamsWhoseLastSegmentLeftBothEndsClosed(t *testing.T) {
	tl := NewTimeline()
	tl.Append(nil,
		Event{Stream: 0, Client: Established, Server: Established},
		Event{Stream: 1, Client: FinWait2, Server: CloseWait},
		Event{Stream: 0, Client: TimeWait, Server: Closed},
		Event{Kind: KindDatagram, Stream: 2},
	)
	if got := tl.ClosedStreams(); got != 1 {
		t.Errorf("ClosedStreams = %d, want 1 (stream 0 only)", got)
	}
	tl.Append(nil, Event{Stream: 1, Client: Closed, Server: Closed})
	if got := tl.ClosedStreams(); got != 2 {
		t.Errorf("ClosedStreams = %d after stream 1's reset, want 2", got)
	}
}
