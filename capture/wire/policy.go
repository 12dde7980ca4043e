package wire

import (
	"fmt"
	"time"

	"github.com/handshake-viz/handshake-viz/capture"
)

// End is one end of the wire.
type End uint8

// The two ends.
const (
	Client End = iota // 10.77.0.1, the end that connects
	Server            // 10.77.0.2, the end that listens
)

// String returns "client" or "server".
func (e End) String() string {
	if e == Server {
		return "server"
	}
	return "client"
}

// Other returns the opposite end.
func (e End) Other() End { return 1 - e }

// Packet is what a Policy sees of one packet: who sent it, its decoded
// headers (Proto is ProtoUnknown when it is neither TCP nor UDP) and its
// number in the order the relay read packets from both ends (1-based).
type Packet struct {
	From End
	Seg  capture.Segment
	N    int
}

// Action is what the relay does with a packet.
type Action uint8

// Actions.
const (
	Pass  Action = iota // deliver now
	Drop                // never deliver
	Delay               // deliver after Decision.Delay
	Hold                // keep until a later decision releases it (Decision.Release)
)

// String returns "pass", "drop", "delay" or "hold".
func (a Action) String() string {
	switch a {
	case Drop:
		return "drop"
	case Delay:
		return "delay"
	case Hold:
		return "hold"
	}
	return "pass"
}

// Decision is a Policy's answer for one packet.
type Decision struct {
	Action Action
	Delay  time.Duration // Action == Delay
	// Release delivers every held packet, in the order they were held,
	// before this packet is handled.
	Release bool
	// ReleaseAfter delivers every held packet, in the order they were
	// held, right after this packet (which then must be passed): the
	// held ones arrive second.
	ReleaseAfter bool
}

// Policy decides what happens to each packet. The relay calls Decide
// from one goroutine at a time, in reading order: a Policy may keep state
// without locking.
type Policy interface {
	Decide(p *Packet) Decision
}

// PolicyFunc adapts a function to Policy.
type PolicyFunc func(p *Packet) Decision

// Decide calls f.
func (f PolicyFunc) Decide(p *Packet) Decision { return f(p) }

// Match is a predicate over packets. Like policies, matches are called in
// reading order, one at a time, on every packet (stateful ones, such as
// HandshakeACK and FinalACK, watch the whole exchange).
type Match func(p *Packet) bool

// PassAll delivers every packet at once.
func PassAll() Policy { return PolicyFunc(func(*Packet) Decision { return Decision{} }) }

// DropNth drops the nth packet (1-based) that m matches, and only that one.
func DropNth(n int, m Match) Policy {
	seen := 0
	return PolicyFunc(func(p *Packet) Decision {
		if m(p) {
			seen++
			if seen == n {
				return Decision{Action: Drop}
			}
		}
		return Decision{}
	})
}

// DropAll drops every packet m matches (a filtered port: DropAll(SYN())).
func DropAll(m Match) Policy {
	return PolicyFunc(func(p *Packet) Decision {
		if m(p) {
			return Decision{Action: Drop}
		}
		return Decision{}
	})
}

// RandomLoss drops each packet with probability p, decided from the seed
// and the packet's place in its sender's own order (the client's 5th
// packet, the server's 3rd): the same seed drops the same packets of the
// same exchange, however the two directions interleave on the relay.
func RandomLoss(p float64, seed uint64) (Policy, error) {
	if p < 0 || p > 1 {
		return nil, fmt.Errorf("loss probability %g is out of range: use 0 to 1 (0.1 drops one packet in ten)", p)
	}
	var sent [2]uint64
	return PolicyFunc(func(pk *Packet) Decision {
		sent[pk.From]++
		r := splitmix64(seed ^ uint64(pk.From)<<63 ^ sent[pk.From]*0x9e3779b97f4a7c15)
		if float64(r>>11)/(1<<53) < p {
			return Decision{Action: Drop}
		}
		return Decision{}
	}), nil
}

// splitmix64 is SplitMix64's output function: a well-mixed 64-bit value
// from any input.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// FixedDelay delays every packet by d.
func FixedDelay(d time.Duration) (Policy, error) {
	if d < 0 {
		return nil, fmt.Errorf("delay %v is negative: use 0 or more (e.g. 50ms)", d)
	}
	return PolicyFunc(func(*Packet) Decision {
		if d == 0 {
			return Decision{}
		}
		return Decision{Action: Delay, Delay: d}
	}), nil
}

