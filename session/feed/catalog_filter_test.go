package feed

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/capture/filter"
	"github.com/handshake-viz/handshake-viz/session"
)

// exprFilter makes filters of a pcap-filter expression for Ethernet frames.
func exprFilter(t *testing.T, expr string) FilterFactory {
	t.Helper()
	e, err := filter.Parse(expr)
	if err != nil {
		t.Fatal(err)
	}
	return func() func(*capture.RawPacket) bool {
		byLink := map[uint16]*filter.Filter{}
		return func(p *capture.RawPacket) bool {
			f, ok := byLink[uint16(p.LinkType)]
			if !ok {
				f, _ = e.Compile(p.LinkType, filter.Options{})
				byLink[uint16(p.LinkType)] = f
			}
			return f != nil && f.Match(p.Data)
		}
	}
}

func TestFilteredCatalogListsAndOpensOnlyWhatTheFilterAccepts(t *testing.T) {
	path := filepath.Join(corpusDir(t), "zeek/wikipedia.pcap")
	all, err := OpenCatalog(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	full := waitFor(t, all, done)
	c, err := OpenCatalogFiltered(context.Background(), path, exprFilter(t, "udp"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := waitFor(t, c, done)
	if full.List.Streams() == 0 || full.List.Flows() == 0 {
		t.Fatalf("the capture has %d streams and %d flows: want both", full.List.Streams(), full.List.Flows())
	}
	if s.List.Streams() != 0 || s.List.Flows() != full.List.Flows() {
		t.Errorf("filtered by udp: %d streams, %d flows; want 0 and %d", s.List.Streams(), s.List.Flows(), full.List.Flows())
	}
	tl, _, err := c.OpenStream(session.KindDatagram, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := tl.Len(); uint64(n) != s.List.Flow(0).Packets {
		t.Errorf("flow 0 opened with %d events, the list says %d packets", n, s.List.Flow(0).Packets)
	}
}
