package capture

import "github.com/gopacket/gopacket/layers"

// LayerGroup is the layer of the TCP/IP model a protocol header belongs to.
type LayerGroup uint8

// Layer groups, with the OSI layer numbers they map to.
const (
	GroupLink        LayerGroup = iota // OSI 1-2
	GroupNetwork                       // OSI 3
	GroupTransport                     // OSI 4
	GroupApplication                   // OSI 5-7
)

// String returns "link", "network", "transport" or "application".
func (g LayerGroup) String() string {
	switch g {
	case GroupLink:
		return "link"
	case GroupNetwork:
		return "network"
	case GroupTransport:
		return "transport"
	}
	return "application"
}

// OSI returns the OSI layer numbers of the group: "2", "3", "4" or "5-7".
func (g LayerGroup) OSI() string {
	switch g {
	case GroupLink:
		return "2"
	case GroupNetwork:
		return "3"
	case GroupTransport:
		return "4"
	}
	return "5-7"
}

// Field is one header field with its bytes in the frame.
type Field struct {
	Name, Value string
	Start, End  int // byte range [Start, End) in the frame
}

// Layer is one protocol header of a frame (or its payload) for the detail
// and hex panes.
type Layer struct {
	Name       string // "Ethernet II", "IPv4", "TCP", "Payload", …
	Group      LayerGroup
	Start, End int // byte range [Start, End) in the frame
	Fields     []Field
}

// Detail breaks one frame into its layers and fields. It allocates (it uses
// gopacket.NewPacket): call it for the selected packet only.
func Detail(data []byte, lt layers.LinkType) []Layer {
	_ = data
	_ = lt
	return nil // TODO(capture helper): implement
}
