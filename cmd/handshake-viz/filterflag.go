package main

import (
	"fmt"

	"github.com/gopacket/gopacket/layers"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/filter"
)

// frameFilter runs a --filter expression on saved frames: the expression
// is compiled once per link type met, and run in x/net/bpf's VM on each
// frame's captured bytes. Use one per goroutine (clone).
type frameFilter struct {
	expr    *filter.Expr
	byLink  map[layers.LinkType]*filter.Filter // nil value: cannot compile for that link type
	refused map[layers.LinkType]uint64         // frames left out because of their link type
}

// newFrameFilter parses expr; a syntax error names the bad token.
func newFrameFilter(expr string) (*frameFilter, error) {
	e, err := filter.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("--filter: %w", err)
	}
	return &frameFilter{expr: e, byLink: map[layers.LinkType]*filter.Filter{}, refused: map[layers.LinkType]uint64{}}, nil
}

// clone returns a filter with the same expression and nothing compiled.
func (f *frameFilter) clone() *frameFilter {
	return &frameFilter{expr: f.expr, byLink: map[layers.LinkType]*filter.Filter{}, refused: map[layers.LinkType]uint64{}}
}

// match reports whether the filter accepts a frame; a frame of a link
// type the filter cannot read is rejected (never silently accepted).
func (f *frameFilter) match(p *capture.RawPacket) bool {
	prog, ok := f.byLink[p.LinkType]
	if !ok {
		prog, _ = f.expr.Compile(p.LinkType, filter.Options{})
		f.byLink[p.LinkType] = prog
	}
	if prog == nil {
		f.refused[p.LinkType]++
		return false
	}
	return prog.Match(p.Data)
}

// warnings say which frames were left out for their link type.
func (f *frameFilter) warnings() []string {
	var ws []string
	for lt, n := range f.refused {
		ws = append(ws, fmt.Sprintf("--filter cannot read link type %v: its %d frames were left out", lt, n))
	}
	return ws
}
