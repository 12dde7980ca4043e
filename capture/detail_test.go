package capture

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// frameOf returns a copy of frame n of a corpus capture.
func frameOf(t *testing.T, rel string, n uint64) RawPacket {
	t.Helper()
	src, _ := openCorpus(t, rel)
	for {
		p, err := src.Next()
		if err != nil {
			t.Fatalf("%s has no frame %d: %v", rel, n, err)
		}
		if p.Frame == n {
			p.Data = append([]byte(nil), p.Data...)
			return p
		}
	}
}

func findLayer(ls []Layer, prefix string) *Layer {
	for i := range ls {
		if strings.HasPrefix(ls[i].Name, prefix) {
			return &ls[i]
		}
	}
	return nil
}

func findField(l *Layer, name string) *Field {
	for i := range l.Fields {
		if l.Fields[i].Name == name {
			return &l.Fields[i]
		}
	}
	return nil
}

func TestDetailLayersTileEveryCorpusFrameAndFieldsStayInside(t *testing.T) {
	dir, rows := readManifest(t)
	for _, row := range rows {
		if strings.HasPrefix(row.Path, "libpcap/") {
			continue
		}
		src, err := OpenFile(filepath.Join(dir, row.Path))
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, src, func(p *RawPacket) {
			ls := Detail(p.Data, p.LinkType)
			where := fmt.Sprintf("%s frame %d", row.Path, p.Frame)
			if len(p.Data) > 0 && len(ls) == 0 {
				t.Fatalf("%s: no layer", where)
			}
			pos := 0
			for i, l := range ls {
				if l.Start != pos || l.End < l.Start || l.End > len(p.Data) {
					t.Fatalf("%s: layer %d %q covers [%d,%d), want it to start at %d inside %d bytes", where, i, l.Name, l.Start, l.End, pos, len(p.Data))
				}
				for _, f := range l.Fields {
					if f.Start < l.Start || f.End > l.End || f.Start >= f.End {
						t.Fatalf("%s: field %s [%d,%d) outside layer %s [%d,%d)", where, f.Name, f.Start, f.End, l.Name, l.Start, l.End)
					}
				}
				pos = l.End
			}
			if pos != len(p.Data) {
				t.Fatalf("%s: layers end at %d of %d bytes", where, pos, len(p.Data))
			}
		})
		src.Close()
	}
}

func TestDetailOfASynShowsHeaderFieldsWithTheirBytes(t *testing.T) {
	p := frameOf(t, "tcpdump/dns_tcp.pcap", 1)
	var seg Segment
	if !NewDecoder().Decode(&p, &seg).OK {
		t.Fatal("frame 1 not decoded")
	}
	ls := Detail(p.Data, p.LinkType)
	var names []string
	for _, l := range ls {
		names = append(names, l.Name+"/"+l.Group.String())
	}
	if got := strings.Join(names, " "); got != "Ethernet II/link IPv4/network TCP/transport" {
		t.Fatalf("layers %s", got)
	}
	tcp := &ls[2]
	checks := map[string]uint32{"Source port": uint32(seg.SrcPort), "Destination port": uint32(seg.DstPort),
		"Sequence number": seg.Seq, "Window": uint32(seg.Window)}
	for name, want := range checks {
		f := findField(tcp, name)
		if f == nil {
			t.Fatalf("no TCP field %s", name)
		}
		var fromBytes uint32
		for _, c := range p.Data[f.Start:f.End] {
			fromBytes = fromBytes<<8 | uint32(c)
		}
		if f.Value != fmt.Sprint(want) || fromBytes != want {
			t.Errorf("%s = %q, bytes [%d,%d) hold %d, decoder says %d", name, f.Value, f.Start, f.End, fromBytes, want)
		}
	}
	mss := findField(tcp, "Option: MSS")
	if mss == nil || mss.Value != fmt.Sprint(seg.Options.MSS) || binary.BigEndian.Uint16(p.Data[mss.End-2:mss.End]) != seg.Options.MSS {
		t.Errorf("MSS option field %+v, decoder says %d", mss, seg.Options.MSS)
	}
	if f := findField(tcp, "Flags"); f == nil || !strings.Contains(f.Value, "SYN") {
		t.Errorf("flags field %+v", f)
	}
	ip := &ls[1]
	if f := findField(ip, "Source"); f == nil || f.Value != seg.Src.String() || f.End-f.Start != 4 {
		t.Errorf("IPv4 source field %+v, decoder says %v", f, seg.Src)
	}
}

func TestDetailShowsThePayloadWithAPrintablePreview(t *testing.T) {
	p := frameOf(t, "zeek/http_get.pcap", 4) // the GET request
	var seg Segment
	if !NewDecoder().Decode(&p, &seg).OK || seg.PayloadLen == 0 {
		t.Fatalf("frame 4 carries no payload: %+v", seg)
	}
	ls := Detail(p.Data, p.LinkType)
	pl := ls[len(ls)-1]
	if pl.Group != GroupApplication || pl.Name != fmt.Sprintf("Payload (%d bytes)", seg.PayloadLen) || pl.End-pl.Start != int(seg.PayloadLen) {
		t.Fatalf("last layer %q %v [%d,%d), want the %d-byte payload", pl.Name, pl.Group, pl.Start, pl.End, seg.PayloadLen)
	}
	if !strings.HasPrefix(pl.Fields[0].Value, "GET /") {
		t.Errorf("preview %q does not show the request line", pl.Fields[0].Value)
	}
}

func TestDetailOfACutTCPHeaderShowsTheCapturedFields(t *testing.T) {
	p := frameOf(t, "zeek/tcp_truncated-header.pcap", 1)
	ls := Detail(p.Data, p.LinkType)
	tcp := findLayer(ls, "TCP")
	if tcp == nil || !strings.Contains(tcp.Name, "cut short") {
		t.Fatalf("no TCP layer marked cut short in %+v", ls)
	}
	if f := findField(tcp, "Destination port"); f == nil || f.Value != "25" {
		t.Errorf("destination port field %+v, want 25 (SMTP)", f)
	}
}

func TestDetailNamesVLANAndMPLSHeaders(t *testing.T) {
	for rel, want := range map[string]string{"zeek/vlan-qinqinq.pcap": "802.1Q VLAN", "zeek/mixed-vlan-mpls.pcap": "MPLS"} {
		p := frameOf(t, rel, 1)
		ls := Detail(p.Data, p.LinkType)
		if l := findLayer(ls, want); l == nil || l.Group != GroupLink {
			t.Errorf("%s frame 1: no %s link layer in %v", rel, want, ls)
		}
	}
}
