package explain

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// Ask is what a quiz question asks about the next packet.
type Ask uint8

// What a question asks.
const (
	AskFlags Ask = iota // which flags it carries
	AskSeq              // its relative sequence number
	AskAck              // its relative acknowledgment number
	AskLen              // its payload length
	AskState            // both ends' states after it arrives

	// The Wireshark-lab questions (Lab), asked on the whole capture.
	AskLabSYNSeq       // the raw seq of the SYN
	AskLabSYNMark      // what marks a segment as a SYN
	AskLabSYNACKSeq    // the relative seq of the SYN-ACK
	AskLabSYNACKAck    // the raw ack of the SYN-ACK and how it is computed
	AskLabHandshakeEnd // which packet completes the handshake
	AskLabCloseStart   // which packet starts the close
)

var askNames = [...]string{"flags", "seq", "ack", "len", "state",
	"lab.syn-seq", "lab.syn-mark", "lab.synack-seq", "lab.synack-ack", "lab.handshake-end", "lab.close-start"}

// String returns "flags", "seq", "ack", "len" or "state".
func (a Ask) String() string {
	if int(a) < len(askNames) {
		return askNames[a]
	}
	return "unknown"
}

// Key is the catalog key of the question's sentence.
func (a Ask) Key() narrate.Key { return narrate.Key("quiz.ask." + a.String()) }

// Question is one multiple-choice question about event Event of a
// capture: the ladder stops before that packet and asks what comes next
// (Whole: a lab question, asked with the whole capture shown).
// Options[Answer] is what the real packet carries.
type Question struct {
	Event   int
	Ask     Ask
	Options []string
	Answer  int
	Whole   bool
}

// Lab reports whether the question is one of the Wireshark-lab questions.
func (a Ask) Lab() bool { return a >= AskLabSYNSeq }

// Text is the question's sentence in lang.
func (q Question) Text(lang narrate.Lang, evs []session.Event) string {
	ev := &evs[q.Event]
	from, to := narrate.Text(lang, "ui.client"), narrate.Text(lang, "ui.server")
	if ev.From == session.FromServer {
		from, to = to, from
	}
	if q.Ask == AskLabHandshakeEnd || q.Ask == AskLabCloseStart {
		return narrate.Text(lang, q.Ask.Key()) // the packet is the answer
	}
	return narrate.Text(lang, q.Ask.Key(), ev.Seg.Frame, from, to)
}

// Explain says why the answer is right, from the real packet.
func (q Question) Explain(lang narrate.Lang, evs []session.Event) string {
	ev := &evs[q.Event]
	k := narrate.Key("quiz.why." + q.Ask.String())
	if !narrate.Has(lang, k) {
		return ""
	}
	return narrate.Text(lang, k, StopArgs(lang, ev)...)
}

// Correct reports whether option choice is the right answer.
func (q Question) Correct(choice int) bool { return choice == q.Answer }

// QuizOptions configure Quiz.
type QuizOptions struct {
	N     int   // questions wanted (fewer when the capture is short); <= 0 means 5
	Focus []int // event indexes asked about first (a topic's key packets)
	Lang  narrate.Lang
}

// maxOptions is the number of choices of a question.
const maxOptions = 4

// Quiz makes questions about the TCP segments of evs, in the order they
// happen: the events of opts.Focus first, then others chosen by rng, each
// asking one thing the packet shows, with wrong options near the right
// one (off by one, the other end's number, the state before). The same
// rng seed gives the same quiz.
func Quiz(evs []session.Event, rng *rand.Rand, opts QuizOptions) []Question {
	n := opts.N
	if n <= 0 {
		n = 5
	}
	var picked []int
	seen := map[int]bool{}
	for _, i := range opts.Focus {
		if i > 0 && i < len(evs) && segment(&evs[i]) && !seen[i] && len(picked) < n {
			picked, seen[i] = append(picked, i), true
		}
	}
	var rest []int
	for i := 1; i < len(evs); i++ { // the first packet is shown, never asked
		if segment(&evs[i]) && !seen[i] {
			rest = append(rest, i)
		}
	}
	rng.Shuffle(len(rest), func(a, b int) { rest[a], rest[b] = rest[b], rest[a] })
	for _, i := range rest {
		if len(picked) >= n {
			break
		}
		picked = append(picked, i)
	}
	sort.Ints(picked)
	out := make([]Question, 0, len(picked))
	for _, i := range picked {
		asks := asksFor(evs, i)
		out = append(out, makeQuestion(evs, i, asks[rng.IntN(len(asks))], rng, opts.Lang))
	}
	return out
}

