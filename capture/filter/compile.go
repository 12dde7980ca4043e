package filter

import (
	"fmt"
	"math"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"
)

// Field values the programs test.
const (
	etherTypeIPv4 = 0x0800
	etherTypeIPv6 = 0x86dd
	ipProtoTCP    = 6
	ipProtoUDP    = 17

	ip6HopByHop = 0
	ip6Routing  = 43
	ip6Fragment = 44
	ip6DestOpts = 60

	ipv4FragOffsetMask = 0x1fff
	ip6FragOffsetMask  = 0xfff8

	// ip6MaxExtHeaders bounds the unrolled walk over IPv6 extension
	// headers (classic BPF has no backward jumps, so no loops).
	ip6MaxExtHeaders = 4

	// packetOutgoing is PACKET_OUTGOING: the copy a packet socket sees
	// of the host's own transmissions (loopback shows every packet twice).
	packetOutgoing = 4

	// DefaultSnap is what an accepting program keeps of a packet.
	DefaultSnap = 262144
)

// Raw IP link types that pcap files use besides LinkTypeRaw.
const (
	linkTypeRawDLT12 layers.LinkType = 12
	linkTypeRawDLT14 layers.LinkType = 14
)

// Options tune a compiled program.
type Options struct {
	Snap uint32 // bytes an accepting program keeps; 0: DefaultSnap
	// DropOutgoing rejects the outgoing copy of the host's own packets
	// (for live capture on loopback, which sees every packet twice). Only
	// the kernel knows a packet's type: such programs cannot run in the VM.
	DropOutgoing bool
}

// Filter is an expression compiled for one link type.
type Filter struct {
	expr *Expr
	link layers.LinkType
	prog []bpf.Instruction
	vm   *bpf.VM
}

// Compile parses expr and compiles it for link: a convenience for
// Parse + Expr.Compile.
func Compile(expr string, link layers.LinkType) (*Filter, error) {
	e, err := Parse(expr)
	if err != nil {
		return nil, err
	}
	return e.Compile(link, Options{})
}

// Compile turns the expression into a classic BPF program for frames of
// link type link.
func (e *Expr) Compile(link layers.LinkType, opts Options) (*Filter, error) {
	ll, err := linkLayerOf(link)
	if err != nil {
		return nil, err
	}
	if opts.Snap == 0 {
		opts.Snap = DefaultSnap
	}
	// Conditional jumps reach 255 instructions at most: those that
	// reach farther are emitted again through unconditional jumps, until
	// none is too far.
	far := map[int]bool{}
	var prog []bpf.Instruction
	for {
		g := &gen{ll: ll, far: far}
		accept, reject := g.newLabel(), g.newLabel()
		if opts.DropOutgoing {
			g.emit(bpf.LoadExtension{Num: bpf.ExtType})
			g.jif(bpf.JumpEqual, packetOutgoing, reject, next)
		}
		g.node(e.root, accept, reject)
		g.mark(accept)
		g.emit(bpf.RetConstant{Val: opts.Snap})
		g.mark(reject)
		g.emit(bpf.RetConstant{Val: 0})
		var tooFar []int
		prog, tooFar, err = g.resolve()
		if err != nil {
			return nil, fmt.Errorf("filter %q: %w", e.src, err)
		}
		if len(tooFar) == 0 {
			break
		}
		for _, k := range tooFar {
			far[k] = true
		}
	}
	f := &Filter{expr: e, link: link, prog: prog}
	if !opts.DropOutgoing {
		vm, err := bpf.NewVM(prog)
		if err != nil {
			return nil, fmt.Errorf("filter %q: the program does not verify: %w", e.src, err)
		}
		f.vm = vm
	}
	return f, nil
}

// Expr is the expression the filter was compiled from.
func (f *Filter) Expr() *Expr { return f.expr }

// LinkType is the link type the program reads.
func (f *Filter) LinkType() layers.LinkType { return f.link }

