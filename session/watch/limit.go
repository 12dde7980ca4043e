package watch

import (
	"fmt"
	"io"

	"github.com/handshake-viz/handshake-viz/capture"
)

// Limited is a Source that ends (io.EOF) after Count frames (0: never)
// and calls Save with each frame it returns (nil: none).
type Limited struct {
	capture.Source
	Count uint64
	Save  func(p *capture.RawPacket) error
	n     uint64
}

// Limit wraps src.
func Limit(src capture.Source, count uint64, save func(p *capture.RawPacket) error) *Limited {
	return &Limited{Source: src, Count: count, Save: save}
}

// Next returns the next frame of the source, io.EOF once Count were
// returned.
func (l *Limited) Next() (capture.RawPacket, error) {
	if l.Count > 0 && l.n >= l.Count {
		return capture.RawPacket{}, io.EOF
	}
	p, err := l.Source.Next()
	if err != nil {
		return p, err
	}
	l.n++
	if l.Save != nil {
		if err := l.Save(&p); err != nil {
			return capture.RawPacket{}, fmt.Errorf("saving frame %d: %w", p.Frame, err)
		}
	}
	return p, nil
}
