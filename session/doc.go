// Package session turns captured segments into connections and events.
//
// Tracker.Observe takes one capture.Segment at a time and returns the
// Events it causes: which connection (numbered like Wireshark's tcp.stream),
// who sent it, relative sequence numbers, the phase (handshake, data, close,
// reset), the inferred RFC 9293 state of both ends afterwards, TCP analysis
// (retransmission, out-of-order, …) and a narration key. It is pure: no I/O,
// no clock (time comes from the segments), no goroutines, so a capture
// replays to the same events every time. Per-stream summaries (the stream
// object of `analyze --json`) come from the same Tracker.
//
// # When a state changes
//
// One rule, everywhere (RFC 9293 section 3.10): every segment has a send
// moment and an arrival moment; the sender's state changes when it sends,
// the receiver's when the segment arrives; an Event shows both ends after
// arrival. So a SYN reaching a listener makes it SYN-RECEIVED at once, a
// SYN+ACK reaching SYN-SENT makes that end ESTABLISHED at once (the other
// end on the third segment), a FIN makes its receiver CLOSE-WAIT, or
// TIME-WAIT when it arrives in FIN-WAIT-2 or in FIN-WAIT-1 together with
// the ACK of that end's FIN (three-way close), the ACK of a FIN moves
// FIN-WAIT-1 to FIN-WAIT-2, CLOSING to TIME-WAIT and LAST-ACK to CLOSED, and
// an RST closes its sender and its receiver (a listener ignores it, an end
// in SYN-RECEIVED that came from LISTEN returns there, an end in SYN-SENT
// drops one that does not acknowledge its SYN). TIME-WAIT's 2*MSL timer
// and the socket calls that open a listener send nothing, so no event
// shows them.
//
// A capture is taken at one point, so for each packet both moments are
// the same instant. Two things only a later packet can tell are decided
// then, and the states corrected at that packet:
//   - Crossed segments. A SYN that does not acknowledge the peer's SYN
//     was sent before that SYN arrived (simultaneous open: both ends
//     SYN-RECEIVED); a second FIN that does not acknowledge the first was
//     sent before it arrived (simultaneous close: both ends CLOSING, where
//     the first FIN showed its receiver as CLOSE-WAIT).
//   - Whether anything listens. A file cannot say, at a SYN, whether a
//     listener will get it: the SYN is taken to reach one (SYN-RECEIVED),
//     and an RST answering it (connection refused) shows the port was
//     CLOSED all along; its narration says so. A scenario that connects
//     to a closed port on purpose knows better and says so with
//     TrackerOptions.NoListener: the SYN then leaves the port CLOSED.
//
// Timeline is the list of events the UI and the text outputs render; one
// goroutine appends, any number read. NewTimeline's is append-only;
// NewBoundedTimeline's (live sources) holds a budget of events and drops
// whole streams past it, oldest finished first (TimelineBudget), keeping
// the run's indexes.
//
// Contracts:
//   - A Tracker is used from one goroutine. The slice Observe returns is
//     reused by the next call: copy the Events you keep (Timeline.Append does).
//   - Memory grows with open connections, not with packets: closed
//     connections are reduced to their summary.
//
// session imports only capture.
package session
