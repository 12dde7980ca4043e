package exchange

import (
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

const (
	c = session.FromClient
	s = session.FromServer
)

// handshake checks the first three segments are SYN, SYN-ACK, ACK.
func handshake(tr Trace) error {
	segs := tr.Segments()
	want := []struct {
		d session.Dir
		f capture.TCPFlags
	}{{c, capture.SYN}, {s, capture.SYN | capture.ACK}, {c, capture.ACK}}
	if len(segs) < 3 {
		return fmt.Errorf("%d segments, want a three-way handshake first", len(segs))
	}
	for i, w := range want {
		if segs[i].From != w.d || segs[i].Seg.Flags != w.f {
			return fmt.Errorf("segment %d is %v %v, want %v %v", i+1, segs[i].From, segs[i].Seg.Flags, w.d, w.f)
		}
	}
	return nil
}

// callOrder checks the socket calls the handshake frames: connect returns
// after the SYN-ACK, accept after the third ACK.
func callOrder(tr Trace) error {
	synack := func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.Seg.Flags == capture.SYN|capture.ACK
	}
	if err := tr.After(CallIs(c, session.CallConnect, session.CallEnter), Flags(c, capture.SYN), "connect is called before the SYN"); err != nil {
		return err
	}
	if err := tr.After(synack, CallIs(c, session.CallConnect, session.CallReturn), "connect returns after the SYN-ACK"); err != nil {
		return err
	}
	third := tr.Index(tr.Index(-1, synack), Flags(c, capture.ACK))
	if ret := tr.Index(-1, CallIs(s, session.CallAccept, session.CallReturn)); ret < third {
		return fmt.Errorf("accept returned (event %d) before the third ACK (event %d)", ret, third)
	}
	return nil
}

// sigLoop: handshake, data, then the client's FIN first and a four-way
// close; every connection ends with the client in TIME-WAIT.
func sigLoop(tr Trace) error {
	if err := handshake(tr); err != nil {
		return err
	}
	if tr.Calls() != nil {
		if err := callOrder(tr); err != nil {
			return err
		}
	}
	segs := tr.Segments()
	fin := tr.Index(-1, HasFlag(c, capture.FIN))
	sfin := tr.Index(-1, HasFlag(s, capture.FIN))
	if fin < 0 || sfin < fin {
		return fmt.Errorf("the client must send the first FIN (client FIN at %d, server FIN at %d)", fin, sfin)
	}
	last := segs[len(segs)-1]
	if last.Close != session.CloseFIN4 || last.Client != session.TimeWait || last.Server != session.Closed {
		return fmt.Errorf("after the last segment: close %v, client %v, server %v; want fin4, TIME-WAIT, CLOSED", last.Close, last.Client, last.Server)
	}
	return nil
}
