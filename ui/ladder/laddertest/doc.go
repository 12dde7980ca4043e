// Package laddertest is the literal event fixture the tests of ui and its
// sub-packages draw: the demo's exchange (127.0.0.1:40112 → 127.0.0.1:8888,
// three-way handshake, "hello" and a 27-byte answer, four-way close) as
// session events carrying both ends' states, the Ethernet frames of those
// packets; the way to a capture of the shared corpus (CorpusFile) and
// through the real pipeline (Play); a golden-file check (Golden) and the
// check of the README's generated blocks (ReadmeBlocks), for ui's
// packages and cmd alike; a simulation screen (NewSim) and its text
// (SimText) for golden screens.
//
// The states are written by hand, by RFC 9293's rule (the sender's state
// changes on sending, the receiver's on arrival); this package's own test
// pins them to what a session.Tracker says about the same segments, so a
// golden screen drawn from the fixture never pins a wrong picture. What
// the Tracker decides about the connection as a whole (Event.Handshake,
// Event.Close) is taken from a real Tracker, not written.
//
// Contracts:
//   - Only tests import this package; nothing of the program does.
//   - Every function returns fresh values: callers may change what they get.
//   - No package-level mutable state: the -update flag of the golden check
//     stays in each test package and is passed in.
package laddertest
