package narrate

// enQuiz holds the English texts of `quiz`. Questions take %[1]d the
// packet's number, %[2]s its sender and %[3]s its receiver.
var enQuiz = map[Key]string{
	"quiz.ask.flags":    "Packet %[1]d goes from the %[2]s to the %[3]s. Which flags does it carry?",
	"quiz.ask.seq":      "Packet %[1]d goes from the %[2]s to the %[3]s. What is its relative sequence number?",
	"quiz.ask.ack":      "Packet %[1]d goes from the %[2]s to the %[3]s. What does it acknowledge (relative)?",
	"quiz.ask.len":      "Packet %[1]d goes from the %[2]s to the %[3]s. How many bytes of data does it carry?",
	"quiz.ask.state":    "Packet %[1]d goes from the %[2]s to the %[3]s. After it arrives, what are the states?",
	"quiz.option.state": "client %[1]s · server %[2]s",
	"quiz.right":        "✓ Right: %[1]s.",
	"quiz.wrong":        "✗ Not quite: it was %[1]s.",
	"quiz.score":        "Score: %[1]d of %[2]d",
	"quiz.done":         "Done: %[1]d of %[2]d right. q quits; the ladder stays to look at.",
	"quiz.none":         "%[1]s has no TCP segments to ask about: try another capture or topic",
}

// zhQuiz holds the Chinese texts of `quiz`.
var zhQuiz = map[Key]string{
	"quiz.ask.flags":    "第 %[1]d 个报文从%[2]s发往%[3]s。它带哪些标志位？",
	"quiz.ask.seq":      "第 %[1]d 个报文从%[2]s发往%[3]s。它的相对序列号是多少？",
	"quiz.ask.ack":      "第 %[1]d 个报文从%[2]s发往%[3]s。它确认到哪里（相对确认号）？",
	"quiz.ask.len":      "第 %[1]d 个报文从%[2]s发往%[3]s。它带多少字节数据？",
	"quiz.ask.state":    "第 %[1]d 个报文从%[2]s发往%[3]s。它到达之后两端是什么状态？",
	"quiz.option.state": "客户端 %[1]s · 服务器 %[2]s",
	"quiz.right":        "✓ 答对了：%[1]s。",
	"quiz.wrong":        "✗ 不对：应该是 %[1]s。",
	"quiz.score":        "得分：%[1]d / %[2]d",
	"quiz.done":         "完成。得分：答对 %[1]d 题，共 %[2]d 题。按 q 退出。",
	"quiz.none":         "%[1]s 里没有可以提问的 TCP 报文段：换一个抓包或主题试试",
}
