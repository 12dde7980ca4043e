package ladder

// TextArrowWidth is the number of cells of an arrow of the text ladder
// (TextWriter): the exporters that animate or colour its lines find the
// arrow by it.
const TextArrowWidth = textArrowWidth
