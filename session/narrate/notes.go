package narrate

// enNotes holds the English narration of events (one sentence per NoteID).
var enNotes = map[Key]string{}

// zhNotes holds the Chinese narration of events.
var zhNotes = map[Key]string{}
