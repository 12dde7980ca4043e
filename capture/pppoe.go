package capture

import (
	"encoding/binary"
	"errors"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// PPPoE session header (RFC 2516) followed by the PPP protocol field.
const (
	pppoeHeaderLen = 6
	pppProtoLen    = 2
	pppProtoIPv4   = 0x0021
	pppProtoIPv6   = 0x0057
)

// pppoeLayer is a gopacket.DecodingLayer for a PPPoE session header and the
// PPP protocol field after it (gopacket's PPPoE and PPP layers only have
// decoders for gopacket.NewPacket). DSL uplinks capture like this.
type pppoeLayer struct {
	layers.BaseLayer
	SessionID   uint16
	PPPProtocol uint16
	nextLayer   gopacket.LayerType
	errTooShort error
}

var _ gopacket.DecodingLayer = (*pppoeLayer)(nil)

func newPPPoELayer() *pppoeLayer {
	return &pppoeLayer{errTooShort: errors.New("PPPoE session header shorter than 8 bytes")}
}

// DecodeFromBytes decodes the PPPoE session header and the PPP protocol.
func (p *pppoeLayer) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	const n = pppoeHeaderLen + pppProtoLen
	if len(data) < n {
		df.SetTruncated()
		return p.errTooShort
	}
	p.SessionID = binary.BigEndian.Uint16(data[2:4])
	p.PPPProtocol = binary.BigEndian.Uint16(data[6:8])
	p.Contents, p.Payload = data[:n], data[n:]
	switch p.PPPProtocol {
	case pppProtoIPv4:
		p.nextLayer = layers.LayerTypeIPv4
	case pppProtoIPv6:
		p.nextLayer = layers.LayerTypeIPv6
	default:
		p.nextLayer = gopacket.LayerTypePayload
	}
	return nil
}

// CanDecode returns LayerTypePPPoE.
func (p *pppoeLayer) CanDecode() gopacket.LayerClass { return layers.LayerTypePPPoE }

// NextLayerType is IPv4 or IPv6 by the PPP protocol field.
func (p *pppoeLayer) NextLayerType() gopacket.LayerType { return p.nextLayer }

// LayerType returns LayerTypePPPoE.
func (p *pppoeLayer) LayerType() gopacket.LayerType { return layers.LayerTypePPPoE }
