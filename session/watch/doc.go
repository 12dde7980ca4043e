// Package watch is the model of `handshake-viz watch`: a live capture read
// into an endless feed.Catalog (events and frames kept within the live
// budget, so a connection's ladder can be followed while it grows; the
// list keeps its newest rows), plus what only a live capture knows of each
// TCP stream it lists: the current state of both ends and the local
// process behind it (procs), looked up when the stream appears and again
// every Options.Refresh while it lives. A capture may run for ever:
// streams the list no longer holds, whose summary is out, are no longer
// followed.
//
// Contracts:
//   - One goroutine of the Watch follows the timeline; Options.Events,
//     Options.Process and Options.Summary are called from it, in timeline
//     order, the process of a new stream looked up before its first event
//     is handed over, a stream's summary after its last event.
//   - Every method of Watch is safe for concurrent use; Conns returns a
//     copy.
//   - Limit wraps a Source to stop after a number of frames and to save
//     each frame read.
//
// watch imports capture, session, session/feed and session/procs.
package watch
