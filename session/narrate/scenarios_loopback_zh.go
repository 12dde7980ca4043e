package narrate

// zhScenariosLoopback is enScenariosLoopback in Chinese.
var zhScenariosLoopback = map[Key]string{
	"scenario.refused.line":   "连接一个没有监听的端口：SYN、RST、ECONNREFUSED",
	"scenario.refused.notice": "回答 SYN 的 RST+ACK 是内核自己发的，没有任何程序参与；connect() 立即以 ECONNREFUSED 失败，不会重试。",

	"scenario.abort.line":   "SO_LINGER 0 关闭：发 RST 而不是 FIN，对端 recv 得到 ECONNRESET",
	"scenario.abort.notice": "没有 FIN，也没有 TIME-WAIT：RST 让两端同时丢弃连接，对端在下一次 recv() 时以 ECONNRESET 得知。",

	"scenario.half-close.line":   "shutdown(SHUT_WR)：客户端不再发送，服务器继续发送，然后关闭",
	"scenario.half-close.notice": "客户端的 FIN 之后连接处于半关闭：处于 CLOSE-WAIT 的服务器仍在发送数据，处于 FIN-WAIT-2 的客户端仍在确认它。",

	"scenario.server-first.line":   "服务器先关闭：等待在 TIME-WAIT 的是服务器一端",
	"scenario.server-first.notice": "TIME-WAIT 属于先发 FIN 的一方，不论客户端还是服务器：这里等待 60 秒的是服务器的套接字。",

	"scenario.fin3.line":   "三次挥手：服务器的 FIN 顺带确认客户端的 FIN",
	"scenario.fin3.notice": "Linux 会推迟对 FIN 的确认（延迟 ACK）；服务器立即关闭，于是 FIN、FIN+ACK、ACK：三个报文段而不是四个。",

	"scenario.time-wait.line":   "内核中 TIME-WAIT 的倒计时，然后再次连接同一个四元组",
	"scenario.time-wait.notice": "sock_diag 显示客户端套接字处于 TIME-WAIT，60 秒计时器在走；从同一个绑定端口发起的 connect 会立即接管这个四元组（TCP 时间戳能区分新旧两个连接），新 ISN 比旧连接高 65537。",

	"scenario.close-wait.line":   "服务器读到 FIN 却一直不关闭：停留在 CLOSE-WAIT",
	"scenario.close-wait.notice": "内核已经确认了对方的 FIN，但自己的 FIN 只有应用程序能发：在它调用 close() 之前，套接字一直处于 CLOSE-WAIT，就像泄漏套接字的服务器上 `ss -tan` 显示的那样。",

	"scenario.backlog.line":   "listen 积压队列为 1 且不 accept：第三个客户端的 SYN 被丢弃并重发",
	"scenario.backlog.notice": "Linux 的全连接队列能放 backlog+1 个已完成的握手；队列满时新 SYN 被悄悄丢弃（没有 RST），客户端 1 秒后重发（Linux 6.7 起前四次重发都间隔 1 秒，之后才加倍），直到服务器 accept。",

	"scenario.framing.line":   "粘包：三次写入，一次读出",
	"scenario.framing.notice": "每次 send() 都单独成为一个报文段，一次 recv() 却读出了全部字节：TCP 交付的是字节流而不是消息，接收方要靠分隔符（作业里的 ##）或长度字段才能找到每条消息的结尾。",

	"scenario.nagle.line":   "小块写入：先开 TCP_NODELAY，再用 Nagle 算法对上延迟 ACK",
	"scenario.nagle.notice": "开了 TCP_NODELAY，每次一字节的 send() 都是一个报文段；用 Nagle 算法时同一时刻只能有一个未确认的小报文段，接收方的延迟 ACK（40 毫秒）让其余字节一直等到一起发出。",

	"scenario.zero-window.line":   "接收方不再读取：窗口为 0，坚持探测，窗口更新",
	"scenario.zero-window.notice": "接收缓冲区满了就通告窗口 0，发送方随即停下；它的坚持计时器以越来越长的间隔探测窗口（Linux 发送一个比下一个序号小 1 的空报文段，Wireshark 称之为保活），直到接收方读取后窗口重新打开。",

	"scenario.keepalive.line":   "1 秒计时器的保活：内核探测空闲连接，对端回 ACK",
	"scenario.keepalive.notice": "两个程序都什么也没做：静默 TCP_KEEPIDLE 之后，内核发送一个比下一个序号小 1 的空报文段，对端必须回一个 ACK；之后每隔 TCP_KEEPINTVL 再来一次（Linux 默认为 2 小时和 75 秒）。",

	"scenario.bulk.line":   "一次 send() 发送 2 MB：窗口缩放、不断增大的窗口、一个 ACK 确认多个报文段",
	"scenario.bulk.notice": "16 位的窗口字段最多只能表示 64 KB，所以双方在 SYN 里约定缩放因子；接收方内核调整缓冲区，窗口随之增大；一个 ACK 常常确认两个或更多报文段（延迟 ACK）。",

	"scenario.ipv6.line":   "在 ::1 上做作业：同样的交互走 IPv6",
	"scenario.ipv6.notice": "TCP 没有变化：同样的报文段和状态；变的只是网络层——40 字节、没有校验和的 IPv6 首部，以及 128 位地址。",

	"scenario.udp.line":   "同样的消息走 UDP：没有握手、没有 ACK、没有关闭",
	"scenario.udp.notice": "第一个数据报就带着数据，没有任何确认（丢了的数据报就是丢了），close() 什么也不发：服务器永远不知道客户端已经离开。",

	"scenario.tcp-vs-udp.line":   "同样的消息先走 TCP、再走 UDP，发往同一个端口号",
	"scenario.tcp-vs-udp.notice": "TCP 需要 17 个报文段（握手、每条消息和回显各一个 ACK、四次挥手），UDP 只要 5 个数据报，只有消息本身；TCP 和 UDP 的端口互不相干，所以两个套接字用的是同一个号码。",
}
