package exchange

import (
	"context"
	"errors"
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// Sizes of the zero-window scenario.
const (
	zeroWindowRcvBuf = 2048    // the server's SO_RCVBUF (the kernel makes it 4608)
	zeroWindowBytes  = 8 << 10 // what the client sends
	zeroWindowProbes = 2       // persist probes to wait for
)

// playZeroWindow: the server's receive buffer is small (SO_RCVBUF) and it
// does not read. The client sends 8 KB; the server's kernel fills its
// buffer and advertises a window of 0. The client's kernel stops and
// probes the window with its persist timer (200 ms, then 400 ms, …):
// Linux's probe is an empty segment one below the next sequence number
// (Wireshark calls it a keep-alive), answered with the window still 0
// (at most one answer per 500 ms: tcp_invalid_ratelimit).
// After two probes the server reads; its window update opens the window
// and the rest flows. Then the client closes first.
func playZeroWindow(ctx context.Context, r *Run) error {
	if err := setRcvBuf(r.ex.ln, zeroWindowRcvBuf); err != nil {
		return err
	}
	return oneConnAccepted(ctx, r, func(ctx context.Context, sc *Conn) error {
		if err := r.WaitTrace(ctx, fmt.Sprintf("%d persist probes into the zero window", zeroWindowProbes), func(tr Trace) bool {
			return len(persistProbes(tr)) >= zeroWindowProbes
		}); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		buf := make([]byte, zeroWindowBytes)
		if err := sc.RecvFull(buf); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		return sc.passiveClose()
	}, func(ctx context.Context, cc *Conn) error {
		if _, err := cc.Send(make([]byte, zeroWindowBytes)); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		return cc.activeClose()
	})
}

// persistProbes returns the positions of the client's window probes: the
// empty segments one below its next sequence number (Analysis KeepAlive)
// sent after the server advertised a zero window.
func persistProbes(tr Trace) []int {
	zw := tr.Index(-1, func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.From == s && ev.Seg.Window == 0 && ev.Seg.Flags&(capture.SYN|capture.FIN|capture.RST) == 0
	})
	if zw < 0 {
		return nil
	}
	var out []int
	for i := zw + 1; i < len(tr.Events); i++ {
		ev := tr.Events[i]
		if ev.Kind == session.KindSegment && ev.From == c && ev.Seg.PayloadLen == 0 && ev.Analysis.Has(session.KeepAlive) {
			out = append(out, i)
		}
	}
	return out
}

// sigZeroWindow: the server advertises a zero window; the client probes
// it at least twice, the gap growing, the first probe answered with the
// window still 0; then a
// window update from the server, and all the client's bytes arrive. The
// server's first recv returns after the probes.
func sigZeroWindow(tr Trace) error {
	if err := handshake(tr); err != nil {
		return err
	}
	probes := persistProbes(tr)
	if len(probes) < zeroWindowProbes {
		return fmt.Errorf("%d persist probes after the zero window, want at least %d", len(probes), zeroWindowProbes)
	}
	// The first probe is answered with the window still 0. (A later one
	// may go unanswered: the answer to an out-of-window segment is rate
	// limited to one per 500 ms, net.ipv4.tcp_invalid_ratelimit, and the
	// second probe comes 400 ms after the first.)
	ans := tr.Index(probes[0], func(ev *session.Event) bool { return ev.Kind == session.KindSegment && ev.From == s })
	if ans < 0 || tr.Events[ans].Seg.Window != 0 || (len(probes) > 1 && ans > probes[1]) {
		return fmt.Errorf("the first probe (event %d) is not answered with a zero window", probes[0])
	}
	if gap, prev := tr.Events[probes[1]].Seg.TimeNS-tr.Events[probes[0]].Seg.TimeNS, tr.Events[probes[0]].Seg.TimeNS-tr.Events[tr.Index(-1, func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.From == s && ev.Seg.Window == 0
	})].Seg.TimeNS; gap <= prev {
		return fmt.Errorf("the probes do not back off: %d ns after the zero window, then %d ns", prev, gap)
	}
	last := probes[zeroWindowProbes-1]
	open := tr.Index(last, func(ev *session.Event) bool {
		return ev.Kind == session.KindSegment && ev.From == s && ev.Seg.Window > 0
	})
	if open < 0 {
		return errors.New("the server's window never opens again after the probes")
	}
	var isn, sent uint32
	for _, ev := range tr.Segments() {
		if ev.From == c && ev.Seg.Flags == capture.SYN {
			isn = ev.Seg.Seq
		}
		if ev.From == c && ev.Seg.PayloadLen > 0 {
			sent = max(sent, ev.Seg.Seq-isn-1+ev.Seg.PayloadLen)
		}
	}
	if sent != zeroWindowBytes {
		return fmt.Errorf("the client sent %d bytes, want %d", sent, zeroWindowBytes)
	}
	if tr.Calls() == nil {
		return nil
	}
	if err := callOrder(tr); err != nil {
		return err
	}
	read := tr.Index(-1, func(ev *session.Event) bool {
		return CallIs(s, session.CallRecv, session.CallReturn)(ev) && ev.Call.Bytes > 0
	})
	if read < last {
		return fmt.Errorf("the server read (event %d) before the probes (event %d): nothing kept its window shut", read, last)
	}
	return nil
}
