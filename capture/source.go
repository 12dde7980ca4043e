package capture

import (
	"fmt"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// RawPacket is one frame as a Source hands it over. Data is only valid until
// the next call to Source.Next.
type RawPacket struct {
	Data     []byte
	Info     gopacket.CaptureInfo
	LinkType layers.LinkType
	Frame    uint64  // 1-based frame number
	Offset   int64   // byte offset of the record in the input; -1 when live
	Verdict  Verdict // what the lossy wire did with it (Passed for captures); Decode copies it
	DelayNS  int64   // Verdict == Delayed: how long the wire held it
}

// Source is the one interface in front of every packet source: live
// capture, files and stdin all go through it.
type Source interface {
	// Next returns the next frame. It returns io.EOF at the end of the input
	// and a *DamageError when the input is damaged (everything before is good).
	Next() (RawPacket, error)
	// Info describes the source.
	Info() SourceInfo
	// BytesRead is how many bytes of the input have been consumed so far
	// (for progress bars); 0 for live sources.
	BytesRead() int64
	// Close releases the source; a blocked Next returns.
	Close() error
}

// PacketReader is implemented by the file Sources: ReadPacket is Next
// into *p, which it overwrites whole (cheaper than Next's return value for
// a reader that handles millions of frames). Data stays valid until the
// next call of ReadPacket or Next.
type PacketReader interface {
	ReadPacket(p *RawPacket) error
}

// SourceInfo describes a Source.
type SourceInfo struct {
	Name      string   // file path, "-" for stdin, interface name when live
	Format    string   // "pcap", "pcapng" or "live"
	Gzip      bool     // the input was gzip-compressed
	Size      int64    // total input size in bytes, -1 when unknown (stdin, live)
	LinkTypes []string // link types seen so far, lower case ("ethernet", "linux_sll2", …)
}

// DamageError reports damaged input: the frame that could not be read, the
// byte offset where the damage starts and why.
type DamageError struct {
	Frame  uint64 // frame number that could not be read
	Offset int64  // byte offset in the input
	Err    error
}

func (e *DamageError) Error() string {
	return fmt.Sprintf("frame %d: truncated record at byte %d: %v", e.Frame, e.Offset, e.Err)
}

func (e *DamageError) Unwrap() error { return e.Err }
