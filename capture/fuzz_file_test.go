package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// fuzzMinRecord is the smallest record a capture can hold: a pcap record
// header (16 bytes); pcapng blocks are at least 12 bytes but a packet block
// at least 16. Bounding frames by input size catches readers that loop
// without consuming input.
const fuzzMinRecord = 12

// fuzzLinkTypes are the link types the decoder knows, plus one it does not.
var fuzzLinkTypes = []layers.LinkType{
	layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeLinuxSLL2,
	layers.LinkTypeNull, layers.LinkTypeLoop, layers.LinkTypeRaw, linkTypeRawDLT12,
	linkTypeRawDLT14, layers.LinkTypeIPv4, layers.LinkTypeIPv6, 147,
}

// readAllFuzz reads a whole capture from data and decodes every frame,
// checking what holds for any input: the reader ends with io.EOF or a
// DamageError at a frame and offset inside the input; frames are numbered
// 1, 2, 3… at increasing offsets; no frame holds more bytes than the input;
// a decoded segment is consistent; the detail layers tile the frame.
func readAllFuzz(t *testing.T, data []byte) {
	src, err := OpenReader("fuzz", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if !errors.Is(err, ErrNotCapture) {
			t.Fatalf("open error does not wrap ErrNotCapture: %v", err)
		}
		return
	}
	defer src.Close()
	gz := src.Info().Gzip
	d := NewDecoder()
	var seg Segment
	lastOffset := int64(-1)
	limit := uint64(len(data)/fuzzMinRecord + 1)
	if gz {
		limit = 1 << 16 // a gzip input may expand: still bounded
	}
	for frame := uint64(1); ; frame++ {
		p, err := src.Next()
		if err != nil {
			var dmg *DamageError
			switch {
			case err == io.EOF:
			case errors.As(err, &dmg):
				if dmg.Frame != frame {
					t.Fatalf("damage names frame %d, frame %d was next: %v", dmg.Frame, frame, err)
				}
				if !gz && (dmg.Offset < 0 || dmg.Offset > int64(len(data))) {
					t.Fatalf("damage at byte %d of a %d-byte input: %v", dmg.Offset, len(data), err)
				}
			default:
				t.Fatalf("frame %d: error is neither io.EOF nor a DamageError: %v", frame, err)
			}
			if _, err2 := src.Next(); err2 == nil {
				t.Fatalf("a frame after the end (%v)", err)
			}
			return
		}
		if frame > limit {
			t.Fatalf("%d frames from %d bytes", frame, len(data))
		}
		if p.Frame != frame {
			t.Fatalf("frame numbered %d, want %d", p.Frame, frame)
		}
		if p.Offset <= lastOffset || (!gz && p.Offset >= int64(len(data))) {
			t.Fatalf("frame %d at byte %d (previous at %d, input %d bytes)", frame, p.Offset, lastOffset, len(data))
		}
		lastOffset = p.Offset
		if !gz && len(p.Data) > len(data) {
			t.Fatalf("frame %d holds %d bytes of a %d-byte input", frame, len(p.Data), len(data))
		}
		if p.Info.CaptureLength != len(p.Data) {
			t.Fatalf("frame %d: capture length %d, %d bytes", frame, p.Info.CaptureLength, len(p.Data))
		}
		if d.Decode(&p, &seg).OK {
			if seg.Proto == ProtoUnknown || !seg.Src.IsValid() || !seg.Dst.IsValid() || seg.Frame != frame {
				t.Fatalf("frame %d: inconsistent segment %+v", frame, seg)
			}
		}
		pos := 0
		for _, l := range Detail(p.Data, p.LinkType) {
			if l.Start != pos || l.End < l.Start || l.End > len(p.Data) {
				t.Fatalf("frame %d: layer %q [%d,%d) does not continue at %d of %d bytes", frame, l.Name, l.Start, l.End, pos, len(p.Data))
			}
			pos = l.End
		}
	}
}

