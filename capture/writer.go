package capture

import (
	"fmt"
	"io"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Writer saves frames as pcapng, one interface block per link type, so that
// Wireshark and tshark open the file. It is not safe for concurrent use.
type Writer struct {
	w          *pcapgo.NgWriter
	interfaces map[layers.LinkType]int // link type -> interface index
}

// NewPcapngWriter writes the pcapng section header and a first interface of
// link type lt to w. Call Flush before closing w.
func NewPcapngWriter(w io.Writer, lt layers.LinkType) (*Writer, error) {
	intf := pcapgo.DefaultNgInterface
	intf.LinkType = lt
	intf.Name = LinkTypeName(lt)
	ng, err := pcapgo.NewNgWriterInterface(w, intf, pcapgo.DefaultNgWriterOptions)
	if err != nil {
		return nil, fmt.Errorf("write pcapng header: %w", err)
	}
	return &Writer{w: ng, interfaces: map[layers.LinkType]int{lt: 0}}, nil
}

// Write appends one frame. A frame of a link type not seen before adds an
// interface block for it.
func (w *Writer) Write(p *RawPacket) error {
	id, ok := w.interfaces[p.LinkType]
	if !ok {
		intf := pcapgo.DefaultNgInterface
		intf.LinkType = p.LinkType
		intf.Name = LinkTypeName(p.LinkType)
		var err error
		if id, err = w.w.AddInterface(intf); err != nil {
			return fmt.Errorf("write pcapng interface for link type %s: %w", intf.Name, err)
		}
		w.interfaces[p.LinkType] = id
	}
	ci := p.Info
	ci.InterfaceIndex = id
	ci.CaptureLength = len(p.Data)
	ci.Length = max(ci.Length, ci.CaptureLength)
	ci.AncillaryData = nil
	if err := w.w.WritePacket(ci, p.Data); err != nil {
		return fmt.Errorf("write frame %d: %w", p.Frame, err)
	}
	return nil
}

// Flush writes out buffered data.
func (w *Writer) Flush() error {
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("flush pcapng: %w", err)
	}
	return nil
}
