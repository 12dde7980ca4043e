package session

import "github.com/handshake-viz/handshake-viz/capture"

// UDP flows are keyed by the unordered 4-tuple and numbered in their own
// index space, in order of first datagram; A is the first sender. UDP has
// no connection state: datagram events carry no TCP states.

// UDPFlows returns every UDP flow in index order.
func (t *Tracker) UDPFlows() []UDPFlow { return append([]UDPFlow(nil), t.flows...) }

func (t *Tracker) observeUDP(seg *capture.Segment, ev *Event) {
	src := seg.SrcEndpoint()
	key := keyOf(src, seg.DstEndpoint())
	idx, ok := t.udp[key]
	if !ok {
		idx = len(t.flows)
		t.udp[key] = idx
		t.flows = append(t.flows, UDPFlow{A: src, B: seg.DstEndpoint()})
	}
	fl := &t.flows[idx]
	fl.Packets++
	d := FromClient
	if src != fl.A {
		d = FromServer
	}
	if ev == nil {
		return
	}
	*ev = Event{Kind: KindDatagram, Stream: idx, N: int(fl.Packets), From: d, Phase: PhaseData, Note: NoteDatagram, Seg: *seg}
}