// Instructions returns the program.
func (f *Filter) Instructions() []bpf.Instruction { return f.prog }

// Assemble returns the program as the kernel takes it (SO_ATTACH_FILTER).
func (f *Filter) Assemble() ([]bpf.RawInstruction, error) {
	raw, err := bpf.Assemble(f.prog)
	if err != nil {
		return nil, fmt.Errorf("filter %q: assemble: %w", f.expr.src, err)
	}
	return raw, nil
}

// Match runs the program on one frame (its captured bytes) and reports
// whether it is accepted. A program compiled with DropOutgoing cannot run
// here and matches nothing.
func (f *Filter) Match(frame []byte) bool {
	if f.vm == nil {
		return false
	}
	n, err := f.vm.Run(frame)
	return err == nil && n > 0
}

// linkLayer says where a link type keeps the network protocol and where
// the network header starts.
type linkLayer struct {
	kind linkKind
	nh   uint32 // offset of the network header
}

type linkKind uint8

const (
	linkEtherType linkKind = iota // a 16-bit EtherType at typeOff
	linkNull                      // 4-byte address family, either byte order
	linkLoop                      // 4-byte address family, network byte order
	linkRaw                       // IP version nibble
	linkRaw4                      // IPv4 only
	linkRaw6                      // IPv6 only
)

func linkLayerOf(lt layers.LinkType) (linkLayer, error) {
	switch lt {
	case layers.LinkTypeEthernet:
		return linkLayer{kind: linkEtherType, nh: 14}, nil
	case layers.LinkTypeLinuxSLL:
		return linkLayer{kind: linkEtherType, nh: 16}, nil
	case layers.LinkTypeLinuxSLL2:
		return linkLayer{kind: linkEtherType, nh: 20}, nil
	case layers.LinkTypeNull:
		return linkLayer{kind: linkNull, nh: 4}, nil
	case layers.LinkTypeLoop:
		return linkLayer{kind: linkLoop, nh: 4}, nil
	case layers.LinkTypeRaw, linkTypeRawDLT12, linkTypeRawDLT14:
		return linkLayer{kind: linkRaw}, nil
	case layers.LinkTypeIPv4:
		return linkLayer{kind: linkRaw4}, nil
	case layers.LinkTypeIPv6:
		return linkLayer{kind: linkRaw6}, nil
	}
	return linkLayer{}, fmt.Errorf("filter: link type %s (%d) is not supported (Ethernet, Linux SLL/SLL2, Null/Loop and raw IP are)", lt, uint32(lt))
}

// etherTypeOff is where the EtherType-like protocol field is.
func (l linkLayer) etherTypeOff() uint32 {
	switch l.nh {
	case 14:
		return 12
	case 16:
		return 14
	}
	return 0 // SLL2: protocol type first
}

// label is a forward jump target; next is the following instruction.
type label int

const next label = -1

type fixup struct {
	idx          int
	ordinal      int // which jif of the program (stable across regenerations)
	ifTrue, ifNo label
	uncond       bool
}

// gen emits a program with symbolic forward labels.
type gen struct {
	ll    linkLayer
	ins   []bpf.Instruction
	at    []int // instruction index of each label; -1 until marked
	fixes []fixup
	far   map[int]bool // ordinals of the jifs to emit through jumps
	jifs  int
}

func (g *gen) newLabel() label {
	g.at = append(g.at, -1)
	return label(len(g.at) - 1)
}

func (g *gen) mark(l label) { g.at[l] = len(g.ins) }

func (g *gen) emit(ins ...bpf.Instruction) { g.ins = append(g.ins, ins...) }

