package capture

import (
	"bytes"
	"runtime"
	"sync"
	"testing"
)

func TestMemoryStoreReturnsCopiesOfAddedFrames(t *testing.T) {
	src, _ := openCorpus(t, "zeek/http_get.pcap")
	m := NewMemoryStore()
	var want [][]byte
	readAll(t, src, func(p *RawPacket) {
		want = append(want, append([]byte(nil), p.Data...))
		m.Add(p)
		p.Data[0] ^= 0xff // the reader's buffer is reused: the store must not share it
	})
	if m.Len() != len(want) {
		t.Fatalf("store holds %d frames, added %d", m.Len(), len(want))
	}
	for i, w := range want {
		got, ok := m.Frame(uint64(i + 1))
		if !ok || got.Frame != uint64(i+1) || !bytes.Equal(got.Data, w) {
			t.Fatalf("frame %d: ok %v, frame %d, bytes equal %v", i+1, ok, got.Frame, bytes.Equal(got.Data, w))
		}
	}
	for _, n := range []uint64{0, uint64(len(want) + 1)} {
		if _, ok := m.Frame(n); ok {
			t.Errorf("frame %d found in a store of frames 1..%d", n, len(want))
		}
	}
}

func TestMemoryStoreFindsFramesWhenNumbersHaveGaps(t *testing.T) {
	m := NewMemoryStore()
	for _, n := range []uint64{2, 5, 9} {
		m.Add(&RawPacket{Frame: n, Data: []byte{byte(n)}})
	}
	m.Add(&RawPacket{Frame: 5, Data: []byte{0}}) // out of order: ignored
	for _, n := range []uint64{2, 5, 9} {
		if p, ok := m.Frame(n); !ok || p.Data[0] != byte(n) {
			t.Errorf("frame %d: ok %v data %v", n, ok, p.Data)
		}
	}
	if _, ok := m.Frame(3); ok {
		t.Error("frame 3 was never added")
	}
}

func TestMemoryStoreCanBeReadWhileFramesAreAdded(t *testing.T) {
	m := NewMemoryStore()
	const n = 2000
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := uint64(1); i <= n; i++ {
			m.Add(&RawPacket{Frame: i, Data: bytes.Repeat([]byte{byte(i)}, 100)})
		}
	}()
	for i := uint64(1); i <= n; {
		if p, ok := m.Frame(i); ok {
			if len(p.Data) != 100 || p.Data[99] != byte(i) {
				t.Fatalf("frame %d corrupt", i)
			}
			i++
		} else {
			runtime.Gosched()
		}
	}
	wg.Wait()
}

var _ FrameStore = (*MemoryStore)(nil)

// The store keeps big frames whole too.
func TestMemoryStoreKeepsFramesLargerThanAChunk(t *testing.T) {
	m := NewMemoryStore()
	big := bytes.Repeat([]byte("x"), memoryChunkSize+1)
	m.Add(&RawPacket{Frame: 1, Data: big})
	m.Add(&RawPacket{Frame: 2, Data: []byte("small")})
	p, _ := m.Frame(1)
	q, _ := m.Frame(2)
	if !bytes.Equal(p.Data, big) || string(q.Data) != "small" {
		t.Fatal("frames differ from what was added")
	}
}
