package feed

import (
	"sync"

	"github.com/handshake-viz/handshake-viz/session"
)

// SummaryQueue passes the summaries of finished streams from the reading
// goroutine (Options.Finished, EndlessOptions.Finished) to the goroutine
// that writes the timeline's events, each with the timeline's length when
// it was finished: a summary is written once every event before that
// was, so that it follows its stream's last event and a long run keeps no
// record of a stream that is over. It is safe for concurrent use; the
// zero value is ready.
type SummaryQueue struct {
	mu   sync.Mutex
	q    []queuedSummary
	head int
}

type queuedSummary struct {
	s  session.StreamSummary
	at int
}

// Add queues ss, finished when the timeline held at events.
func (q *SummaryQueue) Add(ss []session.StreamSummary, at int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, s := range ss {
		q.q = append(q.q, queuedSummary{s, at})
	}
}

// WriteDue writes, in order, the queued summaries finished when the
// timeline held at most n events (n < 0: all of them).
func (q *SummaryQueue) WriteDue(n int, write func(session.StreamSummary) error) error {
	for {
		q.mu.Lock()
		if q.head == len(q.q) || n >= 0 && q.q[q.head].at > n {
			if q.head == len(q.q) {
				clear(q.q)
				q.q, q.head = q.q[:0], 0
			}
			q.mu.Unlock()
			return nil
		}
		s := q.q[q.head].s
		q.q[q.head] = queuedSummary{}
		q.head++
		q.mu.Unlock()
		if err := write(s); err != nil {
			return err
		}
	}
}

// Oldest is the index of the oldest stream whose summary is queued, -1
// when none is.
func (q *SummaryQueue) Oldest() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.head == len(q.q) {
		return -1
	}
	return q.q[q.head].s.Index
}
