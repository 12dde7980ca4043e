package exchange

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// bulkBytes is what the bulk scenario sends.
const bulkBytes = 2 << 20

// playBulk: the client sends 2 MB in one send(); the server reads it as
// fast as it comes. The handshake negotiates window scaling (a 16-bit
// window field cannot say more than 64 KB), the receiver's window grows
// as its kernel tunes the buffer, and its ACKs cover several segments at
// once (delayed ACK: one ACK per two full segments, or more). The client
// closes first.
func playBulk(ctx context.Context, r *Run) error {
	return oneConnAccepted(ctx, r, func(ctx context.Context, sc *Conn) error {
		buf := make([]byte, 256<<10)
		for got := 0; ; {
			n, err := sc.recvFast(buf)
			got += n
			if errors.Is(err, io.EOF) {
				if got != bulkBytes {
					return fmt.Errorf("server: %d bytes before the FIN, want %d", got, bulkBytes)
				}
				break
			}
			if err != nil {
				return fmt.Errorf("server: after %d bytes: %w", got, err)
			}
		}
		if err := sc.QuickACK(); err != nil {
			return err
		}
		return sc.closeLingering()
	}, func(ctx context.Context, cc *Conn) error {
		if _, err := cc.Send(make([]byte, bulkBytes)); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		return cc.activeClose()
	})
}

// recvFast is Recv without reading the kernel's states afterwards: a
// bulk transfer has too many reads for a sock_diag dump after each.
func (c *Conn) recvFast(b []byte) (int, error) {
	c.r.record(session.Call{Side: c.side, Call: session.CallRecv, Phase: session.CallEnter}, c.local, c.remote, session.KernelView{})
	n, err := c.tcp.Read(b)
	result := errnoName(err)
	if errors.Is(err, io.EOF) {
		result = "ok"
	}
	c.r.record(session.Call{Side: c.side, Call: session.CallRecv, Phase: session.CallReturn, Result: result, Bytes: n}, c.local, c.remote, session.KernelView{})
	return n, err
}

// BulkStats are what the bulk signature measured.
type BulkStats struct {
	Bytes       uint32 // client payload, first transmissions
	Segments    int    // client data segments
	ACKs        int    // server ACKs of new data
	StretchACKs int    // of those, ACKs of two or more data segments at once
	ScaleClient int8   // window scale shift in the client's SYN
	ScaleServer int8   // in the server's SYN-ACK
	WinFirst    uint32 // the server's first scaled window after the handshake
	WinMax      uint32 // its largest
}

// MeasureBulk returns the bulk statistics of a trace.
func MeasureBulk(tr Trace) BulkStats {
	var st BulkStats
	var isn, sent, acked uint32
	since := 0 // client data segments since the server's last ACK of new data
	for _, ev := range tr.Segments() {
		switch {
		case ev.From == c && ev.Seg.Flags == capture.SYN:
			isn = ev.Seg.Seq
			st.ScaleClient = ev.Seg.Options.WindowScale
		case ev.From == s && ev.Seg.Flags == capture.SYN|capture.ACK:
			st.ScaleServer = ev.Seg.Options.WindowScale
		case ev.From == c && ev.Seg.PayloadLen > 0:
			if end := ev.Seg.Seq - isn - 1 + ev.Seg.PayloadLen; end > sent {
				sent = end
				st.Segments++
				since++
			}
		case ev.From == s && ev.Seg.Flags.Has(capture.ACK) && ev.WinShift >= 0:
			win := uint32(ev.Seg.Window) << uint(ev.WinShift)
			if st.WinFirst == 0 {
				st.WinFirst = win
			}
			st.WinMax = max(st.WinMax, win)
			if a := ev.Seg.Ack - isn - 1; a > acked && a <= sent+1 {
				acked = a
				st.ACKs++
				if since >= 2 {
					st.StretchACKs++
				}
				since = 0
			}
		}
	}
	st.Bytes = sent
	return st
}

// sigBulk: 2 MB from the client; both SYNs offer window scaling and the
// server's later windows are scaled; its window grows during the
// transfer; some of its ACKs acknowledge two or more segments at once.
// The client closes first.
func sigBulk(tr Trace) error {
	if err := handshake(tr); err != nil {
		return err
	}
	st := MeasureBulk(tr)
	if st.Bytes != bulkBytes {
		return fmt.Errorf("the client sent %d bytes, want %d", st.Bytes, bulkBytes)
	}
	if st.ScaleClient < 0 || st.ScaleServer < 0 {
		return fmt.Errorf("window scale options: client %d, server %d; want both offered", st.ScaleClient, st.ScaleServer)
	}
	if st.WinMax <= 65535 {
		return fmt.Errorf("the server's window never exceeded 64 KB (largest %d): window scaling not in use", st.WinMax)
	}
	if st.WinMax <= st.WinFirst {
		return fmt.Errorf("the server's window did not grow (first %d, largest %d)", st.WinFirst, st.WinMax)
	}
	if st.StretchACKs == 0 {
		return fmt.Errorf("no ACK of two or more segments among %d ACKs of %d segments", st.ACKs, st.Segments)
	}
	fin := tr.Index(-1, HasFlag(c, capture.FIN))
	if fin < 0 || tr.Index(fin, HasFlag(s, capture.FIN)) < 0 {
		return errors.New("want the client's FIN first, then the server's")
	}
	if tr.Calls() == nil {
		return nil
	}
	return callOrder(tr)
}
