package narrate

// enLadder and zhLadder are the ladder's own texts (package ui/ladder and
// its widget): the wire's verdicts, disagreements with the kernel, the
// time column and the ladder's keys.
var enLadder = map[Key]string{
	"ladder.wire.dropped":     "[dropped by the wire]",
	"ladder.wire.delayed":     "[delayed %[1]s by the wire]",
	"ladder.kernel.both":      "⚠ the kernel says: client %[1]s, server %[2]s",
	"ladder.kernel.client":    "⚠ the kernel says: client %[1]s",
	"ladder.kernel.server":    "⚠ the kernel says: server %[1]s",
	"ladder.time.since-start": "time since start",
	"ladder.time.delta":       "Δt since previous",
	"ladder.time.time-of-day": "time of day (UTC)",
	"ladder.text.call":        "call",
	"ladder.text.lost":        "lost",
}

var zhLadder = map[Key]string{
	"ladder.wire.dropped":     "[被线路丢弃]",
	"ladder.wire.delayed":     "[被线路延迟 %[1]s]",
	"ladder.kernel.both":      "⚠ 内核显示：客户端 %[1]s，服务器 %[2]s",
	"ladder.kernel.client":    "⚠ 内核显示：客户端 %[1]s",
	"ladder.kernel.server":    "⚠ 内核显示：服务器 %[1]s",
	"ladder.time.since-start": "距开始的时间",
	"ladder.time.delta":       "与上一个的间隔 Δt",
	"ladder.time.time-of-day": "时刻（UTC）",
	"ladder.text.call":        "调用",
	"ladder.text.lost":        "丢失",
}
