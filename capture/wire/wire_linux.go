//go:build linux

package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sync"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/handshake-viz/handshake-viz/capture"
)

// Bounds of the relay.
const (
	readBufSize       = 1 << 16 // larger than any MTU-sized packet
	processedWait     = 2 * time.Second
	processedBackoff  = 20 * time.Microsecond
	processedMaxPause = time.Millisecond
)

// Wire is the lossy wire: two namespaces joined through the relay. It is
// a capture.Source.
type Wire struct {
	cfg   Config
	ends  [2]*endNS
	start time.Time // the monotonic origin of the timestamps

	mu      sync.Mutex // decisions, frame numbers, deliveries, held packets
	n       int        // packets read, both ends
	frame   uint64     // records emitted
	held    []heldPacket
	timers  map[*time.Timer]struct{}
	emitted [2]uint64 // records emitted, by sending end

	qmu    sync.Mutex
	queue  []record
	ready  chan struct{} // a record was queued (capacity 1)
	closed chan struct{}

	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
	stopCtx   func() bool
	timings   Timings
}

// heldPacket is a packet kept by a Hold decision.
type heldPacket struct {
	from End
	data []byte
	seg  capture.Segment
	at   time.Duration // when it was read, since start
}

// record is one packet as the Source hands it over.
type record struct {
	data    []byte
	at      time.Duration // since start
	frame   uint64
	verdict capture.Verdict
	delay   time.Duration
}

// Open creates the two namespaces and TUN devices and starts the relay.
// Cancelling ctx closes the wire. Without the privileges it needs, the
// error wraps ErrPrivilege.
func Open(ctx context.Context, cfg Config) (*Wire, error) {
	if cfg.Policy == nil {
		cfg.Policy = PassAll()
	}
	if cfg.MTU == 0 {
		cfg.MTU = DefaultMTU
	}
	if cfg.MTU < 576 || cfg.MTU > 65535 {
		return nil, fmt.Errorf("wire MTU %d is out of range: use 576-65535 (0 for %d)", cfg.MTU, DefaultMTU)
	}
	t0 := time.Now()
	w := &Wire{
		cfg:    cfg,
		start:  t0,
		timers: map[*time.Timer]struct{}{},
		ready:  make(chan struct{}, 1),
		closed: make(chan struct{}),
	}
	for _, e := range []End{Client, Server} {
		end, err := newEnd(e, cfg.MTU)
		if err != nil {
			w.closeEnds()
			return nil, fmt.Errorf("open the lossy wire: %w", err)
		}
		w.ends[e] = end
	}
	w.timings.SetupNS = time.Since(t0).Nanoseconds()
	for _, e := range []End{Client, Server} {
		w.wg.Go(func() { w.relay(e) })
	}
	w.stopCtx = context.AfterFunc(ctx, func() { w.Close() })
	return w, nil
}

// Addr returns the address of end e (10.77.0.1 or 10.77.0.2).
func (w *Wire) Addr(e End) netip.Addr { return Addr(e) }

// Do runs f on one of the threads that wait inside end e's namespace
// (they entered it at Open, so Do needs no privilege) and returns f's
// error; sockets f opens stay in that namespace. f may block (a connect);
// Close waits for running functions to return.
func (w *Wire) Do(e End, f func() error) error {
	select {
	case <-w.closed:
		return errors.New("the lossy wire is closed")
	default:
	}
	return w.ends[e].do(w.closed, f)
}

// Timings returns how long Open and Close took (TeardownNS once closed).
func (w *Wire) Timings() Timings {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.timings
}

// relay moves packets from end `from` to the other end until Close.
func (w *Wire) relay(from End) {
	buf := make([]byte, readBufSize)
	dec := capture.NewDecoder()
	src := w.ends[from].tun
	for {
		n, err := src.Read(buf)
		if err != nil {
			return // closed (os.ErrClosed), or the device is gone
		}
		w.handle(from, buf[:n], dec)
	}
}

