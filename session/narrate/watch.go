package narrate

// The messages of `watch` and of the live columns of the stream list.
var enWatch = map[Key]string{
	"watch.title":          "handshake-viz watch · %[1]s",
	"watch.listening":      "listening on %[1]s",
	"watch.own_procs":      "after dropping root, only your own processes can be named (this build cannot keep the capability to read other users' /proc/PID/fd)",
	"browser.col.state":    "State (client/server)",
	"browser.col.process":  "Process",
	"browser.capturing":    "capturing live",
	"browser.kernel_drops": "%[1]d dropped by the kernel",
}

var zhWatch = map[Key]string{
	"watch.title":          "handshake-viz 实时观察 · %[1]s",
	"watch.listening":      "正在监听 %[1]s",
	"watch.own_procs":      "放弃 root 之后只能显示你自己的进程名（此构建无法保留读取其他用户 /proc/PID/fd 的能力）",
	"browser.col.state":    "状态（客户端/服务器）",
	"browser.col.process":  "进程",
	"browser.capturing":    "正在实时抓包",
	"browser.kernel_drops": "内核丢弃了 %[1]d 个",
}
