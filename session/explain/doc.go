// Package explain is the model of interview mode: the topics of
// `handshake-viz explain` (each with the interview questions it answers,
// the scenario whose real exchange illustrates it, the key packets where
// the exchange pauses, the model answer and the follow-up questions), and
// the quiz questions generated from the packets of a real capture.
//
// It is pure: no I/O, no clock, no goroutines. Topics name their scenario
// by name; the events come through the Source interface, which cmd fills
// in (the live exchange when possible, a recorded capture otherwise). Every
// sentence lives in the narrate catalog under the keys this package names
// (TopicKey, StopKey, FollowKey, the quiz.* keys); this package only
// chooses keys and the numbers that fill them.
//
// Topics, Find and Questions return fresh values; nothing here is mutable
// package state. Every function is safe for concurrent use.
package explain