// jif emits "if A cond val goto t else goto f".
func (g *gen) jif(cond bpf.JumpTest, val uint32, t, f label) {
	ord := g.jifs
	g.jifs++
	if g.far[ord] {
		// if cond: goto T else goto F, through two unconditional jumps.
		g.emit(bpf.JumpIf{Cond: cond, Val: val, SkipTrue: 0, SkipFalse: 1})
		after := g.newLabel()
		if t == next {
			t = after
		}
		if f == next {
			f = after
		}
		g.jmp(t)
		g.jmp(f)
		g.mark(after)
		return
	}
	g.fixes = append(g.fixes, fixup{idx: len(g.ins), ordinal: ord, ifTrue: t, ifNo: f})
	g.emit(bpf.JumpIf{Cond: cond, Val: val})
}

// jmp emits "goto l".
func (g *gen) jmp(l label) {
	g.fixes = append(g.fixes, fixup{idx: len(g.ins), ifTrue: l, uncond: true})
	g.emit(bpf.Jump{})
}

// skip is the distance from the instruction after idx to label l.
func (g *gen) skip(idx int, l label) (int, error) {
	if l == next {
		return 0, nil
	}
	d := g.at[l] - idx - 1
	switch {
	case g.at[l] < 0:
		return 0, fmt.Errorf("internal error: jump to an unmarked label")
	case d < 0:
		return 0, fmt.Errorf("internal error: backward jump")
	}
	return d, nil
}

// resolve fills in every jump; tooFar lists the jifs whose targets are
// beyond a conditional jump's reach.
func (g *gen) resolve() (prog []bpf.Instruction, tooFar []int, err error) {
	if len(g.ins) > bpfMaxInstructions {
		return nil, nil, fmt.Errorf("the program has %d instructions, more than the kernel's %d: split the filter", len(g.ins), bpfMaxInstructions)
	}
	for _, fx := range g.fixes {
		t, err := g.skip(fx.idx, fx.ifTrue)
		if err != nil {
			return nil, nil, err
		}
		if fx.uncond {
			g.ins[fx.idx] = bpf.Jump{Skip: uint32(t)}
			continue
		}
		f, err := g.skip(fx.idx, fx.ifNo)
		if err != nil {
			return nil, nil, err
		}
		if t > math.MaxUint8 || f > math.MaxUint8 {
			tooFar = append(tooFar, fx.ordinal)
			continue
		}
		j := g.ins[fx.idx].(bpf.JumpIf)
		j.SkipTrue, j.SkipFalse = uint8(t), uint8(f)
		g.ins[fx.idx] = j
	}
	return g.ins, tooFar, nil
}

// bpfMaxInstructions is the kernel's BPF_MAXINSNS.
const bpfMaxInstructions = 4096

// node emits n: jump to t when it matches, to f when not.
func (g *gen) node(n *Node, t, f label) {
	switch n.Op {
	case OpTrue:
		g.jmp(t)
	case OpAnd:
		m := g.newLabel()
		g.node(n.L, m, f)
		g.mark(m)
		g.node(n.R, t, f)
	case OpOr:
		m := g.newLabel()
		g.node(n.L, t, m)
		g.mark(m)
		g.node(n.R, t, f)
	case OpNot:
		g.node(n.L, f, t)
	case OpProto:
		g.proto(n.Proto, t, f)
	case OpHost, OpNet:
		if n.Net.Addr().Is4() {
			g.family(func(t, f label) { g.addr4(n, t, f) }, nil, t, f)
		} else {
			g.family(nil, func(t, f label) { g.addr6(n, t, f) }, t, f)
		}
	case OpPort:
		protos := transportSet(n.Proto)
		g.family(
			func(t, f label) { g.transport4(protos, true, f); g.ports(n, t, f) },
			func(t, f label) { g.transport6(protos, true, f); g.ports(n, t, f) },
			t, f)
	case OpCompare:
		g.compare(n, t, f)
	default:
		panic(fmt.Sprintf("filter: unknown op %d", n.Op))
	}
}

func transportSet(p Proto) []uint32 {
	switch p {
	case ProtoTCP:
		return []uint32{ipProtoTCP}
	case ProtoUDP:
		return []uint32{ipProtoUDP}
	}
	return []uint32{ipProtoTCP, ipProtoUDP}
}

