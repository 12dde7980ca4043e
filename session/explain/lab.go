package explain

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// Lab makes the Wireshark-lab questions (Kurose & Ross) about the first
// connection of evs whose handshake the capture shows: the SYN's raw seq
// and what marks it a SYN, the SYN-ACK's relative seq and its ack (the
// client's ISN + 1), which packet completes the handshake and which
// starts the close. Those the capture cannot answer are left out; the
// same rng seed gives the same options order.
func Lab(evs []session.Event, rng *rand.Rand, lang narrate.Lang) []Question {
	syn := -1
	for i := range evs {
		if IsSYN(evs, i) {
			syn = i
			break
		}
	}
	if syn < 0 {
		return nil
	}
	stream := evs[syn].Stream
	find := func(from int, p Predicate) int {
		for i := from; i < len(evs); i++ {
			if evs[i].Kind == session.KindSegment && evs[i].Stream == stream && p(evs, i) {
				return i
			}
		}
		return -1
	}
	synack := find(syn+1, IsSYNACK)
	ack := find(max(synack, syn)+1, IsHandshakeACK)
	fin := find(syn+1, IsFirstFIN)
	frames := func(except int) []string {
		var out []string
		for i := range evs {
			if i != except && evs[i].Kind == session.KindSegment && evs[i].Stream == stream && len(out) < 8 {
				out = append(out, packetOption(lang, &evs[i]))
			}
		}
		return out
	}
	var qs []Question
	add := func(i int, ask Ask, right string, wrong []string) {
		qs = append(qs, labQuestion(i, ask, right, wrong, rng))
	}
	s := &evs[syn].Seg
	add(syn, AskLabSYNSeq, fmt.Sprint(s.Seq), []string{fmt.Sprint(s.Seq + 1), "0", "1", fmt.Sprint(s.Seq - 1)})
	add(syn, AskLabSYNMark, narrate.Text(lang, "quiz.lab.mark.syn"), []string{
		narrate.Text(lang, "quiz.lab.mark.synack"), narrate.Text(lang, "quiz.lab.mark.seq0"), narrate.Text(lang, "quiz.lab.mark.len0"),
	})
	if synack >= 0 {
		sa := &evs[synack]
		add(synack, AskLabSYNACKSeq, fmt.Sprint(sa.RelSeq), []string{"1", fmt.Sprint(sa.Seg.Seq), fmt.Sprint(s.Seq + 1), "2"})
		add(synack, AskLabSYNACKAck, narrate.Text(lang, "quiz.lab.ack.right", sa.Seg.Ack), []string{
			narrate.Text(lang, "quiz.lab.ack.same", s.Seq), narrate.Text(lang, "quiz.lab.ack.server", sa.Seg.Seq+1),
			narrate.Text(lang, "quiz.lab.ack.one"), narrate.Text(lang, "quiz.lab.ack.len", sa.Seg.Ack+1),
		})
	}
	if ack >= 0 {
		add(ack, AskLabHandshakeEnd, packetOption(lang, &evs[ack]), frames(ack))
	}
	if fin >= 0 {
		add(fin, AskLabCloseStart, packetOption(lang, &evs[fin]), frames(fin))
	}
	return qs
}

// packetOption names a packet and its sender: "packet 3 (client, ACK)".
func packetOption(lang narrate.Lang, ev *session.Event) string {
	who := narrate.Text(lang, "ui.client")
	if ev.From == session.FromServer {
		who = narrate.Text(lang, "ui.server")
	}
	return narrate.Text(lang, "quiz.lab.packet", ev.Seg.Frame, who, ev.Seg.Flags.String())
}

// labQuestion keeps the right option and up to three distinct wrong ones,
// shuffled.
func labQuestion(i int, ask Ask, right string, wrong []string, rng *rand.Rand) Question {
	rng.Shuffle(len(wrong), func(a, b int) { wrong[a], wrong[b] = wrong[b], wrong[a] })
	opts := []string{right}
	for _, w := range wrong {
		if len(opts) < maxOptions && !slices.Contains(opts, w) {
			opts = append(opts, w)
		}
	}
	rng.Shuffle(len(opts), func(a, b int) { opts[a], opts[b] = opts[b], opts[a] })
	return Question{Event: i, Ask: ask, Options: opts, Answer: slices.Index(opts, right), Whole: true}
}
