package narrate

// The ladder screen's export and save keys (ui/screen_export.go).
var enScreenExport = map[Key]string{
	"ui.key.export":     "x",
	"ui.keydesc.export": "export this connection's ladder: then a, m, p, s, j or c picks the format (never over an existing file)",
	"ui.bar.export":     "x export",
	"ui.key.save":       "w",
	"ui.keydesc.save":   "save this ladder's packets as a pcapng file (never over an existing file)",
	"ui.bar.save":       "w save",
	"ui.export.ask":     "Export this connection as: a ascii · m Mermaid · p PlantUML · s SVG · j JSON · c asciinema recording (any other key: cancel)",
	"ui.export.done":    "Exported to %s",
	"ui.export.failed":  "Export failed: %v",
	"ui.save.done":      "Packets saved to %s",
	"ui.save.failed":    "Saving failed: %v",
}

var zhScreenExport = map[Key]string{
	"ui.key.export":     "x",
	"ui.keydesc.export": "导出这个连接的时序图：再按 a、m、p、s、j 或 c 选格式（绝不覆盖已有文件）",
	"ui.bar.export":     "x 导出",
	"ui.key.save":       "w",
	"ui.keydesc.save":   "把这个时序图的报文保存为 pcapng 文件（绝不覆盖已有文件）",
	"ui.bar.save":       "w 保存",
	"ui.export.ask":     "把这个连接导出为：a 文本 · m Mermaid · p PlantUML · s SVG · j JSON · c asciinema 录像（按其他键取消）",
	"ui.export.done":    "已导出到 %s",
	"ui.export.failed":  "导出失败：%v",
	"ui.save.done":      "报文已保存到 %s",
	"ui.save.failed":    "保存失败：%v",
}
