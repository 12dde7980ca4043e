package narrate

// enBrowser holds the English texts of the stream-list browser (`open`).
var enBrowser = map[Key]string{
	"browser.col.index":     "#",
	"browser.col.proto":     "Proto",
	"browser.col.client":    "Client",
	"browser.col.server":    "Server",
	"browser.col.packets":   "Pkts",
	"browser.col.bytes_cs":  "C→S",
	"browser.col.bytes_sc":  "S→C",
	"browser.col.handshake": "Handshake",
	"browser.col.close":     "Close",
	"browser.col.closed_by": "By",
	"browser.col.retrans":   "Retr",
	"browser.col.rtt":       "RTT",
	"browser.col.duration":  "Duration",

	"browser.reading":   "reading %[1]s / %[2]s",
	"browser.read_live": "reading stdin: %[1]s so far",
	"browser.summary":   "%[1]d TCP streams · %[2]d UDP flows · %[3]d packets",
	"browser.warnings":  "%[1]d warnings",
	"browser.shown":     "showing %[1]d of %[2]d",
	"browser.sort":      "sort: %[1]s %[2]s",
	"browser.filter":    "filter: ",
	"browser.empty":     "no TCP stream or UDP flow (yet)",
	"browser.nomatch":   "no stream matches the filter",
	"browser.warning":   "⚠ %[1]s",
	"browser.more":      " (+%[1]d more)",
	"browser.stopped":   "⚠ reading stopped: %[1]v",
	"browser.opening":   "opening %[1]s %[2]d…",
	"browser.open_err":  "⚠ cannot open %[1]s %[2]d: %[3]v",
	"browser.tcp":       "stream",
	"browser.udp":       "UDP flow",
	"browser.hint":      "Enter open · / filter · s sort · S reverse · ? keys · q quit",
	"browser.back":      "Esc: list",

	"browser.help.title": " Keys ",
	"browser.help.body": `↑ ↓ PgUp PgDn Home End    move in the list (or the mouse wheel)
Enter                     open the stream's ladder
Esc                       back from the ladder to the list; clear the filter
/                         filter: type words, all must match —
                          an address, a port, tcp, udp, rst, fin3, fin4,
                          incomplete, refused, half-closed, retrans, …
s                         sort by the next column (or click a header)
S                         reverse the sort
?                         this help (any key closes it)
q                         quit`,
}

// zhBrowser holds the Chinese texts of the stream-list browser (`open`).
var zhBrowser = map[Key]string{
	"browser.col.index":     "#",
	"browser.col.proto":     "协议",
	"browser.col.client":    "客户端",
	"browser.col.server":    "服务器",
	"browser.col.packets":   "包数",
	"browser.col.bytes_cs":  "客→服",
	"browser.col.bytes_sc":  "服→客",
	"browser.col.handshake": "握手",
	"browser.col.close":     "关闭",
	"browser.col.closed_by": "关闭方",
	"browser.col.retrans":   "重传",
	"browser.col.rtt":       "RTT",
	"browser.col.duration":  "时长",

	"browser.reading":   "读取中 %[1]s / %[2]s",
	"browser.read_live": "读取标准输入：已读 %[1]s",
	"browser.summary":   "%[1]d 条 TCP 流 · %[2]d 个 UDP 流 · %[3]d 个包",
	"browser.warnings":  "%[1]d 条警告",
	"browser.shown":     "显示 %[1]d / %[2]d",
	"browser.sort":      "排序：%[1]s %[2]s",
	"browser.filter":    "过滤：",
	"browser.empty":     "（还）没有 TCP 流或 UDP 流",
	"browser.nomatch":   "没有符合过滤条件的流",
	"browser.warning":   "⚠ %[1]s",
	"browser.more":      "（另有 %[1]d 条）",
	"browser.stopped":   "⚠ 读取中止：%[1]v",
	"browser.opening":   "正在打开%[1]s %[2]d…",
	"browser.open_err":  "⚠ 无法打开%[1]s %[2]d：%[3]v",
	"browser.tcp":       "TCP 流",
	"browser.udp":       "UDP 流",
	"browser.hint":      "Enter 打开 · / 过滤 · s 排序 · S 反向 · ? 按键 · q 退出",
	"browser.back":      "Esc：列表",

	"browser.help.title": " 按键 ",
	"browser.help.body": `↑ ↓ PgUp PgDn Home End    在列表中移动（或滚动鼠标）
Enter                     打开该流的时序图
Esc                       从时序图返回列表；清除过滤
/                         过滤：输入词语，须全部匹配——
                          地址、端口、tcp、udp、rst、fin3、fin4、
                          incomplete、refused、half-closed、retrans……
s                         按下一列排序（或点击表头）
S                         反向排序
?                         本帮助（按任意键关闭）
q                         退出`,
}
