// Package exchange runs the loopback client/server exchange that the live
// demo captures: a server on a loopback address serves clients one after
// another, echoing each message until the client sends "##"; then the client
// closes first and the server closes after it.
//
// The exchange is made to give the same packets on every run, so the demo
// shows textbook TCP and tests can assert the trace:
//   - keep-alive is off and TCP_NODELAY is on (Go's default): each message
//     is one segment, and nothing else is sent while the exchange idles;
//   - unless Options.KernelACKs is set, both ends acknowledge each data
//     segment at once with a segment of its own (TCP_QUICKACK after every
//     read), instead of letting a delayed ACK ride on the echo;
//   - the close is always the four-way close FIN / ACK / FIN / ACK: the
//     client sends its FIN only after the server has read "##" (and
//     acknowledged it), and the server acknowledges the client's FIN before
//     it closes, instead of letting Linux piggyback that ACK on its own FIN.
//
// Run returns when every connection is closed on both ends: the server's
// socket is gone (its close waits, with SO_LINGER, for the ACK of its FIN)
// and the client's socket is in TIME-WAIT in the kernel.
//
// Scenarios whose entry has a Wire policy (library_wire.go: lost-syn,
// lost-synack, lost-ack, lost-data, lost-fin, lost-final-ack, filtered,
// simultaneous-open, simultaneous-close), and any scenario with free-play
// loss or delay (Options.Wire), run on the lossy wire: Start opens it
// (capture/wire) with the scenario's policy, makes the Exchange on
// WireNetwork and returns the wire as the Source (Where OnWire); Close
// closes the sockets, then the wire, which cancelling Start's context
// closes too. A segment the wire dropped is an event of its own (the
// Tracker moves only its sender's state).
//
// Hooks are called from the goroutine that called Run. KernelStates and
// TCPInfoState read the kernel's view (Linux only), so tests can compare
// the states inferred from packets with the real ones.
package exchange
