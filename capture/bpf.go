package capture

import (
	"fmt"
	"math"

	"golang.org/x/net/bpf"
)

// Offsets into an Ethernet II frame and field values the kernel filter
// reads. IPv4 ports are read relative to the header length in X.
const (
	offEtherType   = 12
	offIPv4        = 14 // start of the IP header
	offIPv4Frag    = offIPv4 + 6
	offIPv4Proto   = offIPv4 + 9
	offIPv6Next    = offIPv4 + 6
	offIPv6SrcPort = offIPv4 + 40
	offIPv6DstPort = offIPv6SrcPort + 2

	etherTypeIPv4  = 0x0800
	etherTypeIPv6  = 0x86dd
	ipProtoTCP     = 6
	ipProtoUDP     = 17
	ipv4FragOffset = 0x1fff // fragment offset bits of the flags/offset field

	// packetOutgoing is PACKET_OUTGOING, the packet type of the copy a
	// packet socket sees when the host sends a frame.
	packetOutgoing = 4

	// filterAccept keeps up to DefaultSnapLen bytes of a packet, as
	// libpcap does; the socket's buffer sets a smaller snap length.
	filterAccept = DefaultSnapLen
	filterDrop   = 0
)

// BuildFilter assembles the kernel filter of a live capture: Ethernet
// frames carrying IPv4 or IPv6 with TCP or UDP directly after the fixed
// header (IPv4 with any header length; IPv4 fragments other than the first
// are dropped, as they hold no ports) whose source or destination port is
// port; port 0 keeps all TCP and UDP. With dropOutgoing the copy a packet
// socket sees of the host's own transmissions is dropped: on loopback every
// packet is seen twice, once outgoing and once incoming.
func BuildFilter(port uint16, dropOutgoing bool) ([]bpf.RawInstruction, error) {
	var p filterProgram
	if dropOutgoing {
		p.emit(bpf.LoadExtension{Num: bpf.ExtType})
		p.jumpIf(bpf.JumpEqual, packetOutgoing, lblDrop, lblNext)
	}
	p.emit(bpf.LoadAbsolute{Off: offEtherType, Size: 2})
	p.jumpIf(bpf.JumpEqual, etherTypeIPv4, lblIPv4, lblNext)
	p.jumpIf(bpf.JumpEqual, etherTypeIPv6, lblIPv6, lblDrop)

	p.mark(lblIPv4)
	p.emit(bpf.LoadAbsolute{Off: offIPv4Proto, Size: 1})
	p.jumpIf(bpf.JumpEqual, ipProtoTCP, lblIPv4Ports, lblNext)
	p.jumpIf(bpf.JumpEqual, ipProtoUDP, lblIPv4Ports, lblDrop)
	p.mark(lblIPv4Ports)
	p.emit(bpf.LoadAbsolute{Off: offIPv4Frag, Size: 2})
	p.jumpIf(bpf.JumpBitsSet, ipv4FragOffset, lblDrop, lblNext)
	if port == 0 {
		p.emit(bpf.RetConstant{Val: filterAccept})
	} else {
		p.emit(bpf.LoadMemShift{Off: offIPv4}) // X = 4*(IHL)
		p.emit(bpf.LoadIndirect{Off: offIPv4, Size: 2})
		p.jumpIf(bpf.JumpEqual, uint32(port), lblAccept, lblNext)
		p.emit(bpf.LoadIndirect{Off: offIPv4 + 2, Size: 2})
		p.jumpIf(bpf.JumpEqual, uint32(port), lblAccept, lblDrop)
	}

	p.mark(lblIPv6)
	p.emit(bpf.LoadAbsolute{Off: offIPv6Next, Size: 1})
	p.jumpIf(bpf.JumpEqual, ipProtoTCP, lblIPv6Ports, lblNext)
	p.jumpIf(bpf.JumpEqual, ipProtoUDP, lblIPv6Ports, lblDrop)
	p.mark(lblIPv6Ports)
	if port == 0 {
		p.emit(bpf.RetConstant{Val: filterAccept})
	} else {
		p.emit(bpf.LoadAbsolute{Off: offIPv6SrcPort, Size: 2})
		p.jumpIf(bpf.JumpEqual, uint32(port), lblAccept, lblNext)
		p.emit(bpf.LoadAbsolute{Off: offIPv6DstPort, Size: 2})
		p.jumpIf(bpf.JumpEqual, uint32(port), lblAccept, lblDrop)
	}

	p.mark(lblAccept)
	p.emit(bpf.RetConstant{Val: filterAccept})
	p.mark(lblDrop)
	p.emit(bpf.RetConstant{Val: filterDrop})

	prog, err := p.resolve()
	if err != nil {
		return nil, err
	}
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, fmt.Errorf("assemble capture filter for port %d: %w", port, err)
	}
	return raw, nil
}

// filterLabel names a jump target of a filterProgram.
type filterLabel int

// Jump targets of the capture filter. lblNext is the next instruction.
const (
	lblNext filterLabel = iota - 1
	lblAccept
	lblDrop
	lblIPv4
	lblIPv4Ports
	lblIPv6
	lblIPv6Ports
	numFilterLabels
)

// filterProgram is a tiny assembler with forward labels, so the filter
// reads as a list of steps instead of hand-counted skips.
type filterProgram struct {
	ins   []bpf.Instruction
	at    [numFilterLabels]int  // instruction index of each marked label
	set   [numFilterLabels]bool // which labels are marked
	jumps []filterJump
}

type filterJump struct {
	idx           int
	ifTrue, ifNot filterLabel
}

func (p *filterProgram) emit(ins ...bpf.Instruction) { p.ins = append(p.ins, ins...) }

func (p *filterProgram) mark(l filterLabel) {
	p.at[l] = len(p.ins)
	p.set[l] = true
}

func (p *filterProgram) jumpIf(cond bpf.JumpTest, val uint32, ifTrue, ifNot filterLabel) {
	p.jumps = append(p.jumps, filterJump{idx: len(p.ins), ifTrue: ifTrue, ifNot: ifNot})
	p.emit(bpf.JumpIf{Cond: cond, Val: val})
}

// skip is the distance from the instruction after idx to label l.
func (p *filterProgram) skip(idx int, l filterLabel) (uint8, error) {
	if l == lblNext {
		return 0, nil
	}
	if !p.set[l] {
		return 0, fmt.Errorf("capture filter: jump to unmarked label %d", l)
	}
	d := p.at[l] - idx - 1
	if d < 0 || d > math.MaxUint8 {
		return 0, fmt.Errorf("capture filter: jump from %d to label %d out of range", idx, l)
	}
	return uint8(d), nil
}

func (p *filterProgram) resolve() ([]bpf.Instruction, error) {
	for _, j := range p.jumps {
		t, err := p.skip(j.idx, j.ifTrue)
		if err != nil {
			return nil, err
		}
		f, err := p.skip(j.idx, j.ifNot)
		if err != nil {
			return nil, err
		}
		ins := p.ins[j.idx].(bpf.JumpIf)
		ins.SkipTrue, ins.SkipFalse = t, f
		p.ins[j.idx] = ins
	}
	return p.ins, nil
}