func (g *gen) proto(p Proto, t, f label) {
	switch p {
	case ProtoIP:
		g.isIPv4(t, f)
	case ProtoIP6:
		g.isIPv6(t, f)
	default:
		set := transportSet(p)
		// As libpcap: any fragment of the protocol matches `tcp`.
		g.family(
			func(t, f label) { g.transport4(set, false, f); g.jmp(t) },
			func(t, f label) { g.transport6(set, false, f); g.jmp(t) },
			t, f)
	}
}

// family emits "(IPv4 and v4) or (IPv6 and v6)"; a nil side never matches.
// A packet of one family that fails its side does not try the other.
func (g *gen) family(v4, v6 func(t, f label), t, f label) {
	if v4 != nil {
		try6 := g.newLabel()
		g.isIPv4(next, try6)
		v4(t, f)
		g.mark(try6)
	}
	if v6 == nil {
		g.jmp(f)
		return
	}
	g.isIPv6(next, f)
	v6(t, f)
}

func (g *gen) isIPv4(t, f label) { g.isVersion(4, t, f) }
func (g *gen) isIPv6(t, f label) { g.isVersion(6, t, f) }

func (g *gen) isVersion(v uint32, t, f label) {
	switch g.ll.kind {
	case linkEtherType:
		et := uint32(etherTypeIPv4)
		if v == 6 {
			et = etherTypeIPv6
		}
		g.emit(bpf.LoadAbsolute{Off: g.ll.etherTypeOff(), Size: 2})
		g.jif(bpf.JumpEqual, et, t, f)
	case linkNull, linkLoop:
		g.emit(bpf.LoadAbsolute{Off: 0, Size: 4})
		fams := []uint32{2}
		if v == 6 {
			fams = []uint32{24, 28, 30} // AF_INET6 of the BSDs, FreeBSD and macOS
		}
		var vals []uint32
		for _, a := range fams {
			vals = append(vals, a)
			if g.ll.kind == linkNull {
				vals = append(vals, a<<24) // written in the other byte order
			}
		}
		for i, val := range vals {
			if i == len(vals)-1 {
				g.jif(bpf.JumpEqual, val, t, f)
			} else {
				g.jif(bpf.JumpEqual, val, t, next)
			}
		}
	case linkRaw:
		g.emit(bpf.LoadAbsolute{Off: 0, Size: 1}, bpf.ALUOpConstant{Op: bpf.ALUOpShiftRight, Val: 4})
		g.jif(bpf.JumpEqual, v, t, f)
	case linkRaw4:
		if v == 4 {
			g.jmp(t)
		} else {
			g.jmp(f)
		}
	case linkRaw6:
		if v == 6 {
			g.jmp(t)
		} else {
			g.jmp(f)
		}
	}
}

// inSet emits "if A in set goto t else goto f".
func (g *gen) inSet(set []uint32, t, f label) {
	if t == next && len(set) > 1 {
		in := g.newLabel()
		defer g.mark(in)
		t = in
	}
	for i, v := range set {
		if i == len(set)-1 {
			g.jif(bpf.JumpEqual, v, t, f)
		} else {
			g.jif(bpf.JumpEqual, v, t, next)
		}
	}
}

// transport4 checks an IPv4 packet's protocol (and, with firstFragment,
// that it holds the transport header) and leaves the transport header's
// absolute offset in X; it falls through on success.
func (g *gen) transport4(set []uint32, firstFragment bool, f label) {
	nh := g.ll.nh
	g.emit(bpf.LoadAbsolute{Off: nh + 9, Size: 1})
	g.inSet(set, next, f)
	if firstFragment {
		g.emit(bpf.LoadAbsolute{Off: nh + 6, Size: 2})
		g.jif(bpf.JumpBitsSet, ipv4FragOffsetMask, f, next)
	}
	g.emit(
		bpf.LoadMemShift{Off: nh}, // X = 4 * IHL
		bpf.TXA{},
		bpf.ALUOpConstant{Op: bpf.ALUOpAdd, Val: nh},
		bpf.TAX{},
	)
}

