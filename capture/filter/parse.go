package filter

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// token is one lexical unit of a filter expression.
type token struct {
	text string
	pos  int // 0-based byte offset in the expression
	word bool
}

// lex splits an expression into words (keywords, numbers, addresses,
// CIDRs, ranges) and punctuation. Inside brackets ':' separates offset and
// size; outside, it belongs to IPv6 addresses.
func lex(s string) ([]token, error) {
	var out []token
	depth := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isWordByte(c, depth > 0):
			j := i
			for j < len(s) && isWordByte(s[j], depth > 0) {
				j++
			}
			out = append(out, token{text: s[i:j], pos: i, word: true})
			i = j
		default:
			n := 1
			if i+1 < len(s) {
				switch s[i : i+2] {
				case "&&", "||", "!=", "<=", ">=", "<<", ">>", "==":
					n = 2
				}
			}
			p := s[i : i+n]
			switch p {
			case "(", ")", "&&", "||", "!", "!=", "<=", ">=", "<<", ">>", "==", "=", "<", ">", "&", "|", "+", "*", ":":
			case "[":
				depth++
			case "]":
				depth--
			case "-":
				if depth == 0 {
					return nil, fmt.Errorf("filter: at column %d: unexpected '-'", i+1)
				}
			default:
				return nil, fmt.Errorf("filter: at column %d: unexpected character %q", i+1, p)
			}
			out = append(out, token{text: p, pos: i})
			i += n
		}
	}
	return out, nil
}

func isWordByte(c byte, inBrackets bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_':
		return true
	case c == '-':
		return !inBrackets
	case c == ':':
		return !inBrackets
	case c == '/':
		return !inBrackets
	}
	return false
}

// parser is a recursive-descent parser over the tokens:
//
//	expr    = term { ("or"|"||") term }
//	term    = factor { ("and"|"&&") factor }
//	factor  = ("not"|"!") factor | "(" expr ")" | prim
//	prim    = [proto] [dir] kind value | proto | load relop arith
type parser struct {
	src  string
	toks []token
	i    int
	last *qualifiers // the qualifiers of the last primitive, for `port 80 or 443`
}

// qualifiers are the words before a primitive's value.
type qualifiers struct {
	proto Proto
	dir   Direction
	kind  primKind
}

// Parse parses a filter expression. An empty expression matches every
// packet.
func Parse(expr string) (*Expr, error) {
	toks, err := lex(expr)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return &Expr{src: expr, root: &Node{Op: OpTrue}}, nil
	}
	p := &parser{src: expr, toks: toks}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, p.errAt(p.toks[p.i], "unexpected %q (expected and, or, or the end)", p.toks[p.i].text)
	}
	return &Expr{src: expr, root: n}, nil
}

func (p *parser) errAt(t token, format string, args ...any) error {
	return fmt.Errorf("filter: at column %d: %s", t.pos+1, fmt.Sprintf(format, args...))
}

func (p *parser) errEnd(format string, args ...any) error {
	return fmt.Errorf("filter: at the end of %q: %s", p.src, fmt.Sprintf(format, args...))
}

func (p *parser) peek() (token, bool) {
	if p.i < len(p.toks) {
		return p.toks[p.i], true
	}
	return token{}, false
}

func (p *parser) next() (token, bool) {
	t, ok := p.peek()
	if ok {
		p.i++
	}
	return t, ok
}

func (p *parser) isWord(t token, words ...string) bool {
	if !t.word {
		return false
	}
	for _, w := range words {
		if strings.EqualFold(t.text, w) {
			return true
		}
	}
	return false
}

func (p *parser) expr() (*Node, error) {
	l, err := p.term()
	if err != nil {
		return nil, err
	}
	for {
		t, ok := p.peek()
		if !ok || !(t.text == "||" || p.isWord(t, "or")) {
			return l, nil
		}
		p.i++
		r, err := p.term()
		if err != nil {
			return nil, err
		}
		l = &Node{Op: OpOr, L: l, R: r}
	}
}

func (p *parser) term() (*Node, error) {
	l, err := p.factor()
	if err != nil {
		return nil, err
	}
	for {
		t, ok := p.peek()
		if !ok || !(t.text == "&&" || p.isWord(t, "and")) {
			return l, nil
		}
		p.i++
		r, err := p.factor()
		if err != nil {
			return nil, err
		}
		l = &Node{Op: OpAnd, L: l, R: r}
	}
}

