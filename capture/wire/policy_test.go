package wire

import (
	"testing"

	"github.com/handshake-viz/handshake-viz/capture"
)

// pk is a literal TCP packet for the policies.
func pk(from End, flags capture.TCPFlags, seq, ack, payload uint32) *Packet {
	return &Packet{From: from, Seg: capture.Segment{Proto: capture.ProtoTCP, Flags: flags, Seq: seq, Ack: ack, PayloadLen: payload}}
}

const (
	fA  = capture.ACK
	fFA = capture.FIN | capture.ACK
	fS  = capture.SYN
)

func TestFinalACKMatchesTheFirstClosersACKOfTheSecondFINOnly(t *testing.T) {
	m := FinalACK()
	seq := []struct {
		p    *Packet
		want bool
	}{
		{pk(Client, fFA, 100, 500, 0), false}, // first FIN
		{pk(Server, fA, 500, 101, 0), false},  // its ACK
		{pk(Client, fFA, 100, 500, 0), false}, // the first FIN again (a tail loss probe)
		{pk(Server, fFA, 500, 101, 0), false}, // second FIN
		{pk(Server, fA, 501, 101, 0), false},  // the second closer ACKs the repeated FIN: not the final ACK
		{pk(Client, fA, 101, 501, 0), true},   // the final ACK
		{pk(Client, fA, 101, 501, 0), true},   // and its retransmission
	}
	for i, s := range seq {
		if got := m(s.p); got != s.want {
			t.Errorf("packet %d: %v, want %v", i+1, got, s.want)
		}
	}
}

func TestFromEndLetsAStatefulMatchSeeBothEnds(t *testing.T) {
	m := FromEnd(Client, FinalACK())
	for i, p := range []*Packet{pk(Client, fFA, 100, 500, 0), pk(Server, fFA, 500, 101, 0)} {
		if m(p) {
			t.Errorf("packet %d matched", i+1)
		}
	}
	if !m(pk(Client, fA, 101, 501, 0)) {
		t.Error("the client's final ACK did not match: the server's FIN was not seen")
	}
}

func TestHoldCrossingDeliversTheChosenEndFirstWhoeverSentFirst(t *testing.T) {
	for _, first := range []End{Client, Server} {
		pol := HoldCrossing(SYN(), Client)
		a := pol.Decide(pk(first, fS, 1, 0, 0))
		b := pol.Decide(pk(first.Other(), fS, 2, 0, 0))
		if a.Action != Hold {
			t.Errorf("the %s's SYN (first): %v, want hold", first, a.Action)
		}
		wantRelease := first == Client // the held one is the client's: it goes first
		if b.Action != Pass || b.Release != wantRelease || b.ReleaseAfter == wantRelease {
			t.Errorf("the %s's SYN (second): %+v, want pass with the held one %s", first.Other(), b, map[bool]string{true: "before", false: "after"}[wantRelease])
		}
		if d := pol.Decide(pk(Client, fS, 1, 0, 0)); d != (Decision{}) {
			t.Errorf("a later SYN: %+v, want pass", d)
		}
	}
}

func TestRandomLossDropsTheSamePacketsForTheSameSeed(t *testing.T) {
	drops := func(seed uint64) []int {
		pol, err := RandomLoss(0.3, seed)
		if err != nil {
			t.Fatal(err)
		}
		var out []int
		for n := 1; n <= 50; n++ {
			if pol.Decide(&Packet{N: n}).Action == Drop {
				out = append(out, n)
			}
		}
		return out
	}
	a, b, c := drops(7), drops(7), drops(8)
	if len(a) == 0 || len(a) == 50 {
		t.Fatalf("loss 0.3 dropped %d of 50", len(a))
	}
	if len(a) != len(b) {
		t.Fatalf("seed 7 dropped %v, then %v", a, b)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("seed 7 dropped %v, then %v", a, b)
		}
	}
	same := len(a) == len(c)
	for i := 0; same && i < len(a); i++ {
		same = a[i] == c[i]
	}
	if same {
		t.Errorf("seeds 7 and 8 dropped the same packets %v", a)
	}
}

func TestRandomLossDecidesByEachSendersOwnOrderWhateverTheInterleaving(t *testing.T) {
	run := func(order []End) (drops [2][]int) {
		pol, err := RandomLoss(0.3, 11)
		if err != nil {
			t.Fatal(err)
		}
		var k [2]int
		for _, from := range order {
			k[from]++
			if pol.Decide(&Packet{From: from}).Action == Drop {
				drops[from] = append(drops[from], k[from])
			}
		}
		return drops
	}
	var a, b []End
	for i := 0; i < 40; i++ {
		a = append(a, Client, Server)         // alternating
		b = append(b, End(i/20), End(1-i/20)) // all the client's first half, then interleaved differently
	}
	da, db := run(a), run(b)
	for e := range da {
		if len(da[e]) != len(db[e]) {
			t.Fatalf("%v: %v, then %v", End(e), da[e], db[e])
		}
		for i := range da[e] {
			if da[e][i] != db[e][i] {
				t.Fatalf("%v: %v, then %v", End(e), da[e], db[e])
			}
		}
	}
	if len(da[Client]) == 0 || len(da[Server]) == 0 {
		t.Errorf("loss 0.3 dropped %v", da)
	}
}
