package narrate

// zhScenariosWire is enScenariosWire in Chinese.
var zhScenariosWire = map[Key]string{
	"note.dropped":                       "线路丢弃了这个 [%[13]s] 报文段：它永远不会到达。%[5]s已经发出它，处于 %[8]s；%[6]s对此一无所知，仍处于 %[9]s。占用序列号的内容（数据、SYN、FIN）会在%[5]s的重传定时器超时后重发，收到重复 ACK 时会更早重发；丢失的纯 ACK 不会自己重发：对端重传后才会引出一个新的 ACK。",
	"scenario.lost-syn.line":             "客户端的第一个 SYN 在线路上丢失：大约一秒后它重发，然后握手完成。",
	"scenario.lost-syn.notice":           "注意两个序列号相同、相隔约 1 秒的 SYN：SYN 的首次重传超时（RTO）是 1 秒，因为此时还不知道往返时间。第二个 SYN 到达之前，服务器一直处于 LISTEN。",
	"scenario.lost-synack.line":          "服务器的 SYN-ACK 丢失：客户端停留在 SYN-SENT，直到 SYN-ACK 再次到来。",
	"scenario.lost-synack.notice":        "注意两端都有定时器：客户端约 1 秒后重发 SYN，服务器约 1 秒后重发 SYN-ACK；服务器一直处于 SYN-RECEIVED，只持有一个小小的请求套接字（SYN 队列）。",
	"scenario.lost-ack.line":             "握手的第三个 ACK 丢失：客户端已是 ESTABLISHED 并开始发送数据，而服务器仍处于 SYN-RECEIVED。",
	"scenario.lost-ack.notice":           "注意没有任何重传：客户端的第一个数据段带着同样的确认号，它到达时握手完成，服务器进入 ESTABLISHED，accept() 这时才返回。握手是三个报文段，但第三个不必单独到达。",
	"scenario.lost-data.line":            "一串数据中的一个报文段丢失：接收方发送带 SACK 块的重复 ACK，发送方快速重传。",
	"scenario.lost-data.notice":          "注意重复 ACK：缺口之后的每个报文段都用同一个确认号（第一个缺失的字节）来确认，SACK 说明哪些块已经到达；发送方在一毫秒内重传丢失的报文段（快速重传），不必等待 200 毫秒的定时器。",
	"scenario.lost-fin.line":             "客户端的 FIN 丢失：它停留在 FIN-WAIT-1 并重发 FIN；在此之前服务器一直是 ESTABLISHED。",
	"scenario.lost-fin.notice":           "注意 FIN 占用一个序列号，像数据一样会被重传（这里约 200 毫秒后）；在 FIN 到达之前，服务器无从知道客户端已经关闭。",
	"scenario.lost-final-ack.line":       "关闭时的最后一个 ACK 丢失：处于 LAST-ACK 的服务器重发 FIN，处于 TIME-WAIT 的客户端再次确认。",
	"scenario.lost-final-ack.notice":     "注意 FIN 被发送了两次：这就是先关闭的一方要在 TIME-WAIT 等待（2*MSL）而不是立即消失的原因；如果它已经消失，重发的 FIN 只会得到一个 RST。",
	"scenario.filtered.line":             "过滤器丢弃每一个 SYN：客户端以逐渐变长的间隔重发，最后 connect 以 ETIMEDOUT 失败。",
	"scenario.filtered.notice":           "注意这里一片沉默：没有 SYN-ACK，也没有 RST（对比 refused，它立即回应）。Linux 先以 1 秒间隔重发最初的几个 SYN，之后间隔加倍；TCP_SYNCNT（--syn-retries）决定在 ETIMEDOUT 之前重发几次。",
	"scenario.simultaneous-open.line":    "两端同时互相连接，它们的 SYN 在线路上交叉：各自进入 SYN-RECEIVED，各自发送 SYN-ACK，没有任何一方在监听。",
	"scenario.simultaneous-open.notice":  "注意是四个报文段而不是三个：SYN、SYN、SYN-ACK、SYN-ACK。RFC 9293 允许这种情况（图 8）；这里没有服务器，也没有 accept()，两个 connect() 都成功。",
	"scenario.simultaneous-close.line":   "两端同时关闭，它们的 FIN 交叉：各自在 FIN-WAIT-1 收到 FIN，经过 CLOSING 进入 TIME-WAIT。",
	"scenario.simultaneous-close.notice": "注意 CLOSING 这个在常见的四次挥手中看不到的状态，以及两端都以 TIME-WAIT 结束，因为两端都是主动关闭。",
}