func (p *parser) factor() (*Node, error) {
	t, ok := p.peek()
	if !ok {
		return nil, p.errEnd("expected a primitive (tcp, host, port, …)")
	}
	switch {
	case t.text == "!" || p.isWord(t, "not"):
		p.i++
		x, err := p.factor()
		if err != nil {
			return nil, err
		}
		return &Node{Op: OpNot, L: x}, nil
	case t.text == "(":
		p.i++
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		c, ok := p.next()
		if !ok {
			return nil, p.errEnd("missing ')' for the '(' at column %d", t.pos+1)
		}
		if c.text != ")" {
			return nil, p.errAt(c, "expected ')', got %q", c.text)
		}
		return x, nil
	}
	return p.prim()
}

var unsupported = map[string]bool{
	"icmp": true, "icmp6": true, "arp": true, "rarp": true, "vlan": true, "mpls": true,
	"ether": true, "fddi": true, "tr": true, "wlan": true, "link": true, "ppp": true,
	"sctp": true, "igmp": true, "pim": true, "ah": true, "esp": true, "vrrp": true,
	"gateway": true, "greater": true, "less": true, "broadcast": true, "multicast": true,
	"proto": true, "protochain": true, "inbound": true, "outbound": true, "len": true,
	"decnet": true, "iso": true, "atalk": true, "ipx": true, "netbeui": true, "geneve": true,
}

const supportedList = "tcp, udp, ip, ip6, host, net, port, portrange, src, dst, tcp[…], udp[…], ip[…], ip6[…], and, or, not"

func (p *parser) prim() (*Node, error) {
	start := p.i
	var q qualifiers
	t, _ := p.peek()
	if !t.word {
		return nil, p.errAt(t, "unexpected %q (expected a primitive: %s)", t.text, supportedList)
	}
	// A load: tcp[…], ip[…] …
	if pr, ok := protoWord(t.text); ok && p.i+1 < len(p.toks) && p.toks[p.i+1].text == "[" {
		return p.comparison(pr)
	}
	if pr, ok := protoWord(t.text); ok {
		q.proto = pr
		p.i++
		t, ok = p.peek()
		if !ok || !t.word || isConnective(p, t) {
			return &Node{Op: OpProto, Proto: pr}, nil
		}
	}
	if p.isWord(t, "src", "dst") {
		q.dir = DirSrc
		if p.isWord(t, "dst") {
			q.dir = DirDst
		}
		p.i++
		// "src or dst port 80" (either), "src and dst net 10.0.0.0/8" (both).
		if p.i+1 < len(p.toks) && p.isWord(p.toks[p.i], "or", "and") && p.isWord(p.toks[p.i+1], "src", "dst") {
			q.dir = DirEither
			if p.isWord(p.toks[p.i], "and") {
				q.dir = DirBoth
			}
			p.i += 2
		}
		var ok bool
		if t, ok = p.peek(); !ok {
			return nil, p.errEnd("expected host, net, port or portrange after %q", p.toks[p.i-1].text)
		}
	}
	kind, ok := kindWord(t.text)
	if !ok {
		if q.proto == 0 && q.dir == DirEither && p.last != nil && start == p.i && isValueToken(t) {
			// `port 80 or 443`: repeat the last qualifiers.
			q = *p.last
			return p.value(q)
		}
		if unsupported[strings.ToLower(t.text)] {
			return nil, p.errAt(t, "%q is not supported (supported: %s)", t.text, supportedList)
		}
		if q.proto != 0 || p.i != start {
			return nil, p.errAt(t, "unexpected %q (expected host, net, port or portrange)", t.text)
		}
		return nil, p.errAt(t, "unknown primitive %q (supported: %s; host names are not looked up: give an address)", t.text, supportedList)
	}
	p.i++
	q.kind = kind
	switch {
	case (kind == primPort || kind == primPortRange) && (q.proto == ProtoIP || q.proto == ProtoIP6):
		return nil, p.errAt(t, "%s takes tcp or udp, not %s", t.text, q.proto)
	case (kind == primHost || kind == primNet) && (q.proto == ProtoTCP || q.proto == ProtoUDP):
		return nil, p.errAt(t, "%s takes ip or ip6, not %s", t.text, q.proto)
	}
	return p.value(q)
}

func isConnective(p *parser, t token) bool {
	return p.isWord(t, "and", "or", "not")
}

func isValueToken(t token) bool {
	if !t.word || t.text == "" {
		return false
	}
	c := t.text[0]
	return c >= '0' && c <= '9' || strings.Contains(t.text, ":")
}