// HoldCrossing makes the first packets m matches from both ends cross on
// the wire: it holds the first one until the other end has sent one too,
// then delivers both, first's one first whichever end sent its packet
// first: simultaneous open (m = SYN()) and simultaneous close (m =
// FIN()) are then the same on every run, with the client's SYN or FIN
// ahead. Only the first pair is held; retransmissions
// of the held packet pass.
func HoldCrossing(m Match, first End) Policy {
	var holding, done bool
	var from End
	return PolicyFunc(func(p *Packet) Decision {
		if done || !m(p) {
			return Decision{}
		}
		switch {
		case !holding:
			holding, from = true, p.From
			return Decision{Action: Hold}
		case p.From == from:
			return Decision{} // a retransmission of the held one: let it go
		}
		done = true
		if from == first {
			return Decision{Release: true}
		}
		return Decision{ReleaseAfter: true}
	})
}

// Chain asks every policy about every packet (so stateful ones keep
// count) and follows the first that does not pass it; Release is honoured
// from any of them.
func Chain(ps ...Policy) Policy {
	return PolicyFunc(func(p *Packet) Decision {
		var out Decision
		decided, release, after := false, false, false
		for _, pol := range ps {
			d := pol.Decide(p)
			release = release || d.Release
			after = after || d.ReleaseAfter
			if !decided && d.Action != Pass {
				out, decided = d, true
			}
		}
		out.Release, out.ReleaseAfter = release, after && !release
		return out
	})
}

// FromEnd matches packets m matches that end e sent. m sees every
// packet (a stateful match keeps count of both ends).
func FromEnd(e End, m Match) Match {
	return func(p *Packet) bool {
		ok := m(p)
		return ok && p.From == e
	}
}

func isTCP(p *Packet) bool { return p.Seg.Proto == capture.ProtoTCP }

// SYN matches a TCP SYN without ACK (the first packet of a handshake and
// its retransmissions).
func SYN() Match {
	return func(p *Packet) bool {
		return isTCP(p) && p.Seg.Flags&(capture.SYN|capture.ACK|capture.RST) == capture.SYN
	}
}

// SYNACK matches a TCP SYN,ACK.
func SYNACK() Match {
	return func(p *Packet) bool {
		return isTCP(p) && p.Seg.Flags&(capture.SYN|capture.ACK|capture.RST) == capture.SYN|capture.ACK
	}
}

// Data matches a TCP segment carrying payload.
func Data() Match { return func(p *Packet) bool { return isTCP(p) && p.Seg.PayloadLen > 0 } }

// FIN matches a TCP segment with FIN.
func FIN() Match { return func(p *Packet) bool { return isTCP(p) && p.Seg.Flags.Has(capture.FIN) } }

// pureACK is an ACK without SYN, FIN, RST or payload.
func pureACK(p *Packet) bool {
	return isTCP(p) && p.Seg.Flags&(capture.SYN|capture.FIN|capture.RST|capture.ACK) == capture.ACK && p.Seg.PayloadLen == 0
}

// HandshakeACK matches the third packet of a handshake: the pure ACK that
// acknowledges a SYN,ACK (its sequence space), sent by the end that
// received the SYN,ACK. Retransmitted SYN,ACKs are acknowledged again:
// those match too.
func HandshakeACK() Match {
	var synack [2]bool
	var want [2]uint32 // the ack number that acknowledges the SYN,ACK the other end sent
	return func(p *Packet) bool {
		if SYNACK()(p) {
			synack[p.From] = true
			want[p.From] = p.Seg.Seq + 1
			return false
		}
		o := p.From.Other()
		return pureACK(p) && synack[o] && p.Seg.Ack == want[o]
	}
}

// FinalACK matches the last packet of a close: the first closer's pure
// ACK of the other end's FIN (in a four-way close, the ACK of the second
// FIN, sent from TIME-WAIT). Its retransmissions match too; the second
// closer's ACKs (of a FIN the first closer sent again) do not.
func FinalACK() Match {
	var fin [2]bool
	var finEnd [2]uint32 // sequence number after each end's FIN
	var first End
	return func(p *Packet) bool {
		if FIN()(p) {
			if !fin[0] && !fin[1] {
				first = p.From
			}
			fin[p.From] = true
			finEnd[p.From] = p.Seg.Seq + p.Seg.PayloadLen + 1
			return false
		}
		o := p.From.Other()
		return pureACK(p) && p.From == first && fin[p.From] && fin[o] && p.Seg.Ack == finEnd[o]
	}
}

// Any matches every packet.
func Any() Match { return func(*Packet) bool { return true } }