// asksFor lists what makes sense to ask about event i.
func asksFor(evs []session.Event, i int) []Ask {
	ev := &evs[i]
	f := ev.Seg.Flags
	switch {
	case f.Has(capture.SYN) && !f.Has(capture.ACK):
		return []Ask{AskFlags, AskState}
	case f.Has(capture.SYN):
		return []Ask{AskFlags, AskAck, AskState}
	case f.Has(capture.RST):
		return []Ask{AskFlags, AskState}
	case f.Has(capture.FIN):
		return []Ask{AskFlags, AskSeq, AskState}
	case ev.Seg.PayloadLen > 0:
		return []Ask{AskSeq, AskAck, AskLen}
	case ev.Changed != 0:
		return []Ask{AskState, AskAck}
	}
	return []Ask{AskAck, AskFlags}
}

func makeQuestion(evs []session.Event, i int, ask Ask, rng *rand.Rand, lang narrate.Lang) Question {
	ev := &evs[i]
	var right string
	var wrong []string
	switch ask {
	case AskFlags:
		right = ev.Seg.Flags.String()
		for _, f := range []capture.TCPFlags{capture.SYN, capture.SYN | capture.ACK, capture.ACK,
			capture.PSH | capture.ACK, capture.FIN | capture.ACK, capture.RST | capture.ACK, capture.RST, capture.FIN} {
			wrong = append(wrong, f.String())
		}
	case AskSeq:
		right, wrong = numberOptions("Seq=", ev.RelSeq, []uint32{ev.RelSeq + 1, ev.RelSeq - 1, ev.RelAck, ev.RelSeq + ev.Seg.PayloadLen, prevPayload(evs, i) + ev.RelSeq})
	case AskAck:
		right, wrong = numberOptions("Ack=", ev.RelAck, []uint32{ev.RelAck - 1, ev.RelAck + 1, ev.RelSeq, peerSeq(evs, i), ev.RelAck + prevPayload(evs, i)})
	case AskLen:
		l := ev.Seg.PayloadLen
		right, wrong = numberOptions("Len=", l, []uint32{0, l + 1, l - 1, l * 2, prevPayload(evs, i)})
	case AskState:
		right = stateOption(lang, ev.Client, ev.Server)
		pc, ps := session.Closed, session.Listen
		if i > 0 {
			pc, ps = prevStates(evs, i)
		}
		for _, p := range [][2]session.State{{pc, ps}, {ev.Client, ps}, {pc, ev.Server}, {ev.Server, ev.Client},
			{session.Established, session.Established}, {session.TimeWait, session.Closed}, {session.SynSent, session.SynReceived}} {
			wrong = append(wrong, stateOption(lang, p[0], p[1]))
		}
	}
	opts := []string{right}
	rng.Shuffle(len(wrong), func(a, b int) { wrong[a], wrong[b] = wrong[b], wrong[a] })
	for _, w := range wrong {
		if len(opts) >= maxOptions {
			break
		}
		if !slices.Contains(opts, w) {
			opts = append(opts, w)
		}
	}
	rng.Shuffle(len(opts), func(a, b int) { opts[a], opts[b] = opts[b], opts[a] })
	return Question{Event: i, Ask: ask, Options: opts, Answer: slices.Index(opts, right)}
}

// numberOptions formats the right number and the wrong candidates (those
// that wrap below zero are dropped).
func numberOptions(prefix string, right uint32, cands []uint32) (string, []string) {
	var wrong []string
	for _, c := range cands {
		if c > right+1<<20 && right < 1<<20 { // wrapped below 0
			continue
		}
		wrong = append(wrong, fmt.Sprintf("%s%d", prefix, c))
	}
	for d := uint32(2); len(wrong) < maxOptions+2; d++ { // enough distinct choices
		wrong = append(wrong, fmt.Sprintf("%s%d", prefix, right+d))
	}
	return fmt.Sprintf("%s%d", prefix, right), wrong
}

func stateOption(lang narrate.Lang, c, s session.State) string {
	return narrate.Text(lang, "quiz.option.state", c.String(), s.String())
}

// prevPayload is the payload of the last segment before i in i's stream.
func prevPayload(evs []session.Event, i int) uint32 {
	for j := i - 1; j >= 0; j-- {
		if segment(&evs[j]) && evs[j].Stream == evs[i].Stream {
			return evs[j].Seg.PayloadLen
		}
	}
	return 0
}

// peerSeq is the relative seq of the last segment the other end sent.
func peerSeq(evs []session.Event, i int) uint32 {
	for j := i - 1; j >= 0; j-- {
		if segment(&evs[j]) && evs[j].Stream == evs[i].Stream && evs[j].From != evs[i].From {
			return evs[j].RelSeq
		}
	}
	return 0
}

// prevStates are both ends' states before event i (after the event before
// it in i's stream).
func prevStates(evs []session.Event, i int) (session.State, session.State) {
	for j := i - 1; j >= 0; j-- {
		if segment(&evs[j]) && evs[j].Stream == evs[i].Stream {
			return evs[j].Client, evs[j].Server
		}
	}
	return session.Closed, session.Listen
}

// Score counts right answers.
type Score struct{ Right, Asked int }

// Add records one answer.
func (s *Score) Add(right bool) {
	s.Asked++
	if right {
		s.Right++
	}
}
