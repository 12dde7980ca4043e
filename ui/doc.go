// Package ui draws timelines on the terminal: the Player cursor and the
// tview screens. The pure ladder layout they draw (rows, labels, marks,
// lifeline states) is package ui/ladder, shared with --no-tui and the
// exporters; ui only has tview widgets over it.
//
// Player is a pure cursor over the packets of a ladder (position, play,
// pause, speed, step, seek, follow-live, stops for --pause-at, hold for
// --start-paused); time enters only through Tick.
//
// Keys are data: ladderKeys (the ladder screen) and browserKeys (the
// stream list) hold every binding with its action, its catalog texts and
// its help-bar priority; key handling, the help bars, the `?` screens and
// the README's key table are all made from them.
//
// LadderScreen is the full-screen ladder of one timeline (ladder, TCP
// states, headers by layer, bytes, narration, help) and a reusable
// component for other screens. RunLadder runs it alone on the terminal.
//
// Contracts:
//   - A Player is used from one goroutine.
//   - A LadderScreen's state belongs to the tview UI goroutine. Its one
//     animation goroutine (Start) changes it only inside
//     app.QueueUpdateDraw; input handlers never draw nor queue updates.
//     Stop it before app.Stop.
//   - Drawing the ladder touches only the visible rows: a frame costs the
//     same for 10 or 100,000 packets.
//   - Every text comes from the narrate catalog; widgets build no sentences.
//
// ui imports session, ui/ladder, ui/cells (plain text into screen cells,
// shared with ui/interview) and capture for the bytes of the selected
// packet; nothing imports ui but cmd and its sub-packages ui/export and
// ui/interview.
package ui
