package capture

import (
	"net/netip"
	"slices"

	"github.com/gopacket/gopacket/layers"
)

// Limits of the IP reassembly. A Segment needs only the headers at the
// start of a datagram and its length, so a pending datagram keeps a copy
// of its first fragHeadLen bytes (transport and tunnel headers) and the
// byte ranges received, never the whole payload: memory stays under
// maxPendingDatagrams × (fragHeadLen + maxFragmentSpans × 8) bytes, about
// half a megabyte.
const (
	fragHeadLen         = 256  // bytes of each datagram copied: tunnels, IPv6 extensions and TCP options fit
	fragUnit            = 8    // fragment offsets count 8-byte units (RFC 791, RFC 8200)
	maxPendingDatagrams = 1024 // datagrams waiting for fragments; the oldest goes first
	maxFragmentSpans    = 32   // holes a datagram may have; more is an attack, not a network
	// Capture time after its first fragment that a datagram waits for the
	// others: Linux's ipfrag_time for IPv4 (30 s), RFC 8200's 60 s for IPv6.
	fragTimeoutIPv4NS = 30e9
	fragTimeoutIPv6NS = 60e9
)

// fragKey names the datagram a fragment belongs to: RFC 791 keys IPv4
// fragments on addresses, protocol and Identification; RFC 8200 keys IPv6
// ones on the addresses and Identification (proto is 0).
type fragKey struct {
	src, dst netip.Addr
	id       uint32
	proto    layers.IPProtocol
}

// fragment is one IP fragment as decodeIPv4 or decodeIPv6 read it.
type fragment struct {
	key    fragKey
	proto  layers.IPProtocol // of the fragmentable part (IPv6: meaningful in the first fragment)
	start  int               // offset in the datagram, in bytes
	length int               // bytes of this fragment on the wire
	more   bool              // the More Fragments flag
	data   []byte            // captured bytes (only valid during Decode)
	maxEnd int               // the largest end a datagram may reach
	v6     bool
}

// span is a byte range [start, end) of a datagram received.
type span struct{ start, end int }

// pendingDatagram is a datagram waiting for its fragments.
type pendingDatagram struct {
	key       fragKey
	born      uint64 // order of arrival of the first fragment
	firstNS   int64  // capture time of the first fragment
	spans     []span // received ranges, sorted, merged when adjacent, never overlapping
	total     int    // datagram length once the last fragment arrived; -1 before
	proto     layers.IPProtocol
	truncated bool // a fragment's bytes were cut by the snap length
	v6        bool
	head      [fragHeadLen]byte
	unit      [fragHeadLen / fragUnit]uint8 // bytes of head captured, per 8-byte unit
}

// reassembler holds the pending datagrams of a Decoder.
type reassembler struct {
	pending map[fragKey]*pendingDatagram
	free    []*pendingDatagram
	born    uint64
}

// fragment takes one fragment. It returns true, with seg filled, when the
// fragment completes a datagram that holds TCP or UDP.
func (d *Decoder) fragment(fs *frameState, f *fragment, depth int) bool {
	r := &d.frags
	length := f.length
	if f.more {
		length &^= fragUnit - 1 // a receiver uses whole units of a non-final fragment
	}
	end := f.start + length
	now := fs.seg.TimeNS
	if end > f.maxEnd {
		fs.warn(WarnFragmentPastMax, end, f.maxEnd)
		r.drop(f.key)
		return false
	}
	if length <= 0 {
		fs.res.Held = true // an empty fragment: nothing to hold
		return false
	}
	p := r.pending[f.key]
	if p != nil && now-p.firstNS > timeoutNS(p.v6) {
		r.drop(f.key) // too old: the sender gave up on it long ago
		p = nil
	}
	if p == nil {
		p = r.add(fs, f, now)
	}
	switch p.insert(f.start, end, f.more) {
	case insertDuplicate:
		fs.res.Held = true
		return false
	case insertBad:
		fs.warn(WarnFragmentOverlap, f.start, int(f.key.id))
		r.drop(f.key)
		return false
	case insertTooManyHoles:
		fs.warn(WarnFragmentsDropped, int(f.key.id), maxFragmentSpans)
		r.drop(f.key)
		return false
	}
	p.copyHead(f, length)
	if !p.complete() {
		fs.res.Held = true
		return false
	}
	defer r.drop(f.key)
	seg := fs.seg
	seg.Src, seg.Dst = p.key.src, p.key.dst
	head := p.head[:p.headLen()]
	var ok bool
	if !p.v6 {
		ok = d.decodeTransport(fs, p.proto, head, p.total, depth)
	} else if ext := (ipv6Walk{proto: p.proto, b: head, l4Len: p.total}); ext.skip() && !ext.fragment {
		ok = d.decodeTransport(fs, ext.proto, ext.b, ext.l4Len, depth)
	}
	// Only the head of the datagram was kept: a tunnel's inner header
	// judged it cut. What was cut is what the snap length cut.
	seg.Truncated = p.truncated
	return ok
}

