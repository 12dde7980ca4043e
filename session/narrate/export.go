package narrate

// enExport and zhExport are the lines `handshake-viz export` prints
// besides the export itself.
var enExport = map[Key]string{
	"export.mermaid.too-big": "warning: the diagram has %[1]d characters; Mermaid (and GitHub) draw at most %[2]d by default and show \"Maximum text size in diagram exceeded\" instead: export a single stream, or use --format svg",
}

var zhExport = map[Key]string{
	"export.mermaid.too-big": "警告：该图有 %[1]d 个字符；Mermaid（以及 GitHub）默认最多绘制 %[2]d 个字符，超出时只显示 \"Maximum text size in diagram exceeded\"：请只导出一个流，或改用 --format svg",
}
