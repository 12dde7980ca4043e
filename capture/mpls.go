package capture

import (
	"errors"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// mplsEntryLen is the size of one MPLS label stack entry (RFC 3032).
const mplsEntryLen = 4

// mplsLayer is a gopacket.DecodingLayer for one MPLS label stack entry
// (gopacket's layers.MPLS only has a decoder for gopacket.NewPacket). Below
// the bottom of the stack it guesses IPv4 or IPv6 from the version nibble,
// as Wireshark does.
type mplsLayer struct {
	layers.BaseLayer
	Label       uint32
	TTL         uint8
	StackBottom bool
	nextLayer   gopacket.LayerType
	errTooShort error
}

var _ gopacket.DecodingLayer = (*mplsLayer)(nil)

func newMPLSLayer() *mplsLayer {
	return &mplsLayer{errTooShort: errors.New("MPLS label stack entry shorter than 4 bytes")}
}

// DecodeFromBytes decodes one label stack entry.
func (m *mplsLayer) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < mplsEntryLen {
		df.SetTruncated()
		return m.errTooShort
	}
	m.Label = uint32(data[0])<<12 | uint32(data[1])<<4 | uint32(data[2])>>4
	m.StackBottom = data[2]&1 != 0
	m.TTL = data[3]
	m.Contents = data[:mplsEntryLen]
	m.Payload = data[mplsEntryLen:]
	m.nextLayer = layers.LayerTypeMPLS
	if m.StackBottom {
		m.nextLayer = gopacket.LayerTypePayload
		if len(m.Payload) > 0 {
			switch m.Payload[0] >> 4 {
			case ipVersion4:
				m.nextLayer = layers.LayerTypeIPv4
			case ipVersion6:
				m.nextLayer = layers.LayerTypeIPv6
			}
		}
	}
	return nil
}

// CanDecode returns LayerTypeMPLS.
func (m *mplsLayer) CanDecode() gopacket.LayerClass { return layers.LayerTypeMPLS }

// NextLayerType is the next entry, or the IP layer under the stack bottom.
func (m *mplsLayer) NextLayerType() gopacket.LayerType { return m.nextLayer }

// LayerType returns LayerTypeMPLS.
func (m *mplsLayer) LayerType() gopacket.LayerType { return layers.LayerTypeMPLS }
