// Package ladder is the pure ladder layout every output draws: the tview
// ladder of package ui, the text ladder of --no-tui and the exporters
// (ASCII, Mermaid, PlantUML, SVG). It knows nothing of terminals.
//
// Layout turns events into rows (connection headers, phase headers with
// the close named from what happened, arrows); Label, OptionsLine and
// Marks write arrow labels as Wireshark does ("SYN, ACK Seq=0 Ack=1").
// TextWriter writes a Layout as plain text.
//
// Contracts:
//   - A Layout and a TextWriter are used from one goroutine; a Row pointer
//     is valid until the next Add.
//   - Every text comes from the narrate catalog or is protocol notation
//     (flag and field names), the same in every language.
//
// ladder imports session, capture (flags, options) and session/narrate;
// it imports no terminal package.
package ladder
