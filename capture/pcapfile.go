package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// pcap file layout (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html).
const (
	pcapHeaderLen    = 24
	pcapRecordLen    = 16
	pcapVersionMajor = 2
	// pcapMaxRecord bounds the captured length of one record: larger values
	// mean a damaged record header (libpcap allows 256 KiB; jumbo USB and
	// D-Bus captures go up to 128 MiB, we accept 16 MiB).
	pcapMaxRecord = 16 << 20
	// pcapLinkTypeMask keeps the link type of the header's link type field;
	// the upper bits carry FCS information.
	pcapLinkTypeMask = 0x0fffffff
)

// pcapSource reads a classic pcap file without copying records that fit in
// the read-ahead buffer: Data points into the buffer until the next call.
// It parses the records of everything the buffer holds (win) and tells the
// buffer what it consumed only when it needs more bytes, so that a record
// costs no call into bufio.
type pcapSource struct {
	in       *input
	big      bool // big-endian headers
	nano     bool
	linkType layers.LinkType
	frame    uint64
	win      []byte // bytes buffered in in.br, from its read position
	pos      int    // bytes of win consumed (handed out or skipped)
	winOff   int64  // input offset of win[0]
	bigRec   []byte // a record larger than the read-ahead buffer
	err      error  // sticky error (damage), used by Next's goroutine only
	closed   atomic.Bool
}

// fill makes at least need bytes available at win[pos:]: it discards what
// was consumed and peeks at everything buffered. On a short input it
// returns the bytes there are and the read error.
func (s *pcapSource) fill(need int) ([]byte, error) {
	br := s.in.br
	if _, err := br.Discard(s.pos); err != nil {
		return nil, err
	}
	s.winOff += int64(s.pos)
	s.pos = 0
	s.win = nil
	b, err := br.Peek(need)
	if len(b) < need {
		return b, err
	}
	s.win, _ = br.Peek(br.Buffered())
	return s.win, nil
}

func newPcapSource(in *input) (*pcapSource, error) {
	hdr, err := in.br.Peek(pcapHeaderLen)
	if len(hdr) < pcapHeaderLen {
		return nil, fmt.Errorf("%s: %w: the pcap file header is cut short (%d of %d bytes): %v",
			in.info.Name, ErrNotCapture, len(hdr), pcapHeaderLen, err)
	}
	s := &pcapSource{in: in}
	switch le, be := binary.LittleEndian.Uint32(hdr), binary.BigEndian.Uint32(hdr); {
	case le == pcapMagicMicro:
	case le == pcapMagicNano:
		s.nano = true
	case be == pcapMagicMicro:
		s.big = true
	default:
		s.big, s.nano = true, true
	}
	order := binary.ByteOrder(binary.LittleEndian)
	if s.big {
		order = binary.BigEndian
	}
	major, minor := order.Uint16(hdr[4:6]), order.Uint16(hdr[6:8])
	if major != pcapVersionMajor {
		return nil, fmt.Errorf("%s: %w: pcap header says version %d.%d, only 2.x exists: the file header is damaged",
			in.info.Name, ErrNotCapture, major, minor)
	}
	s.linkType = layers.LinkType(order.Uint32(hdr[20:24]) & pcapLinkTypeMask)
	in.sawLinkType(s.linkType)
	s.win, s.pos, s.winOff = hdr, pcapHeaderLen, in.offset()
	return s, nil
}

// Next returns the next record. Data stays valid until the next call.
func (s *pcapSource) Next() (RawPacket, error) {
	var p RawPacket
	err := s.ReadPacket(&p)
	return p, err
}

// ReadPacket is Next into *p (PacketReader): the record is not copied
// through a return value. Data stays valid until the next call.
func (s *pcapSource) ReadPacket(p *RawPacket) error {
	if s.err != nil {
		return s.err
	}
	if s.closed.Load() {
		return os.ErrClosed
	}
	hdr := s.win[s.pos:]
	if len(hdr) < pcapRecordLen {
		b, err := s.fill(pcapRecordLen)
		if len(b) < pcapRecordLen {
			if len(b) == 0 && err == io.EOF {
				s.err = io.EOF
				return io.EOF
			}
			return s.damage(s.winOff+int64(len(b)), eofIsUnexpected(err))
		}
		hdr = b
	}
	start := s.winOff + int64(s.pos)
	var sec, frac, capLen, wireLen uint32
	if s.big {
		sec, frac = binary.BigEndian.Uint32(hdr[0:4]), binary.BigEndian.Uint32(hdr[4:8])
		capLen, wireLen = binary.BigEndian.Uint32(hdr[8:12]), binary.BigEndian.Uint32(hdr[12:16])
	} else {
		sec, frac = binary.LittleEndian.Uint32(hdr[0:4]), binary.LittleEndian.Uint32(hdr[4:8])
		capLen, wireLen = binary.LittleEndian.Uint32(hdr[8:12]), binary.LittleEndian.Uint32(hdr[12:16])
	}
	if capLen > pcapMaxRecord {
		return s.damage(start, fmt.Errorf("record header claims %d captured bytes (more than %d): damaged record", capLen, pcapMaxRecord))
	}
	n := pcapRecordLen + int(capLen)
	var data []byte
	if n <= readBufferSize {
		rec := hdr
		if len(rec) < n {
			b, err := s.fill(n)
			if len(b) < n {
				return s.damage(start+int64(len(b)), eofIsUnexpected(err))
			}
			rec = b
		}
		data = rec[pcapRecordLen:n:n]
		s.pos += n
	} else {
		var err error
		if data, err = s.readBig(start, int(capLen)); err != nil {
			return err
		}
	}
	nsec := int64(frac)
	if !s.nano {
		nsec *= int64(time.Microsecond)
	}
	s.frame++
	*p = RawPacket{Data: data, LinkType: s.linkType, Frame: s.frame, Offset: start}
	p.Info.Timestamp = time.Unix(int64(sec), nsec)
	p.Info.CaptureLength = int(capLen)
	p.Info.Length = int(wireLen)
	return nil
}

// readBig copies a record larger than the read-ahead buffer into bigRec.
func (s *pcapSource) readBig(start int64, capLen int) ([]byte, error) {
	br := s.in.br
	if _, err := s.fill(0); err != nil {
		return nil, s.fail(err)
	}
	if _, err := br.Discard(pcapRecordLen); err != nil {
		return nil, s.damage(start, eofIsUnexpected(err))
	}
	if cap(s.bigRec) < capLen {
		s.bigRec = make([]byte, capLen)
	}
	data := s.bigRec[:capLen]
	if got, err := io.ReadFull(br, data); err != nil {
		return nil, s.damage(start+pcapRecordLen+int64(got), eofIsUnexpected(err))
	}
	s.win, s.pos, s.winOff = nil, 0, s.in.offset()
	return data, nil
}

func (s *pcapSource) fail(err error) error {
	return s.damage(s.in.offset(), eofIsUnexpected(err))
}

func (s *pcapSource) damage(at int64, cause error) error {
	s.err = &DamageError{Frame: s.frame + 1, Offset: at, Err: cause}
	return s.err
}

// eofIsUnexpected turns an io.EOF met inside a record into io.ErrUnexpectedEOF.
func eofIsUnexpected(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (s *pcapSource) Info() SourceInfo { return s.in.sourceInfo() }
func (s *pcapSource) BytesRead() int64 { return s.in.raw.n.Load() }

func (s *pcapSource) Close() error {
	s.closed.Store(true) // Close may run while Next blocks in another goroutine
	return s.in.close()
}
