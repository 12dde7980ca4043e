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

// segmentsOnly knows TCP streams only, as the Tracker does.
type segmentsOnly struct{ info StreamInfo }

func (s segmentsOnly) StreamInfo(kind EventKind, index int) StreamInfo {
	if kind != KindSegment {
		return StreamInfo{Index: index}
	}
	return s.info
}

func TestACallFirstRegistersItsStreamWithTheTCPStreamsEndpoints(t *testing.T) {
	tl := NewTimeline()
	want := StreamInfo{Index: 0, Client: testClient, Server: testServer}
	tl.Append(segmentsOnly{want}, Event{Kind: KindCall, Stream: 0}, Event{Stream: 0})
	if got := tl.StreamInfo(KindSegment, 0); got != want {
		t.Errorf("stream 0 = %+v, want %+v", got, want)
	}
}
