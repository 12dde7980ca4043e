package explain

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
)

// Predicate says whether event i of evs is a key packet. It may look at
// the events before i, never after: a growing timeline is matched as it
// grows and a pause, once found, stays.
type Predicate func(evs []session.Event, i int) bool

// Stop is a key packet of a topic's exchange: where the guided screen
// pauses, and the point to notice there (catalog key StopKey).
type Stop struct {
	ID    string
	Match Predicate
}

// FollowUp is a question interviewers ask next, answered by another topic
// or by a scenario (Target: a topic name or a scenario name).
type FollowUp struct {
	ID     string
	Target string
}

// Topic is one `explain` topic.
type Topic struct {
	Name      string
	Questions []int  // numbers of the interview questions it answers
	Scenario  string // the scenario whose exchange it plays
	Stops     []Stop // key packets, in the order they happen
	FollowUps []FollowUp
}

// Catalog keys of a topic: its title, the question asked at the top and
// the model answer said at the end.
const (
	PartTitle    = "title"
	PartQuestion = "question"
	PartAnswer   = "answer"
)

// TopicKey is the catalog key of one part of topic name's text.
func TopicKey(name, part string) narrate.Key {
	return narrate.Key("explain." + name + "." + part)
}

// StopKey is the catalog key of the point to notice at a stop.
func StopKey(topic, stop string) narrate.Key {
	return narrate.Key("explain." + topic + ".stop." + stop)
}

// FollowKey is the catalog key of a follow-up question.
func FollowKey(topic, id string) narrate.Key {
	return narrate.Key("explain." + topic + ".follow." + id)
}

// Keys returns every catalog key the topic uses.
func (t Topic) Keys() []narrate.Key {
	keys := []narrate.Key{TopicKey(t.Name, PartTitle), TopicKey(t.Name, PartQuestion), TopicKey(t.Name, PartAnswer)}
	for _, s := range t.Stops {
		keys = append(keys, StopKey(t.Name, s.ID))
	}
	for _, f := range t.FollowUps {
		keys = append(keys, FollowKey(t.Name, f.ID))
	}
	return keys
}

// QuestionList returns the question numbers as "3, 4, 5".
func (t Topic) QuestionList() string {
	parts := make([]string, len(t.Questions))
	for i, q := range t.Questions {
		parts[i] = fmt.Sprint(q)
	}
	return strings.Join(parts, ", ")
}

// Mark is a stop found in an exchange: event index Event of the events
// matched, with the numbers its sentence is filled with (StopArgs).
type Mark struct {
	Stop  Stop
	Event int
}

// Marks finds the topic's stops in evs: each stop at the first event
// after the previous stop's event that it matches. A stop the exchange
// does not show is left out.
func (t Topic) Marks(evs []session.Event) []Mark {
	var out []Mark
	from := 0
	for _, s := range t.Stops {
		for i := from; i < len(evs); i++ {
			if s.Match(evs, i) {
				out = append(out, Mark{Stop: s, Event: i})
				from = i + 1
				break
			}
		}
	}
	return out
}

// StopText returns the point to notice at mark m of topic t, with the
// numbers of its event filled in (see StopArgs).
func StopText(lang narrate.Lang, t Topic, m Mark, evs []session.Event) string {
	return narrate.Text(lang, StopKey(t.Name, m.Stop.ID), StopArgs(lang, &evs[m.Event])...)
}

// StopArgs are the numbers a stop sentence may use:
//
//	%[1]d raw seq   %[2]d raw ack   %[3]d relative seq   %[4]d relative ack
//	%[5]d payload   %[6]d window    %[7]s client state   %[8]s server state
//	%[9]s flags     %[10]d source port  %[11]d destination port
//	%[12]d raw seq + 1 (what acknowledges a SYN or FIN)  %[13]s sender role
func StopArgs(lang narrate.Lang, ev *session.Event) []any {
	s := &ev.Seg
	role := narrate.Text(lang, "ui.client")
	if ev.From == session.FromServer {
		role = narrate.Text(lang, "ui.server")
	}
	return []any{s.Seq, s.Ack, ev.RelSeq, ev.RelAck, s.PayloadLen, s.Window,
		ev.Client.String(), ev.Server.String(), s.Flags.String(), s.SrcPort, s.DstPort, s.Seq + 1, role}
}

// Exchange is the events of one scenario, as a Source obtained them.
type Exchange struct {
	Scenario string            // the scenario that was played
	Timeline *session.Timeline // grows while a live exchange runs; Done at its end
	Store    capture.FrameStore
	Live     bool   // captured now on this machine (else: a recorded capture)
	Note     string // why another exchange was played instead ("" when none), in the caller's language
}

// Source obtains the events of a scenario by name: cmd runs it live when
// it can and plays a recorded capture otherwise. Play returns once events
// start to arrive; the Timeline is finished when the exchange ends.
type Source interface {
	Play(ctx context.Context, scenario string) (Exchange, error)
	// Has reports whether the source can play the scenario itself (not a
	// stand-in).
	Has(scenario string) bool
}

// Names returns the names of the topics, in listing order.
func Names() []string {
	ts := Topics()
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Name
	}
	return out
}

// Find returns the topic called name.
func Find(name string) (Topic, bool) {
	for _, t := range Topics() {
		if t.Name == name {
			return t, true
		}
	}
	return Topic{}, false
}

// Covered returns, for every interview question number, the topics that
// answer it.
func Covered() map[int][]string {
	out := map[int][]string{}
	for _, t := range Topics() {
		for _, q := range t.Questions {
			out[q] = append(out[q], t.Name)
		}
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}
