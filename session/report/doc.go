// Package report builds what `handshake-viz analyze` prints: the versioned
// JSON report of DESIGN.md, NDJSON, the human table and a Zeek conn.log,
// from one pass of a capture through session/feed.
//
// Run streams: the Tracker finishes streams (session.FinishOptions) and
// hands their summaries over in index order as soon as each and every
// earlier one is finished; Run passes them to a Writer (one per format) from
// the tracking goroutine and the Tracker forgets them, so memory follows the
// connections held, not the capture's length. Analyze is the reference that
// keeps everything (tests compare the two).
package report
