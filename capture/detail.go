package capture

import (
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

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

const (
	// payloadPreviewLen is how many payload bytes the preview shows.
	payloadPreviewLen = 48
	// noProtocol is the reserved IP protocol number 255: none known.
	noProtocol layers.IPProtocol = 255
)

// Detail breaks one frame into its layers and fields. It allocates (it uses
// gopacket.NewPacket): call it for the selected packet only. A header cut
// short by the snap length shows the fields that were captured.
func Detail(data []byte, lt layers.LinkType) []Layer {
	first := linkDecoder(lt, data)
	if first == nil {
		return []Layer{payloadLayer(data, 0, len(data), GroupLink, "Unknown link type "+LinkTypeName(lt))}
	}
	pkt := gopacket.NewPacket(data, first, gopacket.DecodeOptions{NoCopy: true})
	var out []Layer
	pos := 0
	lastProto := noProtocol // transport protocol named by the last IP header
	transportSeen := false
	for _, l := range pkt.Layers() {
		contents := l.LayerContents()
		start := layerStart(data, contents, pos)
		end := min(start+len(contents), len(data)) // a decoder may slice past len(data)
		if _, isPPP := l.(*layers.PPP); isPPP {
			start = pos // PPP leaves its HDLC address and control bytes out
		}
		var layer Layer
		switch l := l.(type) {
		case *gopacket.DecodeFailure:
			if pos >= len(data) || len(contents) > 0 && cap(data)-cap(contents) < pos {
				continue // bytes of a header already shown, that gopacket could not finish
			}
			if transportSeen {
				lastProto = noProtocol // an application header gopacket could not decode
			}
			layer = failedLayer(data, start, lastProto)
			end = len(data)
		case *gopacket.Payload:
			layer = payloadLayer(data, start, end, GroupApplication, "Payload")
		default:
			layer = headerLayer(l, data, start, end)
			transportSeen = layer.Group == GroupTransport
			if p, ok := nextProtocol(l); ok {
				lastProto = p
			}
		}
		out = append(out, layer)
		pos = end
	}
	if pos < len(data) {
		out = append(out, payloadLayer(data, pos, len(data), GroupLink, "Trailer"))
	}
	return out
}