func protoWord(s string) (Proto, bool) {
	switch strings.ToLower(s) {
	case "tcp":
		return ProtoTCP, true
	case "udp":
		return ProtoUDP, true
	case "ip":
		return ProtoIP, true
	case "ip6":
		return ProtoIP6, true
	}
	return 0, false
}

func kindWord(s string) (primKind, bool) {
	switch strings.ToLower(s) {
	case "host":
		return primHost, true
	case "net":
		return primNet, true
	case "port":
		return primPort, true
	case "portrange":
		return primPortRange, true
	}
	return 0, false
}

// value reads the value of a host/net/port/portrange primitive.
func (p *parser) value(q qualifiers) (*Node, error) {
	t, ok := p.next()
	if !ok {
		return nil, p.errEnd("expected a value after %q", p.toks[p.i-1].text)
	}
	if !t.word {
		return nil, p.errAt(t, "expected a value, got %q", t.text)
	}
	p.last = &qualifiers{proto: q.proto, dir: q.dir, kind: q.kind}
	n := &Node{Proto: q.proto, Dir: q.dir}
	switch q.kind {
	case primHost:
		a, err := netip.ParseAddr(t.text)
		if err != nil {
			return nil, p.errAt(t, "%q is not an IP address (host names are not looked up)", t.text)
		}
		a = a.Unmap()
		if err := checkFamily(q.proto, a); err != nil {
			return nil, p.errAt(t, "%v", err)
		}
		n.Op, n.Net = OpHost, netip.PrefixFrom(a, a.BitLen())
	case primNet:
		pfx, err := p.netValue(t)
		if err != nil {
			return nil, err
		}
		if err := checkFamily(q.proto, pfx.Addr()); err != nil {
			return nil, p.errAt(t, "%v", err)
		}
		n.Op, n.Net = OpNet, pfx
	case primPort:
		v, err := portNumber(t.text)
		if err != nil {
			return nil, p.errAt(t, "%v", err)
		}
		n.Op, n.PortLo, n.PortHi = OpPort, v, v
	case primPortRange:
		lo, hi, found := strings.Cut(t.text, "-")
		if !found {
			return nil, p.errAt(t, "portrange wants N-M, got %q", t.text)
		}
		a, err := portNumber(lo)
		if err != nil {
			return nil, p.errAt(t, "%v", err)
		}
		b, err := portNumber(hi)
		if err != nil {
			return nil, p.errAt(t, "%v", err)
		}
		if a > b {
			a, b = b, a
		}
		n.Op, n.PortLo, n.PortHi = OpPort, a, b
	}
	return n, nil
}

func checkFamily(pr Proto, a netip.Addr) error {
	switch {
	case pr == ProtoIP && !a.Is4():
		return fmt.Errorf("ip takes an IPv4 address, not %s", a)
	case pr == ProtoIP6 && !a.Is6():
		return fmt.Errorf("ip6 takes an IPv6 address, not %s", a)
	}
	return nil
}

