package filter

import (
	"fmt"
	"net/netip"
	"strings"
)

// Expr is a parsed filter expression; Compile turns it into a program
// for one link type.
type Expr struct {
	src  string
	root *Node
}

// String returns the expression as it was given.
func (e *Expr) String() string { return e.src }

// Root is the expression's tree.
func (e *Expr) Root() *Node { return e.root }

// Op is what a Node tests.
type Op uint8

// Node operations.
const (
	OpTrue    Op = iota // matches every packet (the empty filter)
	OpAnd               // L and R
	OpOr                // L or R
	OpNot               // not L
	OpProto             // tcp, udp, ip, ip6
	OpHost              // [src|dst] host ADDR (Net is the address's /32 or /128)
	OpNet               // [src|dst] net CIDR
	OpPort              // [tcp|udp] [src|dst] port N / portrange N-M
	OpCompare           // proto[off:size] ALU… Rel Val
)

// Proto is a protocol qualifier or primitive.
type Proto uint8

// Protocols (0: none given).
const (
	ProtoAny Proto = iota
	ProtoIP
	ProtoIP6
	ProtoTCP
	ProtoUDP
)

// String returns the filter keyword, e.g. "tcp".
func (p Proto) String() string {
	switch p {
	case ProtoIP:
		return "ip"
	case ProtoIP6:
		return "ip6"
	case ProtoTCP:
		return "tcp"
	case ProtoUDP:
		return "udp"
	}
	return "any"
}

// Direction is the src/dst qualifier.
type Direction uint8

// Directions (DirEither when none is given).
const (
	DirEither Direction = iota // source or destination
	DirSrc
	DirDst
	DirBoth // src and dst
)

// String returns "src", "dst", "src or dst" or "src and dst".
func (d Direction) String() string {
	switch d {
	case DirSrc:
		return "src"
	case DirDst:
		return "dst"
	case DirBoth:
		return "src and dst"
	}
	return "src or dst"
}

type primKind uint8

const (
	primHost primKind = iota + 1
	primNet
	primPort
	primPortRange
)

// ALUOp is an arithmetic step of a comparison's left side.
type ALUOp uint8

// Arithmetic operators.
const (
	ALUAnd ALUOp = iota
	ALUOr
	ALUAdd
	ALUMul
	ALUShl
	ALUShr
)

var aluNames = [...]string{"&", "|", "+", "*", "<<", ">>"}

// String returns the operator, e.g. "&".
func (o ALUOp) String() string { return aluNames[o] }

// ALUStep is one "op constant" of a comparison's left side.
type ALUStep struct {
	Op  ALUOp
	Val uint32
}

// RelOp is a comparison operator.
type RelOp uint8

// Comparison operators.
const (
	RelEq RelOp = iota
	RelNe
	RelLt
	RelLe
	RelGt
	RelGe
)

var relNames = [...]string{"=", "!=", "<", "<=", ">", ">="}

// String returns the operator, e.g. "!=".
func (r RelOp) String() string { return relNames[r] }

// Node is one node of a parsed expression.
type Node struct {
	Op     Op
	L, R   *Node
	Proto  Proto
	Dir    Direction
	Net    netip.Prefix // OpHost, OpNet
	PortLo uint16       // OpPort
	PortHi uint16
	Off    uint32 // OpCompare: offset into the Proto's header
	Size   uint32 // 1, 2 or 4
	ALU    []ALUStep
	Rel    RelOp
	Val    uint32
}

// String writes the node back in filter syntax, fully parenthesized.
func (n *Node) String() string {
	switch n.Op {
	case OpTrue:
		return "true"
	case OpAnd:
		return "(" + n.L.String() + " and " + n.R.String() + ")"
	case OpOr:
		return "(" + n.L.String() + " or " + n.R.String() + ")"
	case OpNot:
		return "not " + n.L.String()
	case OpProto:
		return n.Proto.String()
	case OpHost, OpNet:
		var b strings.Builder
		if n.Proto != ProtoAny {
			b.WriteString(n.Proto.String() + " ")
		}
		if n.Dir != DirEither {
			b.WriteString(n.Dir.String() + " ")
		}
		if n.Op == OpHost {
			b.WriteString("host " + n.Net.Addr().String())
		} else {
			b.WriteString("net " + n.Net.String())
		}
		return b.String()
	case OpPort:
		var b strings.Builder
		if n.Proto != ProtoAny {
			b.WriteString(n.Proto.String() + " ")
		}
		if n.Dir != DirEither {
			b.WriteString(n.Dir.String() + " ")
		}
		if n.PortLo == n.PortHi {
			fmt.Fprintf(&b, "port %d", n.PortLo)
		} else {
			fmt.Fprintf(&b, "portrange %d-%d", n.PortLo, n.PortHi)
		}
		return b.String()
	case OpCompare:
		var b strings.Builder
		fmt.Fprintf(&b, "%s[%d:%d]", n.Proto, n.Off, n.Size)
		for _, s := range n.ALU {
			fmt.Fprintf(&b, " %s %d", s.Op, s.Val)
		}
		fmt.Fprintf(&b, " %s %d", n.Rel, n.Val)
		return b.String()
	}
	return "?"
}