// transport6 walks an IPv6 packet's extension headers (a bounded number)
// to a protocol of set and leaves that header's absolute offset in X; it
// falls through on success. With firstFragment a non-first fragment does
// not match (it holds no transport header).
func (g *gen) transport6(set []uint32, firstFragment bool, f label) {
	nh := g.ll.nh
	found := g.newLabel()
	g.emit(
		bpf.LoadAbsolute{Off: nh + 6, Size: 1},
		bpf.StoreScratch{Src: bpf.RegA, N: 0},
		bpf.LoadConstant{Dst: bpf.RegX, Val: nh + 40},
	)
	for i := 0; i < ip6MaxExtHeaders; i++ {
		ext, frag, again := g.newLabel(), g.newLabel(), g.newLabel()
		g.emit(bpf.LoadScratch{Dst: bpf.RegA, N: 0})
		g.inSet(set, found, next)
		g.jif(bpf.JumpEqual, ip6HopByHop, ext, next)
		g.jif(bpf.JumpEqual, ip6Routing, ext, next)
		g.jif(bpf.JumpEqual, ip6DestOpts, ext, next)
		g.jif(bpf.JumpEqual, ip6Fragment, frag, f)
		// ext: next header at [X], length in 8-octet units (less the first 8) at [X+1].
		g.mark(ext)
		g.emit(
			bpf.LoadIndirect{Off: 0, Size: 1},
			bpf.StoreScratch{Src: bpf.RegA, N: 0},
			bpf.LoadIndirect{Off: 1, Size: 1},
			bpf.ALUOpConstant{Op: bpf.ALUOpAdd, Val: 1},
			bpf.ALUOpConstant{Op: bpf.ALUOpShiftLeft, Val: 3},
			bpf.ALUOpX{Op: bpf.ALUOpAdd},
			bpf.TAX{},
		)
		g.jmp(again)
		g.mark(frag)
		if firstFragment {
			g.emit(bpf.LoadIndirect{Off: 2, Size: 2})
			g.jif(bpf.JumpBitsSet, ip6FragOffsetMask, f, next)
		}
		g.emit(
			bpf.LoadIndirect{Off: 0, Size: 1},
			bpf.StoreScratch{Src: bpf.RegA, N: 0},
			bpf.TXA{},
			bpf.ALUOpConstant{Op: bpf.ALUOpAdd, Val: 8},
			bpf.TAX{},
		)
		g.mark(again)
	}
	g.jmp(f) // more extension headers than the walk follows
	g.mark(found)
}

// ports tests the ports of the transport header at X.
func (g *gen) ports(n *Node, t, f label) {
	test := func(off uint32, t, f label) {
		g.emit(bpf.LoadIndirect{Off: off, Size: 2})
		if n.PortLo == n.PortHi {
			g.jif(bpf.JumpEqual, uint32(n.PortLo), t, f)
			return
		}
		g.jif(bpf.JumpGreaterOrEqual, uint32(n.PortLo), next, f)
		g.jif(bpf.JumpGreaterThan, uint32(n.PortHi), f, t)
	}
	g.directions(n.Dir, 0, 2, test, t, f)
}

// directions combines a source test and a destination test by Dir.
func (g *gen) directions(d Direction, srcOff, dstOff uint32, test func(off uint32, t, f label), t, f label) {
	switch d {
	case DirSrc:
		test(srcOff, t, f)
	case DirDst:
		test(dstOff, t, f)
	case DirBoth:
		m := g.newLabel()
		test(srcOff, m, f)
		g.mark(m)
		test(dstOff, t, f)
	default:
		m := g.newLabel()
		test(srcOff, t, m)
		g.mark(m)
		test(dstOff, t, f)
	}
}

