//go:build linux

package capture

import (
	"cmp"
	"errors"
	"io"
	"net"
	"slices"
	"testing"
	"time"
)

// Size of the bulk transfer and of each write: 64 MiB in 64 KiB writes,
// which loopback carries as segments of up to 64 KiB (GSO).
const (
	bulkBytes     = 64 << 20
	bulkWriteSize = 64 << 10
	bulkWait      = 60 * time.Second // far above what 64 MiB on loopback takes
)

// seqRange is the payload of one captured segment, relative to the
// client's first data byte.
type seqRange struct{ start, end int64 }

// bulkTally is what the reader goroutine saw of one connection.
type bulkTally struct {
	packets   uint64     // TCP segments of the connection, both directions
	capBytes  uint64     // bytes captured, both directions
	dataBytes uint64     // client->server payload bytes, retransmissions included
	ranges    []seqRange // client->server payload, in capture order
	clientFIN int64      // relative sequence number of the client's FIN; -1 if none
	truncated int        // segments cut short by the snap length
	first     time.Time  // kernel timestamp of the first packet
	readEnd   time.Time  // when the reader got the server's FIN
}

// tallyBulk reads src through a Decoder, as the demo pipeline does, until
// the server sends its FIN or Next fails. It returns the tally and the
// error that ended the read, nil at the server's FIN.
func tallyBulk(src *LiveSource, serverPort uint16) (bulkTally, error) {
	t := bulkTally{clientFIN: -1, ranges: make([]seqRange, 0, bulkBytes/bulkWriteSize*2)}
	var seg Segment
	var isn uint32
	dec := NewDecoder()
	for {
		p, err := src.Next()
		if err != nil {
			return t, err
		}
		if !dec.Decode(&p, &seg).OK || seg.Proto != ProtoTCP {
			continue
		}
		t.packets++
		t.capBytes += uint64(seg.CapLen)
		if t.first.IsZero() {
			t.first = p.Info.Timestamp
		}
		if seg.Truncated {
			t.truncated++
		}
		if seg.SrcPort == serverPort {
			if seg.Flags.Has(FIN) {
				t.readEnd = time.Now()
				return t, nil
			}
			continue
		}
		if seg.Flags.Has(SYN) {
			isn = seg.Seq
		}
		rel := int64(seg.Seq - isn - 1) // wraps correctly: the transfer is far below 2^31
		if seg.PayloadLen > 0 {
			t.dataBytes += uint64(seg.PayloadLen)
			t.ranges = append(t.ranges, seqRange{rel, rel + int64(seg.PayloadLen)})
		}
		if seg.Flags.Has(FIN) {
			t.clientFIN = rel + int64(seg.PayloadLen)
		}
	}
}

// covered merges ranges and returns the stretches of sequence space they
// cover, in order.
func covered(ranges []seqRange) []seqRange {
	sorted := slices.Clone(ranges)
	slices.SortFunc(sorted, func(a, b seqRange) int { return cmp.Compare(a.start, b.start) })
	var out []seqRange
	for _, r := range sorted {
		if n := len(out); n > 0 && r.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, r.end)
			continue
		}
		out = append(out, r)
	}
	return out
}

// sendBulk connects to ln, writes n bytes in writes of size w and closes.
// The server reads to the end and closes; sendBulk returns the bytes it
// read.
func sendBulk(t *testing.T, ln net.Listener, n, w int) int64 {
	t.Helper()
	type result struct {
		read int64
		err  error
	}
	served := make(chan result, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- result{err: err}
			return
		}
		read, err := io.Copy(io.Discard, c)
		if cerr := c.Close(); err == nil {
			err = cerr
		}
		served <- result{read, err}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial %s: %v", ln.Addr(), err)
	}
	buf := make([]byte, w)
	for i := range buf {
		buf[i] = byte(i)
	}
	for sent := 0; sent < n; sent += w {
		if _, err := c.Write(buf[:min(w, n-sent)]); err != nil {
			t.Fatalf("write after %d bytes: %v", sent, err)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatalf("close client: %v", err)
	}
	select {
	case r := <-served:
		if r.err != nil {
			t.Fatalf("server: %v", r.err)
		}
		return r.read
	case <-time.After(bulkWait):
		t.Fatalf("server did not read the transfer within %v", bulkWait)
	}
	return 0
}

func TestLiveCaptureKeepsUpWithABulkTransferWithoutKernelDrops(t *testing.T) {
	skipUnlessRoot(t, "live capture (CAP_NET_RAW)")
	if testing.Short() {
		t.Skip("a 64 MiB transfer through the live capture is not short")
	}
	ln := listenLoopback(t)
	port := listenerPort(ln)
	src, err := OpenLive(LiveConfig{Interface: "lo", Port: port})
	if err != nil {
		t.Fatalf("OpenLive: %v", err)
	}
	defer src.Close()

	type readEnd struct {
		tally bulkTally
		err   error
	}
	ended := make(chan readEnd, 1)
	go func() {
		tally, err := tallyBulk(src, port)
		ended <- readEnd{tally, err}
	}()

	start := time.Now()
	read := sendBulk(t, ln, bulkBytes, bulkWriteSize)
	sendTime := time.Since(start)
	if read != bulkBytes {
		t.Fatalf("server read %d bytes, want %d", read, bulkBytes)
	}

	// The server has closed: its FIN is queued on the capture socket, or
	// dropped.
	var end readEnd
	select {
	case end = <-ended:
	case <-time.After(liveWait):
		end.err = errors.New("the server's FIN was not captured within " + liveWait.String())
	}
	st, err := src.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if end.err != nil {
		src.Close() // ends the reader with io.EOF
		end.tally = (<-ended).tally
		t.Errorf("capture: %v", end.err)
	}
	tl := end.tally

	if st.Drops != 0 {
		t.Errorf("kernel dropped %d of %d packets: the reader fell behind", st.Drops, st.Packets)
	}
	if got, want := covered(tl.ranges), []seqRange{{0, bulkBytes}}; !slices.Equal(got, want) {
		t.Errorf("captured client payload covers %d stretches of the sequence space (first %v), want exactly %v",
			len(got), got[:min(len(got), 3)], want)
	}
	if tl.clientFIN != bulkBytes {
		t.Errorf("client FIN at relative sequence %d, want %d (-1: not captured)", tl.clientFIN, bulkBytes)
	}
	if tl.packets > st.Packets {
		t.Errorf("read %d packets of the connection, but the kernel passed only %d: a packet was returned twice", tl.packets, st.Packets)
	}
	if tl.truncated != 0 {
		t.Errorf("%d segments were cut by the default snap length, want none", tl.truncated)
	}
	if span := tl.readEnd.Sub(tl.first); span > 0 {
		t.Logf("sent %d MiB in %v; read %d packets, %d bytes (%d retransmitted payload bytes) in %v: %.0f packets/s, %.0f MB/s; kernel: %d packets, %d drops",
			bulkBytes>>20, sendTime.Round(time.Millisecond), tl.packets, tl.capBytes, int64(tl.dataBytes)-bulkBytes,
			span.Round(time.Millisecond), float64(tl.packets)/span.Seconds(), float64(tl.capBytes)/span.Seconds()/1e6,
			st.Packets, st.Drops)
	}
}
