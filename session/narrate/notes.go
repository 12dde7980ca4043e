package narrate

// Narration of events, one sentence per session.NoteID key. Explain fills
// in the same arguments for every note; a template uses the ones it needs:
//
//	%[1]d  sequence number          %[2]d  acknowledgment number
//	%[3]d  relative sequence number %[4]d  relative acknowledgment number
//	%[5]d  payload bytes            %[6]d  next sequence number (seq + payload + SYN/FIN)
//	%[7]d  relative next sequence   %[8]s  sender role    %[9]s receiver role
//	%[10]d window (unscaled)        %[11]s sender state   %[12]s receiver state
//	%[13]s sender address:port      %[14]s receiver address:port
//	%[15]d sender port              %[16]s TCP flags
//
// Every template must use at least one argument (fmt appends EXTRA
// otherwise); explain_test.go checks it.

// enNotes holds the English narration of events (one sentence per NoteID).
var enNotes = map[Key]string{
	"note.role.client": "client",
	"note.role.server": "server",

	"note.syn":                 "Handshake 1/3: the %[8]s asks to connect and picks its initial sequence number %[1]d; sending the SYN makes it SYN-SENT. A listening %[9]s is SYN-RECEIVED as soon as the SYN arrives. A SYN uses one sequence number, so the %[9]s will acknowledge %[6]d.",
	"note.syn_retransmit":      "The %[8]s sends its SYN again, with the same initial sequence number %[1]d: no SYN+ACK came back in time, so it retries and waits longer each time.",
	"note.simultaneous_open":   "Simultaneous open: the %[8]s sends its own SYN (sequence number %[1]d) while the %[9]s's SYN is on its way. Both ends are now SYN-RECEIVED and each must acknowledge the other's SYN.",
	"note.synack":              "Handshake 2/3: the %[8]s accepts. Its SYN+ACK acknowledges %[2]d (the %[9]s's initial sequence number + 1) and picks its own initial sequence number %[1]d, which the %[9]s will acknowledge with %[6]d. The %[9]s is ESTABLISHED as soon as it arrives; the %[8]s stays SYN-RECEIVED until that acknowledgment comes.",
	"note.synack_retransmit":   "The %[8]s sends its SYN+ACK again (initial sequence number %[1]d): the last ACK of the handshake has not arrived.",
	"note.handshake_ack":       "Handshake 3/3: the %[8]s acknowledges %[2]d, the %[9]s's initial sequence number + 1. Both ends are ESTABLISHED: data can flow, starting at relative sequence number %[3]d.",
	"note.data":                "The %[8]s sends %[5]d bytes at relative sequence number %[3]d; once they arrive, the %[9]s acknowledges relative %[7]d, the next byte it expects.",
	"note.data_ack":            "The %[8]s sends %[5]d bytes at relative sequence number %[3]d and, in the same segment, acknowledges everything the %[9]s sent before relative %[4]d.",
	"note.ack":                 "The %[8]s acknowledges: it has every byte before relative sequence number %[4]d and expects that one next. An ACK without data uses no sequence number.",
	"note.fin_first":           "The %[8]s closes its sending side: FIN at relative sequence number %[3]d, and it enters FIN-WAIT-1. The %[9]s learns no more data will come and enters CLOSE-WAIT, but may still send. A FIN uses one sequence number, so it is acknowledged with %[6]d.",
	"note.fin_acked":           "The %[8]s acknowledges the FIN (ACK %[2]d). The %[9]s, its FIN acknowledged, waits in FIN-WAIT-2 for the other FIN; the %[8]s stays in CLOSE-WAIT until its application closes too.",
	"note.fin_second":          "The %[8]s has sent everything and closes too: sending its FIN at relative sequence number %[3]d moves it to LAST-ACK, waiting for the last acknowledgment (%[6]d). The %[9]s, in FIN-WAIT-2, enters TIME-WAIT as soon as this FIN arrives.",
	"note.fin_ack_3way":        "The %[8]s closes and acknowledges in one segment: its FIN+ACK acknowledges the %[9]s's FIN (ACK %[2]d) and carries its own FIN, so the close takes three segments instead of four. The %[8]s is LAST-ACK; the %[9]s, in FIN-WAIT-1, gets the ACK of its FIN and the peer's FIN at once and enters TIME-WAIT.",
	"note.fin_simultaneous":    "Simultaneous close: the %[8]s sent its FIN before the %[9]s's FIN reached it, so the two FINs cross. Each end got a FIN while its own was not yet acknowledged: both are CLOSING.",
	"note.final_ack":           "The %[8]s acknowledges the last FIN (ACK %[2]d); when it arrives the %[9]s leaves LAST-ACK and is CLOSED. The %[8]s has been in TIME-WAIT since that FIN arrived and stays there for 2*MSL, so that late segments of this connection die out before the same ports can be reused, and so it can send this ACK again if it is lost.",
	"note.closing_ack":         "The %[8]s acknowledges the %[9]s's FIN (ACK %[2]d). The %[9]s was CLOSING and enters TIME-WAIT for 2*MSL, so that late segments die out and its last ACK can be sent again if needed.",
	"note.half_close_data":     "Half-close: the %[9]s has sent its FIN but still receives, so the %[8]s keeps sending: %[5]d bytes at relative sequence number %[3]d.",
	"note.rst":                 "The %[8]s resets the connection (RST): both ends drop it at once, without the FIN exchange, and data not yet acknowledged is lost. Nobody acknowledges an RST.",
	"note.refused":             "Connection refused: nothing listens on port %[15]d, so the %[8]s answers the SYN with RST (ACK %[2]d). The %[9]s gives up: CLOSED. The port was CLOSED all along: a capture cannot tell at the SYN whether anything listens, so the SYN showed the %[8]s as a listener in SYN-RECEIVED.",
	"note.retransmission":      "Retransmission: the %[8]s sends again what it already sent at relative sequence number %[3]d, because no acknowledgment came in time (or duplicate ACKs reported it lost).",
	"note.out_of_order":        "Out of order: this segment (relative sequence number %[3]d, %[5]d bytes) arrives after later bytes of the %[8]s; the %[9]s keeps it and waits for the gap to fill.",
	"note.dup_ack":             "Duplicate ACK: the %[8]s acknowledges relative %[4]d again, with nothing new. While data is flowing this means a segment after %[4]d did not arrive, and three duplicates make the %[9]s retransmit at once (fast retransmit).",
	"note.window_update":       "Window update: the %[8]s only announces a new receive window of %[10]d (unscaled), so the %[9]s may send more.",
	"note.zero_window":         "Zero window: the %[8]s's receive buffer is full (window %[10]d); the %[9]s must stop sending and probe until the window opens.",
	"note.keep_alive":          "Keep-alive: the %[8]s sends a probe one byte before its next sequence number to check that the %[9]s is still there; the answer is a plain ACK.",
	"note.mid_stream":          "The capture starts in the middle of this connection: no handshake was seen, so both ends are taken as ESTABLISHED and numbers count from this first segment (relative sequence number %[3]d).",
	"note.segment":             "The %[8]s sends a segment with flags %[16]s.",
	"note.syn_no_listener":     "The %[8]s asks to connect (SYN, initial sequence number %[1]d), but nothing listens on port %[15]d of the %[9]s: its TCP will answer with RST, and the port stays CLOSED.",
	"note.refused_known":       "Connection refused: nothing listens on port %[15]d, so the %[8]s, CLOSED, answers the SYN with RST (ACK %[2]d). The %[9]s gives up: CLOSED; connect() fails with ECONNREFUSED.",
	"note.rst_ignored":         "The %[8]s sends an RST that does not acknowledge the %[9]s's SYN. RFC 9293 says an end in SYN-SENT drops such an RST (it may be forged or stale): nothing changes and the handshake goes on.",
	"note.synack_simultaneous": "Simultaneous open: the %[8]s acknowledges the %[9]s's SYN (ACK %[2]d), repeating its own SYN (sequence number %[1]d). When it arrives the %[9]s, in SYN-RECEIVED, is ESTABLISHED.",
	"note.datagram":            "UDP datagram from %[13]s to %[14]s: %[5]d bytes, with no connection, no sequence number and no acknowledgment; if it is lost, nobody sends it again.",
}