func timeoutNS(v6 bool) int64 {
	if v6 {
		return fragTimeoutIPv6NS
	}
	return fragTimeoutIPv4NS
}

// add starts a pending datagram for f, making room first when
// maxPendingDatagrams are pending (expired ones go, else the oldest).
func (r *reassembler) add(fs *frameState, f *fragment, now int64) *pendingDatagram {
	if r.pending == nil {
		r.pending = make(map[fragKey]*pendingDatagram)
	}
	if len(r.pending) >= maxPendingDatagrams {
		var oldest *pendingDatagram
		for k, p := range r.pending {
			if now-p.firstNS > timeoutNS(p.v6) {
				r.drop(k)
			} else if oldest == nil || p.born < oldest.born {
				oldest = p
			}
		}
		if len(r.pending) >= maxPendingDatagrams {
			fs.warn(WarnFragmentsDropped, int(oldest.key.id), maxPendingDatagrams)
			r.drop(oldest.key)
		}
	}
	var p *pendingDatagram
	if n := len(r.free); n > 0 {
		p, r.free = r.free[n-1], r.free[:n-1]
		*p = pendingDatagram{spans: p.spans[:0]}
	} else {
		p = &pendingDatagram{}
	}
	r.born++
	p.key, p.born, p.firstNS, p.total, p.v6 = f.key, r.born, now, -1, f.v6
	p.proto = f.key.proto
	r.pending[f.key] = p
	return p
}

// drop forgets a pending datagram, keeping its memory for the next one.
func (r *reassembler) drop(k fragKey) {
	if p, ok := r.pending[k]; ok {
		delete(r.pending, k)
		if len(r.free) < maxPendingDatagrams {
			r.free = append(r.free, p)
		}
	}
}

// insertResult is what insert made of a fragment.
type insertResult uint8

const (
	insertStored       insertResult = iota
	insertDuplicate                 // every byte was held already: ignored, as receivers do
	insertBad                       // overlaps or contradicts what is held: the datagram is dropped (RFC 5722, Linux)
	insertTooManyHoles              // more than maxFragmentSpans ranges
)

// insert records the range [start, end) of a fragment, with the rules of
// gopacket's ip4defrag (those of Linux): a repeat is ignored, any other
// overlap or contradiction of the final fragment is an error.
func (p *pendingDatagram) insert(start, end int, more bool) insertResult {
	i, _ := slices.BinarySearchFunc(p.spans, start, func(s span, v int) int {
		if s.end <= v {
			return -1
		}
		return 1
	})
	// spans[i] is the first range ending after start.
	if i < len(p.spans) && p.spans[i].start < end {
		if p.spans[i].start <= start && end <= p.spans[i].end {
			return insertDuplicate
		}
		return insertBad
	}
	highest := 0
	if n := len(p.spans); n > 0 {
		highest = p.spans[n-1].end
	}
	switch {
	case !more:
		if end < highest || (p.total >= 0 && end != p.total) {
			return insertBad
		}
		p.total = end
	case p.total >= 0 && end > p.total:
		return insertBad
	}
	joinLeft := i > 0 && p.spans[i-1].end == start
	joinRight := i < len(p.spans) && p.spans[i].start == end
	switch {
	case joinLeft && joinRight:
		p.spans[i-1].end = p.spans[i].end
		p.spans = slices.Delete(p.spans, i, i+1)
	case joinLeft:
		p.spans[i-1].end = end
	case joinRight:
		p.spans[i].start = start
	default:
		if len(p.spans) >= maxFragmentSpans {
			return insertTooManyHoles
		}
		p.spans = slices.Insert(p.spans, i, span{start, end})
	}
	return insertStored
}

// copyHead copies the captured bytes of f (length bytes of it count) that
// fall in the datagram's first fragHeadLen bytes.
func (p *pendingDatagram) copyHead(f *fragment, length int) {
	n := min(len(f.data), length)
	if n < length {
		p.truncated = true
	}
	if f.start == 0 {
		p.proto = f.proto
	}
	if f.start >= fragHeadLen {
		return
	}
	c := copy(p.head[f.start:], f.data[:n])
	for off := 0; off < c; {
		u := (f.start + off) / fragUnit
		k := min(fragUnit-(f.start+off)%fragUnit, c-off)
		p.unit[u] += uint8(k)
		off += k
	}
}

// complete reports whether every byte up to the final fragment is held.
func (p *pendingDatagram) complete() bool {
	return p.total >= 0 && len(p.spans) == 1 && p.spans[0].start == 0 && p.spans[0].end == p.total
}

// headLen is how many bytes from the start of the datagram were captured
// without a gap.
func (p *pendingDatagram) headLen() int {
	n := 0
	for _, c := range p.unit {
		n += int(c)
		if c < fragUnit {
			break
		}
	}
	return min(n, p.total)
}