// handle decides one packet's fate and carries it out.
func (w *Wire) handle(from End, data []byte, dec *capture.Decoder) {
	at := time.Since(w.start)
	p := Packet{From: from}
	raw := capture.RawPacket{Data: data, LinkType: layers.LinkTypeRaw, Offset: -1}
	if !dec.Decode(&raw, &p.Seg).OK {
		p.Seg = capture.Segment{}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.isClosed() {
		return
	}
	w.n++
	p.N = w.n
	d := w.cfg.Policy.Decide(&p)
	if d.Release {
		w.releaseLocked()
	}
	if d.ReleaseAfter {
		defer w.releaseLocked() // after the packet's own delivery below (deferred calls run before the unlock)
	}
	switch d.Action {
	case Drop:
		w.emitLocked(from, data, p.Seg, capture.Dropped, 0, time.Since(w.start))
	case Hold:
		w.held = append(w.held, heldPacket{from: from, data: append([]byte(nil), data...), seg: p.Seg, at: at})
	case Delay:
		w.delayLocked(from, data, p.Seg, at, d.Delay)
	default:
		w.deliverLocked(from, data, p.Seg, capture.Passed, 0)
	}
}

// releaseLocked delivers every held packet, in the order they were held.
func (w *Wire) releaseLocked() {
	held := w.held
	w.held = nil
	for _, h := range held {
		w.deliverLocked(h.from, h.data, h.seg, capture.Delayed, time.Since(w.start)-h.at)
	}
}

// Stats counts the packets the wire has handed over as records (passed,
// dropped and delayed alike); Drops is always 0: a dropped packet is a
// record too, with its verdict. It is WaitCaptured's argument.
func (w *Wire) Stats() (capture.LiveStats, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return capture.LiveStats{Packets: w.frame}, nil
}

// delayLocked delivers a copy of data after d.
func (w *Wire) delayLocked(from End, data []byte, seg capture.Segment, at, d time.Duration) {
	cp := append([]byte(nil), data...)
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if _, ok := w.timers[t]; !ok || w.isClosed() {
			return
		}
		delete(w.timers, t)
		w.deliverLocked(from, cp, seg, capture.Delayed, time.Since(w.start)-at)
	})
	w.timers[t] = struct{}{}
}

// deliverLocked writes the packet into the other end's TUN device, emits
// its record and, in stepped mode, waits until the destination processed
// it and calls the hook. The record's time is taken before the write: the
// write runs the destination's receive path on this thread, so whatever
// the packet causes there (accept or recv returning in another goroutine)
// must come after it on the timeline, even when the write takes long.
func (w *Wire) deliverLocked(from End, data []byte, seg capture.Segment, v capture.Verdict, held time.Duration) {
	to := from.Other()
	at := time.Since(w.start)
	_, werr := w.ends[to].tun.Write(data)
	if werr == nil {
		w.timings.Delivered++
	}
	if werr != nil {
		v = capture.Dropped // the destination refused it (closing): it never arrived
	}
	seg = w.emitLocked(from, data, seg, v, held, at)
	if !w.cfg.Stepped {
		return
	}
	if werr == nil && seg.Proto == capture.ProtoTCP {
		w.waitProcessed(to, seg)
	}
	if w.cfg.AfterDeliver != nil {
		w.cfg.AfterDeliver(Step{Seg: seg, From: from, w: w})
	}
}

// emitLocked queues the packet's record, stamped at (since the wire's
// start), for the Source and returns its segment with the record's frame,
// time and verdict. A dropped packet in stepped mode gets its hook call
// here.
func (w *Wire) emitLocked(from End, data []byte, seg capture.Segment, v capture.Verdict, held, at time.Duration) capture.Segment {
	w.frame++
	w.emitted[from]++
	r := record{data: append([]byte(nil), data...), at: at, frame: w.frame, verdict: v, delay: held}
	seg.Frame, seg.Offset = r.frame, -1
	seg.TimeNS = w.start.Add(at).UnixNano()
	seg.Verdict, seg.DelayNS = v, 0
	if v == capture.Delayed {
		seg.DelayNS = held.Nanoseconds()
	}
	w.qmu.Lock()
	w.queue = append(w.queue, r)
	w.qmu.Unlock()
	select {
	case w.ready <- struct{}{}:
	default:
	}
	if v == capture.Dropped && w.cfg.Stepped && w.cfg.AfterDeliver != nil {
		w.cfg.AfterDeliver(Step{Seg: seg, From: from, w: w})
	}
	return seg
}

