// Package feed is the pipeline from a packet source to the session model:
// it reads a capture.Source, decodes each frame into a capture.Segment,
// feeds it to a session.Tracker and records the resulting events in a
// session.Timeline (and the frames in a capture.MemoryStore) when asked to.
//
// Run is the one-shot pipeline that `analyze`, `replay` and `demo` use.
// Catalog is what `open` uses: it reads a file in a background goroutine
// with a Tracker only (memory bounded by open connections, not packets),
// publishes progress and the stream list as it goes, and re-reads the file
// to open one stream; on stdin and live captures, which cannot be re-read,
// it keeps the events and frames while reading instead, within a
// LiveBudget (the oldest finished streams are dropped past it; opening one
// returns a DroppedError), its Tracker finishes idle connections as
// analyze's does (LiveFinish), and its list keeps the newest
// EndlessListRows finished streams (StartEndless), so that an input that
// never ends keeps memory flat.
//
// Contracts:
//   - Run uses the Source from the calling goroutine and returns when the
//     input ends, is damaged (a warning, not an error), ctx is cancelled or
//     the source fails. It does not close the Source.
//   - With a nil Timeline and Store, Run allocates nothing per packet.
//   - A Catalog's methods are safe for concurrent use. Snapshots are
//     immutable copies: the slices they hold are shared between callers and
//     must not be modified.
//   - A list is a session.StreamList of compact rows: the tracker
//     hands over each finished stream (FinishOptions.Stream) and holds at
//     most session.DefaultMaxConns streams, the same in the re-reading
//     that opens a stream, so that both number streams alike; the rows of
//     finished streams are final and shared by every later snapshot.
//
// feed imports capture and session; nothing below cmd and ui imports feed.
package feed
