// Package interview draws interview mode: the topic list, the guided
// screen of `explain TOPIC` (the question at the top, a real exchange that
// pauses at each key packet with the point to notice, the model answer,
// follow-ups one key away), the `layers` mapping of one real frame with
// its encapsulation and decapsulation, the `quiz` screen, and the same as
// plain text for --no-tui.
//
// The model (topics, key-packet predicates, quiz questions) is package
// session/explain; every sentence comes from the narrate catalog. Screens
// embed ui.LadderScreen through its public API and run on the tview UI
// goroutine; the exchanges come through an explain.Source that cmd fills
// in. Text writers are used from one goroutine.
package interview