// waitProcessed returns once the destination kernel has processed seg:
// the TUN write ran the receive path on this thread, but a segment for a
// socket the application holds locked waits in the socket's backlog until
// the application releases it. It waits (backing off, bounded) until that
// socket's backlog is empty; a segment whose socket does not exist (a SYN
// for a listener, one answered by RST) was processed by the write.
func (w *Wire) waitProcessed(to End, seg capture.Segment) {
	local, remote := seg.DstEndpoint(), seg.SrcEndpoint()
	deadline := time.Now().Add(processedWait)
	pause := processedBackoff
	for {
		socks, err := w.Sockets(to)
		if err != nil {
			return
		}
		s, ok := Find(socks, local, remote)
		if !ok || s.Backlog == 0 || time.Now().After(deadline) {
			return
		}
		if pause == processedBackoff {
			w.timings.BacklogWaits++
		}
		time.Sleep(pause)
		pause = min(2*pause, processedMaxPause)
	}
}

// Ahead reports, for each end, how many packets it had sent that the
// relay had not yet delivered or dropped (in its TUN device's queue, read
// and waiting, held or delayed). Called from AfterDeliver right after
// reading the kernel's states, it says how far an end's state may be
// ahead of the arrows so far: a close or shutdown in the application
// changes its end's state and sends at once, whatever the relay is doing.
// The count comes from the namespace's IP counters; -1 when unreadable.
func (s Step) Ahead() (client, server int) {
	return s.w.ahead(Client), s.w.ahead(Server)
}

func (w *Wire) ahead(e End) int {
	sent, err := w.ends[e].ipTransmits()
	if err != nil {
		return -1
	}
	return max(int(sent)-int(w.emitted[e]), 0)
}

// Next returns the next packet the relay saw; io.EOF once the wire is
// closed and every packet was returned.
func (w *Wire) Next() (capture.RawPacket, error) {
	for {
		w.qmu.Lock()
		if len(w.queue) > 0 {
			r := w.queue[0]
			w.queue[0] = record{}
			w.queue = w.queue[1:]
			w.qmu.Unlock()
			return w.raw(r), nil
		}
		w.qmu.Unlock()
		select {
		case <-w.ready:
		case <-w.closed:
			w.qmu.Lock()
			empty := len(w.queue) == 0
			w.qmu.Unlock()
			if empty {
				return capture.RawPacket{}, io.EOF
			}
		}
	}
}

func (w *Wire) raw(r record) capture.RawPacket {
	ts := w.start.Add(r.at)
	p := capture.RawPacket{
		Data:     r.data,
		Info:     gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(r.data), Length: len(r.data)},
		LinkType: layers.LinkTypeRaw,
		Frame:    r.frame,
		Offset:   -1,
		Verdict:  r.verdict,
	}
	if r.verdict == capture.Delayed {
		p.DelayNS = r.delay.Nanoseconds()
	}
	return p
}

// Info describes the wire as a source.
func (w *Wire) Info() capture.SourceInfo {
	return capture.SourceInfo{
		Name:      fmt.Sprintf("lossy wire %s <-> %s", Addr(Client), Addr(Server)),
		Format:    "live",
		Size:      -1,
		LinkTypes: []string{"raw"},
	}
}

// BytesRead is 0: the wire is live.
func (w *Wire) BytesRead() int64 { return 0 }

func (w *Wire) isClosed() bool {
	select {
	case <-w.closed:
		return true
	default:
		return false
	}
}

// Close stops the relay, drops held and delayed packets, closes the TUN
// devices and namespaces, and returns when every goroutine of the wire
// has ended. Packets already seen can still be read with Next. Close may
// be called more than once and from any goroutine but AfterDeliver.
func (w *Wire) Close() error {
	w.closeOnce.Do(func() {
		t0 := time.Now()
		if w.stopCtx != nil {
			w.stopCtx()
		}
		w.mu.Lock()
		close(w.closed)
		for t := range w.timers {
			t.Stop()
		}
		w.timers = nil
		w.held = nil
		w.mu.Unlock()
		var errs []error
		for _, e := range w.ends {
			if e != nil {
				errs = append(errs, e.closeTUN()) // unblocks the relay's Read
			}
		}
		w.wg.Wait()
		errs = append(errs, w.closeEnds())
		w.closeErr = errors.Join(errs...)
		w.mu.Lock()
		w.timings.TeardownNS = time.Since(t0).Nanoseconds()
		w.mu.Unlock()
	})
	return w.closeErr
}

func (w *Wire) closeEnds() error {
	var errs []error
	for _, e := range w.ends {
		if e != nil {
			errs = append(errs, e.close())
		}
	}
	return errors.Join(errs...)
}
