// Package report builds what `handshake-viz analyze` prints: the versioned
// JSON report of DESIGN.md and the human table, from one pass of a capture
// through session/feed. It reads nothing but the Source it is given and
// keeps only per-stream summaries, so memory follows open connections.
package report
