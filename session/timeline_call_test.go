package session

import (
	"net/netip"
	"testing"
)

// segmentsOnly knows TCP streams only, as the Tracker does.
type segmentsOnly struct{ client, server netip.AddrPort }

func (l segmentsOnly) StreamInfo(kind EventKind, index int) StreamInfo {
	if kind != KindSegment {
		return StreamInfo{Index: index}
	}
	return StreamInfo{Index: index, Client: l.client, Server: l.server}
}

func TestTimelineRegistersTheConnectionOfACallThatComesBeforeItsFirstSegment(t *testing.T) {
	c, s := netip.MustParseAddrPort("127.0.0.1:40000"), netip.MustParseAddrPort("127.0.0.1:8888")
	tl := NewTimeline()
	tl.Append(segmentsOnly{c, s}, Event{Kind: KindCall, Stream: 0}) // connect() before the SYN
	tl.Append(segmentsOnly{c, s}, Event{Kind: KindSegment, Stream: 0})
	if got := tl.StreamInfo(KindSegment, 0); got.Client != c || got.Server != s {
		t.Errorf("stream 0 = %+v, want client %v server %v (the call's connection)", got, c, s)
	}
}
