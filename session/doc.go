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
// Timeline is the append-only list of events the UI and the text outputs
// render; one goroutine appends, any number read.
//
// Contracts:
//   - A Tracker is used from one goroutine. The slice Observe returns is
//     reused by the next call: copy the Events you keep (Timeline.Append does).
//   - Memory grows with open connections, not with packets: closed
//     connections are reduced to their summary.
//
// session imports only capture.
package session
