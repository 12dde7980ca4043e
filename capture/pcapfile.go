package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
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
type pcapSource struct {
	in       *input
	order    binary.ByteOrder
	nano     bool
	linkType layers.LinkType
	frame    uint64
	pending  int // bytes of the previous record still to discard
	big      []byte
	err      error // sticky error (damage or close)
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
		s.order = binary.LittleEndian
	case le == pcapMagicNano:
		s.order, s.nano = binary.LittleEndian, true
	case be == pcapMagicMicro:
		s.order = binary.BigEndian
	default:
		s.order, s.nano = binary.BigEndian, true
	}
	major, minor := s.order.Uint16(hdr[4:6]), s.order.Uint16(hdr[6:8])
	if major != pcapVersionMajor {
		return nil, fmt.Errorf("%s: %w: pcap header says version %d.%d, only 2.x exists: the file header is damaged",
			in.info.Name, ErrNotCapture, major, minor)
	}
	s.linkType = layers.LinkType(s.order.Uint32(hdr[20:24]) & pcapLinkTypeMask)
	in.sawLinkType(s.linkType)
	s.pending = pcapHeaderLen
	return s, nil
}

// Next returns the next record. Data stays valid until the next call.
func (s *pcapSource) Next() (RawPacket, error) {
	if s.err != nil {
		return RawPacket{}, s.err
	}
	br := s.in.br
	if s.pending > 0 {
		if _, err := br.Discard(s.pending); err != nil {
			return s.fail(err)
		}
		s.pending = 0
	}
	start := s.in.offset()
	hdr, err := br.Peek(pcapRecordLen)
	if len(hdr) < pcapRecordLen {
		if len(hdr) == 0 && err == io.EOF {
			s.err = io.EOF
			return RawPacket{}, io.EOF
		}
		return s.damage(start+int64(len(hdr)), eofIsUnexpected(err))
	}
	sec := s.order.Uint32(hdr[0:4])
	frac := s.order.Uint32(hdr[4:8])
	capLen := s.order.Uint32(hdr[8:12])
	wireLen := s.order.Uint32(hdr[12:16])
	if capLen > pcapMaxRecord {
		return s.damage(start, fmt.Errorf("record header claims %d captured bytes (more than %d): damaged record", capLen, pcapMaxRecord))
	}
	n := pcapRecordLen + int(capLen)
	var data []byte
	if n <= readBufferSize {
		rec, err := br.Peek(n)
		if len(rec) < n {
			return s.damage(start+int64(len(rec)), eofIsUnexpected(err))
		}
		data = rec[pcapRecordLen:n:n]
		s.pending = n
	} else {
		if _, err := br.Discard(pcapRecordLen); err != nil {
			return s.damage(start, eofIsUnexpected(err))
		}
		if cap(s.big) < int(capLen) {
			s.big = make([]byte, capLen)
		}
		data = s.big[:capLen]
		if got, err := io.ReadFull(br, data); err != nil {
			return s.damage(start+pcapRecordLen+int64(got), eofIsUnexpected(err))
		}
	}
	nsec := int64(frac)
	if !s.nano {
		nsec *= int64(time.Microsecond)
	}
	s.frame++
	p := RawPacket{Data: data, LinkType: s.linkType, Frame: s.frame, Offset: start}
	p.Info.Timestamp = time.Unix(int64(sec), nsec)
	p.Info.CaptureLength = int(capLen)
	p.Info.Length = int(wireLen)
	return p, nil
}

func (s *pcapSource) fail(err error) (RawPacket, error) {
	return s.damage(s.in.offset(), eofIsUnexpected(err))
}

func (s *pcapSource) damage(at int64, cause error) (RawPacket, error) {
	s.err = &DamageError{Frame: s.frame + 1, Offset: at, Err: cause}
	return RawPacket{}, s.err
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
	s.err = os.ErrClosed
	return s.in.close()
}
