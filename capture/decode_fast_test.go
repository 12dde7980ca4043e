package capture

import (
	"encoding/binary"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// checkFastPathAgrees decodes p with Decode (fast path first) and with the
// decodeLayers alone (on ref, a second Decoder that sees the same frames,
// so that both hold the same fragments) and fails when they differ.
func checkFastPathAgrees(t *testing.T, d, ref *Decoder, what string, p *RawPacket) (fast bool) {
	t.Helper()
	var got, want Segment
	gotRes := d.Decode(p, &got)
	wantRes := ref.decodeLayers(p, &want)
	if gotRes != wantRes || (gotRes.OK && got != want) {
		t.Errorf("%s frame %d: Decode = %+v %+v, decodeLayers alone = %+v %+v", what, p.Frame, gotRes, got, wantRes, want)
	}
	_, fast = decodeEthernetIPv4(p, &got)
	return fast
}

// mutations returns variants of an Ethernet/IPv4 frame that stress the
// fast path's length checks: cut short, other IP lengths, a fragment, IP
// options, another protocol, a VLAN-sized EtherType.
func mutations(data []byte) [][]byte {
	var out [][]byte
	edit := func(f func(b []byte) []byte) {
		b := f(append([]byte(nil), data...))
		out = append(out, b)
	}
	for _, n := range []int{0, 13, 14, 33, 34, 35, 40, 47, 48, 53, 54, len(data) - 1} {
		if n >= 0 && n <= len(data) {
			edit(func(b []byte) []byte { return b[:n] })
		}
	}
	setLen := func(v uint16) { edit(func(b []byte) []byte { binary.BigEndian.PutUint16(b[16:18], v); return b }) }
	for _, v := range []uint16{0, 1, 19, 20, 21, 39, 40, 41, uint16(len(data) - 14), uint16(len(data) - 13), 0xffff} {
		setLen(v)
	}
	edit(func(b []byte) []byte { b[20] |= 0x01; return b }) // fragment offset 256 bytes
	edit(func(b []byte) []byte { b[20] |= 0x20; return b }) // more fragments, offset 0
	edit(func(b []byte) []byte { b[14] = 0x46; return b })  // IHL 6: one option word
	edit(func(b []byte) []byte { b[14] = 0x44; return b })  // IHL 4: invalid
	edit(func(b []byte) []byte { b[14] = 0x65; return b })  // version 6 nibble in an IPv4 EtherType
	edit(func(b []byte) []byte { b[23] = byte(layers.IPProtocolUDP); return b })
	edit(func(b []byte) []byte { b[23] = byte(layers.IPProtocolIPv4); return b }) // IP in IP
	edit(func(b []byte) []byte { b[23] = byte(layers.IPProtocolICMPv4); return b })
	edit(func(b []byte) []byte { b[12], b[13] = 0x81, 0x00; return b }) // VLAN tag EtherType
	edit(func(b []byte) []byte { b[12], b[13] = 0x00, 0x40; return b }) // 802.3 length
	return out
}

func TestEthernetIPv4FastPathGivesTheParsersSegmentForEveryCorpusFrame(t *testing.T) {
	dir, rows := readManifest(t)
	d, ref := NewDecoder(), NewDecoder()
	fast := 0
	for _, row := range rows {
		src, err := OpenFile(filepath.Join(dir, row.Path))
		if err != nil {
			continue
		}
		readAll(t, src, func(p *RawPacket) {
			if checkFastPathAgrees(t, d, ref, row.Path, p) {
				fast++
			}
			if p.LinkType != layers.LinkTypeEthernet || len(p.Data) < 34 ||
				binary.BigEndian.Uint16(p.Data[12:14]) != etherTypeIPv4 {
				return
			}
			for _, m := range mutations(p.Data) {
				q := *p
				q.Data = m
				checkFastPathAgrees(t, d, ref, row.Path+" (mutated)", &q)
			}
		})
		src.Close()
	}
	if fast == 0 {
		t.Fatal("no corpus frame took the fast path: the test compares nothing")
	}
}
