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
	"explain.keydesc.help":    "this list of keys",
	"explain.bar.help":        "? keys",
	"explain.key.quit":        "q, Ctrl-C",
	"explain.keydesc.quit":    "quit",
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
	"explain.keydesc.help":    "显示这份按键列表",
	"explain.bar.help":        "? 按键",
	"explain.key.quit":        "q、Ctrl-C",
	"explain.keydesc.quit":    "退出",
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
	"explain.ui.standin.recorded": "no live capture here: the recorded loop exchange stands in for scenario %[1]s",
}

var zhExplainSource = map[Key]string{
	"explain.ui.file":             "播放你的抓包 %[1]s",
	"explain.ui.standin.recorded": "这里无法实时抓包：用录制的 loop 交互代替场景 %[1]s",
}
