// Package cells writes plain text into the cells of a tcell screen, for
// every screen of ui and its sub-packages: PrintAt writes a string clipped
// to a number of cells, Width says how many cells a string takes and Fit
// cuts a string to a width with "…".
//
// Text is measured and written by grapheme cluster (uniseg), so a wide
// (CJK) character takes two cells, a combining mark none, and a cluster is
// never split at the clip. PrintAt writes the right half of a wide
// character as a blank of the same style, so that a cell drawn earlier
// under it never shows through when a narrow character later takes the
// left half.
//
// Contracts:
//   - No colour tags are parsed: the text is written as is.
//   - The functions keep no state; PrintAt is called from the goroutine
//     that draws (tview's Draw), as any write to a screen.
package cells
