// Package narrate is the message catalog: every user-facing sentence of
// handshake-viz (narration of events, phase and panel labels, help text) is
// kept here, keyed by message id, in English and Chinese. Widgets and text
// outputs ask for a message by key; they never build sentences themselves.
//
// The tables are read-only after package initialisation; every function is
// safe for concurrent use.
package narrate