// addr4 tests an IPv4 packet's addresses against n.Net.
func (g *gen) addr4(n *Node, t, f label) {
	nh := g.ll.nh
	a := n.Net.Addr().As4()
	val := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	bits := n.Net.Bits()
	mask := uint32(0)
	if bits > 0 {
		mask = ^uint32(0) << (32 - bits)
	}
	test := func(off uint32, t, f label) {
		g.emit(bpf.LoadAbsolute{Off: off, Size: 4})
		if mask != ^uint32(0) {
			g.emit(bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: mask})
		}
		g.jif(bpf.JumpEqual, val&mask, t, f)
	}
	g.directions(n.Dir, nh+12, nh+16, test, t, f)
}

// addr6 tests an IPv6 packet's addresses against n.Net, a word at a time.
func (g *gen) addr6(n *Node, t, f label) {
	nh := g.ll.nh
	a := n.Net.Addr().As16()
	bits := n.Net.Bits()
	test := func(off uint32, t, f label) {
		var words []int
		for w := 0; w < 4; w++ {
			if bits > w*32 {
				words = append(words, w)
			}
		}
		if len(words) == 0 {
			g.jmp(t)
			return
		}
		for i, w := range words {
			val := uint32(a[4*w])<<24 | uint32(a[4*w+1])<<16 | uint32(a[4*w+2])<<8 | uint32(a[4*w+3])
			mask := ^uint32(0)
			if rest := bits - w*32; rest < 32 {
				mask = ^uint32(0) << (32 - rest)
			}
			g.emit(bpf.LoadAbsolute{Off: off + uint32(4*w), Size: 4})
			if mask != ^uint32(0) {
				g.emit(bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: mask})
			}
			if i == len(words)-1 {
				g.jif(bpf.JumpEqual, val&mask, t, f)
			} else {
				g.jif(bpf.JumpEqual, val&mask, next, f)
			}
		}
	}
	g.directions(n.Dir, nh+8, nh+24, test, t, f)
}

var aluOps = [...]bpf.ALUOp{
	ALUAnd: bpf.ALUOpAnd, ALUOr: bpf.ALUOpOr, ALUAdd: bpf.ALUOpAdd,
	ALUMul: bpf.ALUOpMul, ALUShl: bpf.ALUOpShiftLeft, ALUShr: bpf.ALUOpShiftRight,
}

// compare emits proto[off:size] ALU… rel val.
func (g *gen) compare(n *Node, t, f label) {
	body := func(load bpf.Instruction) func(t, f label) {
		return func(t, f label) {
			g.emit(load)
			for _, s := range n.ALU {
				g.emit(bpf.ALUOpConstant{Op: aluOps[s.Op], Val: s.Val})
			}
			g.rel(n.Rel, n.Val, t, f)
		}
	}
	nh := g.ll.nh
	switch n.Proto {
	case ProtoIP:
		g.family(body(bpf.LoadAbsolute{Off: nh + n.Off, Size: int(n.Size)}), nil, t, f)
	case ProtoIP6:
		g.family(nil, body(bpf.LoadAbsolute{Off: nh + n.Off, Size: int(n.Size)}), t, f)
	default:
		set := transportSet(n.Proto)
		load := bpf.LoadIndirect{Off: n.Off, Size: int(n.Size)}
		g.family(
			func(t, f label) { g.transport4(set, true, f); body(load)(t, f) },
			func(t, f label) { g.transport6(set, true, f); body(load)(t, f) },
			t, f)
	}
}

func (g *gen) rel(r RelOp, v uint32, t, f label) {
	switch r {
	case RelEq:
		g.jif(bpf.JumpEqual, v, t, f)
	case RelNe:
		g.jif(bpf.JumpEqual, v, f, t)
	case RelLt:
		g.jif(bpf.JumpGreaterOrEqual, v, f, t)
	case RelLe:
		g.jif(bpf.JumpGreaterThan, v, f, t)
	case RelGt:
		g.jif(bpf.JumpGreaterThan, v, t, f)
	case RelGe:
		g.jif(bpf.JumpGreaterOrEqual, v, t, f)
	}
}