// FuzzFile is file reading and decoding end to end: arbitrary bytes as a
// whole capture file (pcap in all four magics, pcapng, gzip of either).
// Seeds: small real captures of every link type in testdata/fuzz/FuzzFile
// (copied from ../shared/pcaps), plus hand-made edge cases here.
func FuzzFile(f *testing.F) {
	for _, lt := range fuzzLinkTypes {
		f.Add(fuzzPcap(lt, binary.LittleEndian, [][]byte{{0x45, 0, 0, 40}}))
		f.Add(fuzzPcapng(lt, [][]byte{{0x60, 0, 0, 0, 0, 20, 6, 64}}))
	}
	f.Add([]byte{})
	f.Add([]byte{0x1f, 0x8b})
	f.Add([]byte{0x0a, 0x0d, 0x0d, 0x0a, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(readAllFuzz)
}

// FuzzLinkFrames puts arbitrary frames under any link type in a pcap (byte
// order chosen by the fuzzer) or a pcapng, so every link type's decoder is
// reached through the file readers; frames are cut from data at lengths
// given by its bytes.
func FuzzLinkFrames(f *testing.F) {
	for i, lt := range fuzzLinkTypes {
		f.Add(uint16(lt), i%2 == 0, []byte{20, 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1})
	}
	f.Fuzz(func(t *testing.T, lt uint16, ng bool, data []byte) {
		var frames [][]byte
		for len(data) > 0 {
			n := min(int(data[0]), len(data)-1)
			frames = append(frames, data[1:1+n])
			data = data[1+n:]
		}
		var file []byte
		switch {
		case ng:
			file = fuzzPcapng(layers.LinkType(lt), frames)
		case lt&0x8000 != 0:
			file = fuzzPcap(layers.LinkType(lt&0x7fff), binary.BigEndian, frames)
		default:
			file = fuzzPcap(layers.LinkType(lt), binary.LittleEndian, frames)
		}
		readAllFuzz(t, file)
	})
}

// fuzzPcap builds a microsecond pcap of frames.
func fuzzPcap(lt layers.LinkType, bo binary.AppendByteOrder, frames [][]byte) []byte {
	b := bo.AppendUint32(nil, pcapMagicMicro)
	b = bo.AppendUint16(b, 2)
	b = bo.AppendUint16(b, 4)
	b = append(b, make([]byte, 8)...)
	b = bo.AppendUint32(b, 65535)
	b = bo.AppendUint32(b, uint32(lt))
	for i, fr := range frames {
		b = bo.AppendUint32(b, 1700000000+uint32(i))
		b = bo.AppendUint32(b, 0)
		b = bo.AppendUint32(b, uint32(len(fr)))
		b = bo.AppendUint32(b, uint32(len(fr)))
		b = append(b, fr...)
	}
	return b
}

// fuzzPcapng builds a little-endian pcapng (SHB, IDB, EPBs) of frames.
func fuzzPcapng(lt layers.LinkType, frames [][]byte) []byte {
	le := binary.LittleEndian
	block := func(b []byte, typ uint32, body []byte) []byte {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		n := uint32(12 + len(body))
		b = le.AppendUint32(b, typ)
		b = le.AppendUint32(b, n)
		b = append(b, body...)
		return le.AppendUint32(b, n)
	}
	shb := le.AppendUint32(nil, 0x1a2b3c4d)
	shb = le.AppendUint16(shb, 1)
	shb = le.AppendUint16(shb, 0)
	shb = le.AppendUint64(shb, ^uint64(0))
	b := block(nil, pcapngBlockMagic, shb)
	idb := le.AppendUint16(nil, uint16(lt))
	idb = le.AppendUint16(idb, 0)
	idb = le.AppendUint32(idb, 65535)
	b = block(b, 1, idb)
	for i, fr := range frames {
		epb := le.AppendUint32(nil, 0)
		ts := uint64(1700000000+i) * 1_000_000
		epb = le.AppendUint32(epb, uint32(ts>>32))
		epb = le.AppendUint32(epb, uint32(ts))
		epb = le.AppendUint32(epb, uint32(len(fr)))
		epb = le.AppendUint32(epb, uint32(len(fr)))
		epb = append(epb, fr...)
		b = block(b, 6, epb)
	}
	return b
}
