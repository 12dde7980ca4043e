package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// pcapng block types that carry packets, and the byte-order magic of the
// section header block.
const (
	ngBlockPacketObsolete = 2
	ngBlockSimplePacket   = 3
	ngBlockEnhancedPacket = 6
	ngByteOrderMagic      = 0x1a2b3c4d
	ngBlockHeaderLen      = 12 // type, length, and the SHB's byte-order magic
)

// ngSource reads pcapng with pcapgo.NgReader. pcapgo reads through our own
// bufio.Reader, so before each packet the source peeks at the blocks ahead
// to learn the byte offset of the packet's block.
type ngSource struct {
	in        *input
	r         *pcapgo.NgReader
	bigEndian bool // byte order of the current section
	frame     uint64
	err       error       // sticky end of input; only Next's goroutine touches it
	closed    atomic.Bool // Close may run while Next blocks in another goroutine
}

func newNgSource(in *input) (*ngSource, error) {
	hdr, _ := in.br.Peek(ngBlockHeaderLen)
	s := &ngSource{in: in}
	if len(hdr) == ngBlockHeaderLen {
		s.bigEndian = binary.BigEndian.Uint32(hdr[8:12]) == ngByteOrderMagic
	}
	r, err := pcapgo.NewNgReader(in.br, pcapgo.NgReaderOptions{WantMixedLinkType: true})
	if err != nil {
		return nil, fmt.Errorf("%s: %w: damaged pcapng header: %v", in.info.Name, ErrNotCapture, err)
	}
	s.r = r
	return s, nil
}

// Next returns the next packet block. Data stays valid until the next call.
func (s *ngSource) Next() (RawPacket, error) {
	if s.closed.Load() {
		return RawPacket{}, os.ErrClosed
	}
	if s.err != nil {
		return RawPacket{}, s.err
	}
	start, cut := s.nextPacketBlock()
	data, ci, err := s.r.ZeroCopyReadPacketData()
	if err != nil {
		if err == io.EOF && !cut {
			s.err = io.EOF
			return RawPacket{}, io.EOF
		}
		at := start
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			at = s.in.offset() // everything there was has been read
		}
		s.err = &DamageError{Frame: s.frame + 1, Offset: at, Err: eofIsUnexpected(err)}
		return RawPacket{}, s.err
	}
	s.frame++
	lt := layers.LinkTypeNull
	if intf, err := s.r.Interface(ci.InterfaceIndex); err == nil {
		lt = intf.LinkType
	}
	if len(s.in.linkSet) == 0 || s.in.linkSet[len(s.in.linkSet)-1] != lt {
		s.in.sawLinkType(lt)
	}
	ci.AncillaryData = nil
	return RawPacket{Data: data, Info: ci, LinkType: lt, Frame: s.frame, Offset: start}, nil
}

// nextPacketBlock walks the blocks ahead in the read buffer, without
// consuming them, up to the next packet block. It returns that block's
// offset and whether the input ends in the middle of a block on the way.
// Blocks larger than the buffer end the walk early (the offset is then the
// start of the first block not seen).
func (s *ngSource) nextPacketBlock() (start int64, cut bool) {
	pos := s.in.offset()
	bigEndian := s.bigEndian
	rel := 0
	for rel < readBufferSize {
		hdr, err := s.in.br.Peek(rel + ngBlockHeaderLen)
		hdr = hdr[min(rel, len(hdr)):]
		if len(hdr) < 8 {
			return pos + int64(rel), len(hdr) > 0 && err != nil
		}
		order := binary.ByteOrder(binary.LittleEndian)
		typ := order.Uint32(hdr[0:4])
		if typ == pcapngBlockMagic && len(hdr) >= ngBlockHeaderLen {
			bigEndian = binary.BigEndian.Uint32(hdr[8:12]) == ngByteOrderMagic
		}
		if bigEndian {
			order = binary.BigEndian
		}
		typ = order.Uint32(hdr[0:4])
		length := int(order.Uint32(hdr[4:8]))
		if length < ngBlockHeaderLen || length%4 != 0 {
			return pos + int64(rel), false // pcapgo reports the damage
		}
		if full, err := s.in.br.Peek(rel + length); len(full) < rel+length && err == io.EOF {
			cut = true
		}
		switch typ {
		case ngBlockEnhancedPacket, ngBlockSimplePacket, ngBlockPacketObsolete:
			s.bigEndian = bigEndian
			return pos + int64(rel), cut
		}
		if cut {
			return pos + int64(rel), true
		}
		if length >= readBufferSize-rel {
			return pos + int64(rel), false // not all in the buffer: the walk ends at this block
		}
		rel += length
	}
	return pos + int64(rel), false
}

func (s *ngSource) Info() SourceInfo { return s.in.sourceInfo() }
func (s *ngSource) BytesRead() int64 { return s.in.raw.n.Load() }

func (s *ngSource) Close() error {
	s.closed.Store(true)
	return s.in.close()
}
