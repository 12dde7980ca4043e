package exchange

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
)

// playFraming (粘包, "sticky packets"): the client sends its messages,
// "##" last, in one send each — one segment each on the wire — without
// waiting for an answer. The server reads only once they have all
// arrived: one recv returns all their bytes run together. TCP carries a
// stream of bytes, not messages: the "##" delimiter (or a length prefix)
// is how the server finds where a message ends. Then the client closes
// first.
func playFraming(ctx context.Context, r *Run) error {
	msgs := r.Messages()
	want := strings.Join(msgs, "")
	readAll := make(chan struct{}, 1)
	return oneConnAccepted(ctx, r, func(ctx context.Context, sc *Conn) error {
		if err := r.WaitTrace(ctx, fmt.Sprintf("the client's %d data segments", len(msgs)), func(tr Trace) bool {
			return tr.Count(func(ev *session.Event) bool { return ev.From == c && ev.Seg.PayloadLen > 0 }) >= len(msgs)
		}); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		buf := make([]byte, readBufferSize)
		n, err := sc.Recv(buf)
		if err != nil {
			return fmt.Errorf("server: %w", err)
		}
		if string(buf[:n]) != want {
			return fmt.Errorf("server: one recv returned %q, want all of %q", buf[:n], want)
		}
		// Finding the messages again: split at the delimiter.
		if got := bytes.Count(buf[:n], []byte(End)); got != 1 {
			return fmt.Errorf("server: %d delimiters in %q", got, buf[:n])
		}
		if err := sc.QuickACK(); err != nil {
			return err
		}
		readAll <- struct{}{}
		return sc.passiveClose()
	}, func(ctx context.Context, cc *Conn) error {
		for _, m := range msgs {
			if err := cc.SendString(m); err != nil {
				return fmt.Errorf("client: %w", err)
			}
		}
		if _, err := recv(ctx, readAll); err != nil {
			return err
		}
		return cc.activeClose()
	})
}

// sigFraming: the client's messages travel as one data segment each, all
// before the server's first recv returns with data; that recv returns all
// their bytes at once: fewer reads than writes. The client closes first.
func sigFraming(tr Trace) error {
	if err := handshake(tr); err != nil {
		return err
	}
	data := tr.Count(func(ev *session.Event) bool { return ev.From == c && ev.Seg.PayloadLen > 0 })
	if data < 2 {
		return fmt.Errorf("%d data segments from the client, want one per message", data)
	}
	fin := tr.Index(-1, HasFlag(c, capture.FIN))
	if fin < 0 || tr.Index(fin, HasFlag(s, capture.FIN)) < 0 {
		return errors.New("want the client's FIN first, then the server's")
	}
	if tr.Calls() == nil {
		return nil
	}
	if err := callOrder(tr); err != nil {
		return err
	}
	var sends, reads, total int
	for _, ev := range tr.Events {
		if CallIs(c, session.CallSend, session.CallReturn)(&ev) {
			sends++
			total += ev.Call.Bytes
		}
	}
	firstRead := -1
	for i, ev := range tr.Events {
		if CallIs(s, session.CallRecv, session.CallReturn)(&ev) && ev.Call.Bytes > 0 {
			reads++
			if firstRead < 0 {
				firstRead = i
				if ev.Call.Bytes != total {
					return fmt.Errorf("the server's first recv returned %d bytes, want all %d the client sent", ev.Call.Bytes, total)
				}
			}
		}
	}
	if sends != data {
		return fmt.Errorf("%d sends, %d data segments: want one segment per send", sends, data)
	}
	if reads >= sends {
		return fmt.Errorf("%d reads for %d writes, want fewer reads", reads, sends)
	}
	lastData := -1
	for i, ev := range tr.Events {
		if ev.Kind == session.KindSegment && ev.From == c && ev.Seg.PayloadLen > 0 {
			lastData = i
		}
	}
	if firstRead < lastData {
		return fmt.Errorf("the server's recv returned data (event %d) before the client's last data segment (event %d)", firstRead, lastData)
	}
	return nil
}
