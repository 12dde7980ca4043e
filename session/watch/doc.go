// Package watch is the model of `handshake-viz watch`: a live capture read
// into a feed.Catalog (every event and frame kept, so any connection's
// ladder can be followed while it grows), plus what only a live capture
// knows of each TCP stream: the current state of both ends and the local
// process behind it (procs), looked up when the stream appears and again
// every Options.Refresh while it lives.
//
// Contracts:
//   - One goroutine of the Watch follows the timeline; Options.Events and
//     Options.Process are called from it, in timeline order, the process
//     of a new stream looked up before its first event is handed over.
//   - Every method of Watch is safe for concurrent use; Conns returns a
//     copy.
//   - Limit wraps a Source to stop after a number of frames and to save
//     each frame read.
//
// watch imports capture, session, session/feed and session/procs.
package watch
