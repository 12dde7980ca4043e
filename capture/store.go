package capture

import (
	"sort"
	"sync"
	"unsafe"
)

// FrameStore gives back the bytes of a frame by its frame number, for the
// detail and hex panes.
type FrameStore interface {
	// Frame returns frame n (1-based) and whether the store has it. The
	// returned Data must not be modified.
	Frame(n uint64) (RawPacket, bool)
}

// memoryChunkSize is the size of the arena chunks frame copies are packed
// into: one allocation per many frames, and no copying when the store grows.
const memoryChunkSize = 1 << 20

// MemoryStore keeps copies of frames in memory (live demo, stdin, one opened
// stream). Add, Forget and Frame may be called from different goroutines.
// A live source's store forgets the frames its bounded timeline dropped
// (Forget), so that it follows the timeline's budget.
type MemoryStore struct {
	mu     sync.RWMutex
	frames []RawPacket // in the order added; frame numbers ascending
	chunk  []byte      // free tail of the current arena chunk
	bytes  int64       // Bytes
}

// frameOverhead is what a stored frame costs besides its bytes (its
// RawPacket), counted in Bytes.
const frameOverhead = int64(unsafe.Sizeof(RawPacket{}))

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// Add stores a copy of p (its Data is copied). Frames must be added in
// ascending frame order; a frame number already stored is ignored.
func (m *MemoryStore) Add(p *RawPacket) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n := len(m.frames); n > 0 && m.frames[n-1].Frame >= p.Frame {
		return
	}
	q := *p
	q.Info.AncillaryData = nil
	q.Data = m.copyData(p.Data)
	m.frames = append(m.frames, q)
	m.bytes += int64(len(q.Data)) + frameOverhead
}

// Bytes is the memory the frames held take: their bytes and their
// records (not the free tail of the arena).
func (m *MemoryStore) Bytes() int64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.bytes
}

// Forget drops the frames numbered in frames (ascending; numbers not held
// are ignored) and packs the others into a new arena, so that the memory
// of the dropped ones is freed. It costs a copy of what stays: call it
// with many frames at once.
func (m *MemoryStore) Forget(frames []uint64) {
	if len(frames) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.frames
	keep := make([]RawPacket, 0, max(0, len(old)-len(frames)))
	m.chunk, m.bytes = nil, 0
	k := 0
	for i := range old {
		f := old[i].Frame
		for k < len(frames) && frames[k] < f {
			k++
		}
		if k < len(frames) && frames[k] == f {
			continue
		}
		q := old[i]
		q.Data = m.copyData(q.Data)
		m.bytes += int64(len(q.Data)) + frameOverhead
		keep = append(keep, q)
	}
	clear(old)
	m.frames = keep
}

// copyData copies b into the arena.
func (m *MemoryStore) copyData(b []byte) []byte {
	if len(b) > memoryChunkSize/4 {
		return append([]byte(nil), b...)
	}
	if len(b) > len(m.chunk) {
		m.chunk = make([]byte, memoryChunkSize)
	}
	c := m.chunk[:len(b):len(b)]
	copy(c, b)
	m.chunk = m.chunk[len(b):]
	return c
}

// Frame returns frame n (1-based).
func (m *MemoryStore) Frame(n uint64) (RawPacket, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	// Frames numbered 1, 2, 3… without gaps sit at index n-1.
	if n >= 1 && n <= uint64(len(m.frames)) && m.frames[n-1].Frame == n {
		return m.frames[n-1], true
	}
	i := sort.Search(len(m.frames), func(i int) bool { return m.frames[i].Frame >= n })
	if i < len(m.frames) && m.frames[i].Frame == n {
		return m.frames[i], true
	}
	return RawPacket{}, false
}

// Len is the number of frames stored.
func (m *MemoryStore) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.frames)
}
