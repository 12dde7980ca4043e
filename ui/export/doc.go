// Package export writes one ladder in the formats people paste into notes,
// slides, issues and interview answers: ASCII (the --no-tui text ladder),
// Mermaid and PlantUML sequence diagrams, a self-contained SVG, the demo
// --json event lines and an asciinema v2 recording of the animated ladder.
//
// Every format renders the one pure ladder layout of package ui/ladder
// (ladder.Layout and its texts: Label, Marks, States, CallText, …); this
// package only places those rows and texts in each format's syntax. It has
// no layout of its own: a row, its phase title and the states beside each
// lifeline are the Layout's.
//
// Contracts:
//   - Write renders a whole Input at once (the static formats need the
//     last row before the first: a phase retitled by a later packet, the
//     time scale of the SVG). It writes nothing when it fails before output
//     begins, and reports write errors wrapped with a hint.
//   - Input.Events are the events of the stream(s) to show, in timeline
//     order; Write does not retain them.
//   - Every word comes from the narrate catalog (Options.Lang) or is
//     protocol notation (flags, field names, state names).
//
// export imports session, session/narrate, ui/ladder and ui (for the
// --json line format); nothing but cmd imports export.
package export