// netValue reads CIDR, a bare address (its whole length), or "ADDR mask MASK".
func (p *parser) netValue(t token) (netip.Prefix, error) {
	if strings.Contains(t.text, "/") {
		pfx, err := netip.ParsePrefix(t.text)
		if err != nil {
			return netip.Prefix{}, p.errAt(t, "%q is not a network (use 10.0.0.0/8)", t.text)
		}
		return pfx.Masked(), nil
	}
	a, err := netip.ParseAddr(t.text)
	if err != nil {
		return netip.Prefix{}, p.errAt(t, "%q is not a network (use 10.0.0.0/8)", t.text)
	}
	if m, ok := p.peek(); ok && p.isWord(m, "mask") {
		p.i++
		mt, ok := p.next()
		if !ok {
			return netip.Prefix{}, p.errEnd("expected a mask after 'mask'")
		}
		mask, err := netip.ParseAddr(mt.text)
		if err != nil || !mask.Is4() || !a.Is4() {
			return netip.Prefix{}, p.errAt(mt, "%q is not an IPv4 mask", mt.text)
		}
		bits, ok := maskBits(mask)
		if !ok {
			return netip.Prefix{}, p.errAt(mt, "mask %s is not contiguous", mask)
		}
		return netip.PrefixFrom(a, bits).Masked(), nil
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func maskBits(m netip.Addr) (int, bool) {
	b := m.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n := 0
	for v&0x80000000 != 0 {
		n++
		v <<= 1
	}
	return n, v == 0
}

func portNumber(s string) (uint16, error) {
	v, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		return 0, fmt.Errorf("%q is not a port number 0-65535 (service names are not looked up)", s)
	}
	return uint16(v), nil
}

// comparison parses `proto[off:size] op… relop value`.
func (p *parser) comparison(pr Proto) (*Node, error) {
	p.i++ // proto word
	p.i++ // "["
	off, err := p.constExpr()
	if err != nil {
		return nil, err
	}
	size := uint32(1)
	if t, ok := p.peek(); ok && t.text == ":" {
		p.i++
		st, ok := p.next()
		if !ok {
			return nil, p.errEnd("expected a size 1, 2 or 4 after ':'")
		}
		v, err := strconv.ParseUint(st.text, 0, 8)
		if err != nil || (v != 1 && v != 2 && v != 4) {
			return nil, p.errAt(st, "size must be 1, 2 or 4, not %q", st.text)
		}
		size = uint32(v)
	}
	if t, ok := p.next(); !ok || t.text != "]" {
		if !ok {
			return nil, p.errEnd("missing ']'")
		}
		return nil, p.errAt(t, "expected ']', got %q", t.text)
	}
	n := &Node{Op: OpCompare, Proto: pr, Off: off, Size: size}
	for {
		t, ok := p.peek()
		if !ok {
			return nil, p.errEnd("expected a comparison (=, !=, <, >, <=, >=)")
		}
		if op, ok := aluOp(t.text); ok {
			p.i++
			v, err := p.constOperand()
			if err != nil {
				return nil, err
			}
			n.ALU = append(n.ALU, ALUStep{Op: op, Val: v})
			continue
		}
		rel, ok := relOp(t.text)
		if !ok {
			return nil, p.errAt(t, "expected an operator (& | + - * << >>) or a comparison, got %q", t.text)
		}
		p.i++
		v, err := p.constExpr()
		if err != nil {
			return nil, err
		}
		n.Rel, n.Val = rel, v
		return n, nil
	}
}

// constExpr is a constant: NUMBER, NAME, or a parenthesized | / & / + of them.
func (p *parser) constExpr() (uint32, error) {
	v, err := p.constOperand()
	if err != nil {
		return 0, err
	}
	for {
		t, ok := p.peek()
		if !ok {
			return v, nil
		}
		switch t.text {
		case "|", "&", "+", "*":
			p.i++
			w, err := p.constOperand()
			if err != nil {
				return 0, err
			}
			switch t.text {
			case "|":
				v |= w
			case "&":
				v &= w
			case "+":
				v += w
			case "*":
				v *= w
			}
		default:
			return v, nil
		}
	}
}

var constNames = map[string]uint32{
	"tcpflags": 13, "tcp-fin": 0x01, "tcp-syn": 0x02, "tcp-rst": 0x04, "tcp-push": 0x08,
	"tcp-ack": 0x10, "tcp-urg": 0x20, "tcp-ece": 0x40, "tcp-cwr": 0x80,
}

func (p *parser) constOperand() (uint32, error) {
	t, ok := p.next()
	if !ok {
		return 0, p.errEnd("expected a number")
	}
	if t.text == "(" {
		v, err := p.constExpr()
		if err != nil {
			return 0, err
		}
		if c, ok := p.next(); !ok || c.text != ")" {
			if !ok {
				return 0, p.errEnd("missing ')'")
			}
			return 0, p.errAt(c, "expected ')', got %q", c.text)
		}
		return v, nil
	}
	if v, ok := constNames[strings.ToLower(t.text)]; ok {
		return v, nil
	}
	v, err := strconv.ParseUint(t.text, 0, 32)
	if err != nil {
		return 0, p.errAt(t, "expected a number or a flag name (tcp-syn, …), got %q", t.text)
	}
	return uint32(v), nil
}

func aluOp(s string) (ALUOp, bool) {
	switch s {
	case "&":
		return ALUAnd, true
	case "|":
		return ALUOr, true
	case "+":
		return ALUAdd, true
	case "*":
		return ALUMul, true
	case "<<":
		return ALUShl, true
	case ">>":
		return ALUShr, true
	}
	return 0, false
}

func relOp(s string) (RelOp, bool) {
	switch s {
	case "=", "==":
		return RelEq, true
	case "!=":
		return RelNe, true
	case "<":
		return RelLt, true
	case "<=":
		return RelLe, true
	case ">":
		return RelGt, true
	case ">=":
		return RelGe, true
	}
	return 0, false
}
