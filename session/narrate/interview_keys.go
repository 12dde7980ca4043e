package narrate

// enInterviewKeys holds the English key texts of the explain and quiz
// screens (the key tables of ui/interview: key, keydesc, bar) and their
// screen labels.
var enInterviewKeys = map[Key]string{
	"explain.key.next":        "Enter",
	"explain.keydesc.next":    "jump to the next key packet and pause there (Space plays on to it)",
	"explain.bar.next":        "Enter next key packet",
	"explain.key.step":        "Space, ← / →",
	"explain.keydesc.step":    "layers: the next or previous step of encapsulation and decapsulation",
	"explain.bar.step":        "Space/→ next step",
	"explain.key.answer":      "a",
	"explain.keydesc.answer":  "show or hide the model answer (it shows by itself at the end)",
	"explain.bar.answer":      "a answer",
	"explain.key.follow":      "1 … 9",
	"explain.keydesc.follow":  "open follow-up question N: the topic or scenario that shows it",
	"explain.bar.follow":      "1-9 follow-up",
	"explain.key.back":        "Esc",
	"explain.keydesc.back":    "back to the topic the follow-up was opened from",
	"explain.bar.back":        "Esc back",
	"explain.key.help":        "?",
	"explain.keydesc.help":    "layers: this list of keys (on the ladder, its own ? lists these too)",
	"explain.bar.help":        "? keys",
	"explain.key.quit":        "q, Ctrl-C",
	"explain.keydesc.quit":    "layers: quit (on the ladder, its own q)",
	"explain.bar.quit":        "q quit",
	"explain.keys.col.key":    "Key",
	"explain.keys.col.does":   "What it does",
	"explain.ui.screen.title": "explain %[1]s",
	"explain.layers.unit":     "↑ the %[1]s now: %[2]d bytes",
}

// zhInterviewKeys holds the Chinese key texts of the explain and quiz
// screens.
var zhInterviewKeys = map[Key]string{
	"explain.key.next":        "回车",
	"explain.keydesc.next":    "直接跳到下一个关键报文并在那里暂停（空格则播放到那里）",
	"explain.bar.next":        "回车 下一个关键报文",
	"explain.key.step":        "空格、← / →",
	"explain.keydesc.step":    "分层：封装与解封装的下一步或上一步",
	"explain.bar.step":        "空格/→ 下一步",
	"explain.key.answer":      "a",
	"explain.keydesc.answer":  "显示或隐藏参考答案（播放结束时自动显示）",
	"explain.bar.answer":      "a 答案",
	"explain.key.follow":      "1 … 9",
	"explain.keydesc.follow":  "打开第 N 个追问：展示它的主题或场景",
	"explain.bar.follow":      "1-9 追问",
	"explain.key.back":        "Esc",
	"explain.keydesc.back":    "返回打开这个追问之前的主题",
	"explain.bar.back":        "Esc 返回",
	"explain.key.help":        "?",
	"explain.keydesc.help":    "分层：显示这份按键列表（时序图上它自己的 ? 也列出这些）",
	"explain.bar.help":        "? 按键",
	"explain.key.quit":        "q、Ctrl-C",
	"explain.keydesc.quit":    "分层：退出（时序图上用它自己的 q）",
	"explain.bar.quit":        "q 退出",
	"explain.keys.col.key":    "按键",
	"explain.keys.col.does":   "作用",
	"explain.ui.screen.title": "讲解 %[1]s",
	"explain.layers.unit":     "↑ 现在的%[1]s：%[2]d 字节",
}

// enExplainSource and zhExplainSource say where an exchange comes from
// when it is not the topic's own.
var enExplainSource = map[Key]string{
	"explain.ui.file":             "played from your capture %[1]s",
	"explain.ui.standin.recorded": "the recorded loop exchange stands in for scenario %[1]s (it is played live only with a capture)",
}

var zhExplainSource = map[Key]string{
	"explain.ui.file":             "播放你的抓包 %[1]s",
	"explain.ui.standin.recorded": "用录制的 loop 交互代替场景 %[1]s（只有能实时抓包时才现场运行它）",
}

// enCompare and zhCompare label the tcp-vs-udp difference table filled
// from a run.
var enCompare = map[Key]string{
	"explain.compare.title":          "Measured in this run (first TCP connection, first UDP flow):",
	"explain.compare.packets":        "packets",
	"explain.compare.before":         "packets before the first data",
	"explain.compare.first":          "time to the first data byte",
	"explain.compare.setup":          "time before data may be sent",
	"explain.compare.header":         "transport header per packet",
	"explain.compare.overhead":       "header bytes / data bytes",
	"explain.compare.empty":          "packets without data",
	"explain.compare.loss":           "on loss",
	"explain.compare.bytes":          "%[1]d B",
	"explain.compare.bytes.range":    "%[1]d–%[2]d B",
	"explain.compare.ratio":          "%[1]d / %[2]d",
	"explain.compare.loss.tcp":       "%[1]d resent, %[2]d lost",
	"explain.compare.loss.udp":       "%[2]d lost, none resent",
	"explain.compare.loss.udp.fixed": "lost for good",
	"explain.compare.noudp":          "This exchange has no UDP (the tcp-vs-udp scenario is not in this build yet): the UDP cells marked * are what the protocol fixes, not a measurement.",
}

var zhCompare = map[Key]string{
	"explain.compare.title":          "本次运行实测（第一个 TCP 连接，第一个 UDP 流）：",
	"explain.compare.packets":        "报文数",
	"explain.compare.before":         "第一个数据之前的报文数",
	"explain.compare.first":          "到第一个数据字节的时间",
	"explain.compare.setup":          "可以开始发数据之前的时间",
	"explain.compare.header":         "每个报文的传输层首部",
	"explain.compare.overhead":       "首部字节 / 数据字节",
	"explain.compare.empty":          "不带数据的报文",
	"explain.compare.loss":           "丢包时",
	"explain.compare.bytes":          "%[1]d 字节",
	"explain.compare.bytes.range":    "%[1]d–%[2]d 字节",
	"explain.compare.ratio":          "%[1]d / %[2]d",
	"explain.compare.loss.tcp":       "重传 %[1]d，丢失 %[2]d",
	"explain.compare.loss.udp":       "丢失 %[2]d，不重发",
	"explain.compare.loss.udp.fixed": "丢了不重发",
	"explain.compare.noudp":          "这次交互没有 UDP（本版本还没有 tcp-vs-udp 场景）：标 * 的 UDP 格子是协议规定的值，不是测量值。",
}
