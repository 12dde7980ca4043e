package exchange

import (
	"context"
	"fmt"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// playUDP: the homework's messages over UDP. The client sends each
// message as one datagram and reads the server's echo; the server echoes
// every datagram but "##". No handshake before the first message, no
// ACKs, no close: the client's close sends nothing, and nothing tells the
// server the client is gone.
func playUDP(ctx context.Context, r *Run) error {
	msgs := r.Messages()
	return both(ctx, func(ctx context.Context) error {
		return udpEchoServer(r, len(msgs))
	}, func(ctx context.Context) error {
		return udpClient(ctx, r)
	})
}

// udpEchoServer receives n datagrams, echoing all but "##".
func udpEchoServer(r *Run, n int) error {
	srv, err := r.ServerUDP()
	if err != nil {
		return err
	}
	buf := make([]byte, readBufferSize)
	for range n {
		got, err := srv.Recv(buf)
		if err != nil {
			return fmt.Errorf("server: %w", err)
		}
		if string(buf[:got]) == End {
			return nil
		}
		if err := srv.Send(buf[:got]); err != nil {
			return fmt.Errorf("server: %w", err)
		}
	}
	return fmt.Errorf("server: %d datagrams without %q", n, End)
}

// udpClient sends each message and reads its echo, then "##", and closes.
func udpClient(ctx context.Context, r *Run) error {
	cl, err := r.DialUDP(ctx)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	defer cl.closeQuietly()
	msgs := r.Messages()
	buf := make([]byte, readBufferSize)
	for _, m := range msgs[:len(msgs)-1] {
		if err := cl.Send([]byte(m)); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		n, err := cl.Recv(buf)
		if err != nil {
			return fmt.Errorf("client: %w", err)
		}
		if string(buf[:n]) != m {
			return fmt.Errorf("client: sent %q, the server echoed %q", m, buf[:n])
		}
	}
	if err := cl.Send([]byte(End)); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	return cl.Close()
}

// udpSignature checks the datagrams of the UDP exchange: the client's
// messages, each but the last ("##") followed by the server's echo of the
// same length, in turn.
func udpSignature(tr Trace) error {
	dgs := tr.Datagrams()
	if len(dgs)%2 != 1 {
		return fmt.Errorf("%d datagrams, want messages and echoes and a last %q", len(dgs), End)
	}
	for i, dg := range dgs {
		if dg.Seg.Proto != capture.ProtoUDP {
			return fmt.Errorf("datagram %d is not UDP", i+1)
		}
		switch {
		case i%2 == 0 && dg.From != c:
			return fmt.Errorf("datagram %d is the server's, want the client's message", i+1)
		case i%2 == 1 && (dg.From != s || dg.Seg.PayloadLen != dgs[i-1].Seg.PayloadLen):
			return fmt.Errorf("datagram %d (%v, %d bytes) is not the server's echo of the %d bytes before", i+1, dg.From, dg.Seg.PayloadLen, dgs[i-1].Seg.PayloadLen)
		}
	}
	if last := dgs[len(dgs)-1]; int(last.Seg.PayloadLen) != len(End) {
		return fmt.Errorf("the last datagram has %d bytes, want %q", last.Seg.PayloadLen, End)
	}
	if tr.Calls() == nil {
		return nil
	}
	// The client's close sends nothing: no packet after it is called.
	cl := tr.Index(-1, func(ev *session.Event) bool {
		return CallIs(c, session.CallClose, session.CallEnter)(ev) && ev.Seg.Proto == capture.ProtoUDP
	})
	if cl < 0 {
		return fmt.Errorf("the client's close is not on the ladder")
	}
	if tr.Index(cl, func(ev *session.Event) bool { return ev.Kind == session.KindDatagram }) >= 0 {
		return fmt.Errorf("a datagram after the client's close")
	}
	// Each datagram of the server is sent after the recv that returned
	// the client's.
	for i, ev := range tr.Events {
		if ev.Kind != session.KindDatagram || ev.From != s {
			continue
		}
		if tr.Index(-1, func(e *session.Event) bool {
			return CallIs(s, session.CallRecv, session.CallReturn)(e) && e.Seg.Proto == capture.ProtoUDP
		}) > i {
			return fmt.Errorf("the server's datagram at event %d comes before its first recv returned", i)
		}
	}
	return nil
}

// sigUDP: no TCP segment at all; the datagrams of the homework's
// messages and their echoes, then nothing at the client's close.
func sigUDP(tr Trace) error {
	if n := len(tr.Segments()); n != 0 {
		return fmt.Errorf("%d TCP segments, want none", n)
	}
	return udpSignature(tr)
}