// zhNotes holds the Chinese narration of events.
var zhNotes = map[Key]string{
	"note.role.client": "客户端",
	"note.role.server": "服务器",

	"note.syn":                 "握手 1/3：%[8]s请求建立连接，并选定初始序列号 %[1]d；发出 SYN 后它进入 SYN-SENT。正在监听的%[9]s一收到 SYN 就进入 SYN-RECEIVED。SYN 占用一个序列号，所以%[9]s将确认 %[6]d。",
	"note.syn_retransmit":      "%[8]s再次发送 SYN，初始序列号仍是 %[1]d：没有及时收到 SYN+ACK，于是重试，每次等得更久。",
	"note.simultaneous_open":   "同时打开：%[9]s的 SYN 还在路上，%[8]s也发出了自己的 SYN（序列号 %[1]d）。两端都进入 SYN-RECEIVED，各自都要确认对方的 SYN。",
	"note.synack":              "握手 2/3：%[8]s同意连接。SYN+ACK 确认 %[2]d（%[9]s的初始序列号 + 1），并选定自己的初始序列号 %[1]d，%[9]s将用 %[6]d 确认它。%[9]s一收到它就进入 ESTABLISHED；%[8]s停在 SYN-RECEIVED，直到收到这个确认。",
	"note.synack_retransmit":   "%[8]s再次发送 SYN+ACK（初始序列号 %[1]d）：握手的最后一个 ACK 还没有到。",
	"note.handshake_ack":       "握手 3/3：%[8]s确认 %[2]d，即%[9]s的初始序列号 + 1。两端都进入 ESTABLISHED，可以传数据了，从相对序列号 %[3]d 开始。",
	"note.data":                "%[8]s在相对序列号 %[3]d 发送 %[5]d 字节；收到后%[9]s会确认相对序列号 %[7]d，也就是它期待的下一个字节。",
	"note.data_ack":            "%[8]s在相对序列号 %[3]d 发送 %[5]d 字节，并在同一个报文段里确认了%[9]s在相对序列号 %[4]d 之前发来的全部数据。",
	"note.ack":                 "%[8]s发出确认：相对序列号 %[4]d 之前的字节都已收到，下一个期待的就是 %[4]d。不带数据的 ACK 不占用序列号。",
	"note.fin_first":           "%[8]s关闭自己的发送方向：在相对序列号 %[3]d 发出 FIN，进入 FIN-WAIT-1。%[9]s得知不会再有数据，进入 CLOSE-WAIT，但它仍然可以发送。FIN 占用一个序列号，所以确认号是 %[6]d。",
	"note.fin_acked":           "%[8]s确认了这个 FIN（ACK %[2]d）。%[9]s的 FIN 已被确认，在 FIN-WAIT-2 等待另一个 FIN；%[8]s停在 CLOSE-WAIT，直到它的应用程序也关闭连接。",
	"note.fin_second":          "%[8]s的数据已经发完，也关闭连接：在相对序列号 %[3]d 发出 FIN，进入 LAST-ACK，等待最后一个确认（%[6]d）。处于 FIN-WAIT-2 的%[9]s一收到这个 FIN 就进入 TIME-WAIT。",
	"note.fin_ack_3way":        "%[8]s把关闭和确认放在一个报文段里：FIN+ACK 确认了%[9]s的 FIN（ACK %[2]d），同时带上自己的 FIN，所以关闭只用三个报文段而不是四个。%[8]s进入 LAST-ACK；处于 FIN-WAIT-1 的%[9]s同时收到对自己 FIN 的确认和对方的 FIN，直接进入 TIME-WAIT。",
	"note.fin_simultaneous":    "同时关闭：%[8]s在收到%[9]s的 FIN 之前就发出了自己的 FIN，两个 FIN 交错而过。两端都在自己的 FIN 尚未被确认时收到了对方的 FIN：都进入 CLOSING。",
	"note.final_ack":           "%[8]s确认最后一个 FIN（ACK %[2]d）；%[9]s收到后离开 LAST-ACK，进入 CLOSED。%[8]s从收到那个 FIN 起就处于 TIME-WAIT，并在那里等待 2*MSL：让这个连接迟到的报文段在网络中消失，之后同样的端口才能复用；如果这个 ACK 丢了，还能再发一次。",
	"note.closing_ack":         "%[8]s确认%[9]s的 FIN（ACK %[2]d）。%[9]s原本处于 CLOSING，现在进入 TIME-WAIT 等待 2*MSL，让迟到的报文段消失，必要时还能重发最后的 ACK。",
	"note.half_close_data":     "半关闭：%[9]s已经发出 FIN，但仍在接收，所以%[8]s继续发送：在相对序列号 %[3]d 发送 %[5]d 字节。",
	"note.rst":                 "%[8]s重置连接（RST）：两端立即丢弃这个连接，不再交换 FIN，尚未确认的数据会丢失。RST 不需要确认。",
	"note.refused":             "连接被拒绝：%[15]d 端口上没有进程在监听，所以%[8]s用 RST 回应 SYN（ACK %[2]d）。%[9]s放弃连接：CLOSED。这个端口一直是 CLOSED：抓包在 SYN 时无法知道有没有进程在监听，所以 SYN 那一步把%[8]s画成了处于 SYN-RECEIVED 的监听方。",
	"note.retransmission":      "重传：%[8]s在相对序列号 %[3]d 再次发送已经发过的内容，因为没有及时收到确认（或重复 ACK 表明它丢了）。",
	"note.out_of_order":        "乱序：这个报文段（相对序列号 %[3]d，%[5]d 字节）比%[8]s后面的字节到得晚；%[9]s先把它留下，等待空缺补齐。",
	"note.dup_ack":             "重复 ACK：%[8]s再次确认相对序列号 %[4]d，没有带来新内容。在数据传输中，这表示 %[4]d 之后的报文段没有到达；连续三个重复 ACK 会让%[9]s立即重传（快速重传）。",
	"note.window_update":       "窗口更新：%[8]s只是通告新的接收窗口 %[10]d（未缩放），%[9]s可以多发一些了。",
	"note.zero_window":         "零窗口：%[8]s的接收缓冲区满了（窗口 %[10]d）；%[9]s必须停止发送，并不时探测，直到窗口重新打开。",
	"note.keep_alive":          "保活：%[8]s在下一个序列号之前一个字节处发送探测报文，检查%[9]s是否还在；对方会回一个普通的 ACK。",
	"note.mid_stream":          "抓包开始时这个连接已在进行中：没有看到握手，所以两端都视为 ESTABLISHED，序列号从这第一个报文段算起（相对序列号 %[3]d）。",
	"note.segment":             "%[8]s发送了一个标志为 %[16]s 的报文段。",
	"note.syn_no_listener":     "%[8]s请求建立连接（SYN，初始序列号 %[1]d），但%[9]s的 %[15]d 端口上没有进程在监听：它的 TCP 会用 RST 回应，端口一直是 CLOSED。",
	"note.refused_known":       "连接被拒绝：%[15]d 端口上没有进程在监听，所以处于 CLOSED 的%[8]s用 RST 回应 SYN（ACK %[2]d）。%[9]s放弃连接：CLOSED；connect() 返回 ECONNREFUSED。",
	"note.rst_ignored":         "%[8]s发出的 RST 没有确认%[9]s的 SYN。RFC 9293 规定处于 SYN-SENT 的一端丢弃这样的 RST（它可能是伪造的或过时的）：状态不变，握手继续。",
	"note.synack_simultaneous": "同时打开：%[8]s确认%[9]s的 SYN（ACK %[2]d），并重复自己的 SYN（序列号 %[1]d）。它到达时，处于 SYN-RECEIVED 的%[9]s进入 ESTABLISHED。",
	"note.datagram":            "UDP 数据报，从 %[13]s 到 %[14]s：%[5]d 字节。没有连接、没有序列号，也没有确认；丢了也没有人重发。",
}
