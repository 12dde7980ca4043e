package capture

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"github.com/gopacket/gopacket/layers"
)

// ErrNotCapture is wrapped by the error OpenFile and OpenReader return when
// the input is neither a pcap nor a pcapng capture (or its header is invalid).
var ErrNotCapture = errors.New("not a pcap or pcapng capture")

// readBufferSize is the read-ahead of file sources. Records up to this size
// are handed out without copying.
const readBufferSize = 1 << 20

// File magic numbers.
const (
	pcapMagicMicro   = 0xa1b2c3d4
	pcapMagicNano    = 0xa1b23c4d
	pcapngBlockMagic = 0x0a0d0d0a // section header block type (a palindrome)
	gzipMagic0       = 0x1f
	gzipMagic1       = 0x8b
)

// OpenFile opens a capture file; path "-" reads stdin. It detects gzip
// compression, then pcap (all four magics) or pcapng. An input that is no
// capture gives an error wrapping ErrNotCapture.
func OpenFile(path string) (Source, error) {
	if path == "-" {
		return openReader("-", os.Stdin, -1, nil)
	}
	f, err := os.Open(path)
	if err != nil {
		// *PathError already names the path: "open x.pcap: no such file…".
		return nil, fmt.Errorf("%w (check the path and that you may read it)", err)
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			f.Close()
			return nil, fmt.Errorf("%s is a directory, not a capture: give a pcap or pcapng file", path)
		}
		if st.Mode().IsRegular() {
			size = st.Size()
		}
	}
	src, err := openReader(path, f, size, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return src, nil
}

// OpenReader is OpenFile over any reader; size is the input size in bytes,
// -1 when unknown. Closing the Source does not close r.
func OpenReader(name string, r io.Reader, size int64) (Source, error) {
	return openReader(name, r, size, nil)
}

// input is the byte stream under a Source: raw bytes counted for progress,
// optional gzip, decompressed bytes counted for offsets, and read-ahead.
type input struct {
	raw     *countingReader // bytes of the (maybe compressed) input consumed
	plain   *countingReader // decompressed bytes delivered to br
	br      *bufio.Reader
	gz      *gzip.Reader
	closer  io.Closer
	info    SourceInfo
	linkSet []layers.LinkType
}

func openReader(name string, r io.Reader, size int64, closer io.Closer) (Source, error) {
	in := &input{raw: &countingReader{r: r}, closer: closer}
	in.info = SourceInfo{Name: name, Size: size}
	br := bufio.NewReaderSize(in.raw, readBufferSize)
	head, err := br.Peek(4)
	if len(head) == 0 {
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		return nil, fmt.Errorf("%s: %w: empty file (0 bytes)", name, ErrNotCapture)
	}
	if len(head) >= 2 && head[0] == gzipMagic0 && head[1] == gzipMagic1 {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w: damaged gzip header: %v", name, ErrNotCapture, err)
		}
		in.gz = gz
		in.info.Gzip = true
		in.plain = &countingReader{r: gz}
		br = bufio.NewReaderSize(in.plain, readBufferSize)
		head, err = br.Peek(4)
		if len(head) == 0 {
			if err != nil && err != io.EOF {
				return nil, fmt.Errorf("read %s: gzip: %w", name, err)
			}
			return nil, fmt.Errorf("%s: %w: empty file (0 bytes after gzip)", name, ErrNotCapture)
		}
	} else {
		in.plain = in.raw
	}
	in.br = br
	if len(head) == 4 {
		switch {
		case isPcapMagic(head):
			in.info.Format = "pcap"
			return newPcapSource(in)
		case binary.LittleEndian.Uint32(head) == pcapngBlockMagic:
			in.info.Format = "pcapng"
			return newNgSource(in)
		}
	}
	return nil, fmt.Errorf("%s: %w: it starts with %s; expected a file written by tcpdump -w, Wireshark or handshake-viz",
		name, ErrNotCapture, describeBytes(br))
}

func isPcapMagic(b []byte) bool {
	le, be := binary.LittleEndian.Uint32(b), binary.BigEndian.Uint32(b)
	return le == pcapMagicMicro || le == pcapMagicNano || be == pcapMagicMicro || be == pcapMagicNano
}

// describeBytes shows the first bytes of the input in hex and as text.
func describeBytes(br *bufio.Reader) string {
	b, _ := br.Peek(8)
	var hex, text strings.Builder
	for i, c := range b {
		if i > 0 {
			hex.WriteByte(' ')
		}
		fmt.Fprintf(&hex, "%02x", c)
		if c >= 0x20 && c < 0x7f {
			text.WriteByte(c)
		} else {
			text.WriteByte('.')
		}
	}
	return fmt.Sprintf("%s (%q)", hex.String(), text.String())
}

// offset is the byte offset in the decompressed input of the next unread byte.
func (in *input) offset() int64 { return in.plain.n.Load() - int64(in.br.Buffered()) }

// sawLinkType records a link type for SourceInfo.LinkTypes.
func (in *input) sawLinkType(lt layers.LinkType) {
	for _, s := range in.linkSet {
		if s == lt {
			return
		}
	}
	in.linkSet = append(in.linkSet, lt)
	in.info.LinkTypes = append(in.info.LinkTypes, LinkTypeName(lt))
}

func (in *input) sourceInfo() SourceInfo {
	info := in.info
	info.LinkTypes = append([]string(nil), in.info.LinkTypes...)
	return info
}

func (in *input) close() error {
	var err error
	if in.gz != nil {
		err = in.gz.Close()
	}
	if in.closer != nil {
		if cerr := in.closer.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// countingReader counts the bytes read through it; the count may be read
// from another goroutine (progress bars).
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// Link types that are raw IP without a link header: DLT_RAW is 12 on most
// systems and 14 on OpenBSD; LINKTYPE_RAW is 101.
const (
	linkTypeRawDLT12 layers.LinkType = 12
	linkTypeRawDLT14 layers.LinkType = 14
)

// LinkTypeName returns the lower-case name of a link type as used in
// SourceInfo.LinkTypes: "ethernet", "linux_sll", "linux_sll2", "null",
// "loop", "raw", "ipv4", "ipv6", or "linktype_N" for others.
func LinkTypeName(lt layers.LinkType) string {
	if !LinkTypeDecoded(lt) {
		return fmt.Sprintf("linktype_%d", uint16(lt))
	}
	switch lt {
	case layers.LinkTypeEthernet:
		return "ethernet"
	case layers.LinkTypeLinuxSLL:
		return "linux_sll"
	case layers.LinkTypeLinuxSLL2:
		return "linux_sll2"
	case layers.LinkTypeNull:
		return "null"
	case layers.LinkTypeLoop:
		return "loop"
	case layers.LinkTypeRaw, linkTypeRawDLT12, linkTypeRawDLT14:
		return "raw"
	case layers.LinkTypeIPv4:
		return "ipv4"
	case layers.LinkTypeIPv6:
		return "ipv6"
	}
	return fmt.Sprintf("linktype_%d", uint16(lt))
}

// LinkTypeDecoded reports whether Decode reads frames of link type lt
// (Ethernet, Linux SLL and SLL2, Null/Loop, raw IP); frames of any other
// link type are counted and skipped.
func LinkTypeDecoded(lt layers.LinkType) bool {
	switch lt {
	case layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeLinuxSLL2,
		layers.LinkTypeNull, layers.LinkTypeLoop,
		layers.LinkTypeRaw, linkTypeRawDLT12, linkTypeRawDLT14, layers.LinkTypeIPv4, layers.LinkTypeIPv6:
		return true
	}
	return false
}
