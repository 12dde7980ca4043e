package narrate

// Narration of events, one sentence per session.NoteID key. Explain fills
// in the same arguments for every note; a template uses the ones it needs.
// Every number is in the numbering the ladder shows (relative or raw):
//
//	%[1]d  sequence number          %[2]d  acknowledgment number
//	%[3]d  next sequence number (seq + payload + SYN/FIN)
//	%[4]d  payload bytes            %[5]s  sender role    %[6]s receiver role
//	%[7]s  window, calculated as Wireshark does ("64 × 1024 = 65536" when scaled)
//	%[8]s  sender state after arrival           %[9]s receiver state after arrival
//	%[10]s sender address:port      %[11]s receiver address:port
//	%[12]d sender port              %[13]s TCP flags
//	%[14]d sequence number of the FIN (after the payload)
//	%[15]d receiver port
//
// Every template must use at least one argument (fmt appends EXTRA
// otherwise); explain_test.go checks it.
//
// The note.also.* sentences follow a note for each other role the segment
// plays (explain.go says which, with their own arguments).

// enNotes holds the English narration of events (one sentence per NoteID).
var enNotes = map[Key]string{
	"note.role.client":                  "client",
	"note.role.server":                  "server",
	"note.sentence_sep":                 " ",
	"note.also.isn":                     "Numbers are shown relative to each end's initial sequence number: the %[1]s's ISN %[2]d is shown as 0.",
	"note.also.base":                    "No SYN was captured, so relative numbers count from this segment: the %[1]s's sequence number %[2]d is shown as %[3]d.",
	"note.also.data":                    "It also carries %[1]d bytes of data at sequence number %[2]d.",
	"note.also.acked":                   "That acknowledges %[1]d new bytes.",
	"note.also.ack":                     "It also acknowledges %[1]d bytes from the %[2]s: everything before %[3]d.",
	"note.also.window":                  "It announces a new receive window of %[1]s bytes (it was %[2]s).",
	"note.also.retransmission":          "It is a retransmission ([TCP Retransmission]): the %[1]s sent these bytes before.",
	"note.also.spurious_retransmission": "[TCP Spurious Retransmission]: the %[1]s had already acknowledged these bytes, so this copy was not needed (the ACK was lost or late).",
	"note.also.fast_retransmission":     "[TCP Fast Retransmission]: it answers the duplicate ACKs at once, without waiting for the retransmission timer.",
	"note.also.out_of_order":            "[TCP Out-Of-Order]: it comes after later bytes of the same end.",
	"note.also.dup_ack":                 "Wireshark shows it as [TCP Dup ACK %[1]d#%[2]d]: duplicate number %[2]d of the ACK in frame %[1]d.",
	"note.also.previous_not_captured":   "[TCP Previous segment not captured]: bytes before sequence number %[1]d are missing from the capture.",
	"note.also.zero_window_probe":       "[TCP ZeroWindowProbe]: one byte sent into a zero window to see whether it has opened.",
	"note.also.keep_alive_ack":          "[TCP Keep-Alive ACK]: the answer to a keep-alive probe.",

	"note.syn":                 "Handshake 1/3: the %[5]s asks to connect. Its SYN carries its initial sequence number (ISN), %[1]d, and sending it makes the %[5]s %[8]s. A listening %[6]s is %[9]s as soon as the SYN arrives. A SYN uses one sequence number, so the %[6]s will acknowledge %[3]d.",
	"note.syn_retransmit":      "The %[5]s sends its SYN again, with the same initial sequence number %[1]d: no SYN+ACK came back in time, so it retries, waiting twice as long each time.",
	"note.simultaneous_open":   "Simultaneous open: the %[5]s sends its own SYN (sequence number %[1]d) while the %[6]s's SYN is on its way, so the SYNs cross. Each end gets the other's SYN in SYN-SENT: both are now %[8]s, and each must acknowledge the other's SYN.",
	"note.synack":              "Handshake 2/3: the %[5]s accepts. Its SYN+ACK acknowledges %[2]d (the %[6]s's ISN + 1) and carries its own ISN, %[1]d, which the %[6]s will acknowledge with %[3]d. The %[6]s is %[9]s as soon as it arrives; the %[5]s stays %[8]s until that acknowledgment comes.",
	"note.synack_retransmit":   "The %[5]s sends its SYN+ACK again (ISN %[1]d, acknowledging %[2]d): the last ACK of the handshake has not arrived.",
	"note.handshake_ack":       "Handshake 3/3: the %[5]s acknowledges %[2]d, the %[6]s's ISN + 1. When it arrives the %[6]s is %[9]s too: data can flow, starting at sequence number %[1]d.",
	"note.data":                "The %[5]s sends %[4]d bytes at sequence number %[1]d; once they arrive, the %[6]s acknowledges %[3]d, the next byte it expects.",
	"note.data_ack":            "The %[5]s sends %[4]d bytes at sequence number %[1]d and, in the same segment, acknowledges everything the %[6]s sent before %[2]d.",
	"note.ack":                 "The %[5]s acknowledges: it has every byte before sequence number %[2]d and expects that one next. An ACK without data uses no sequence number.",
	"note.fin_first":           "The %[5]s closes its sending side: its FIN (sequence number %[14]d) makes it %[8]s. When the FIN arrives the %[6]s learns no more data will come and is %[9]s, but it may still send. A FIN uses one sequence number, so it is acknowledged with %[3]d.",
	"note.fin_acked":           "The %[5]s acknowledges the FIN (acknowledgment number %[2]d). When that arrives the %[6]s, its FIN acknowledged, is %[9]s and waits for the other FIN; the %[5]s stays %[8]s until its application closes too.",
	"note.fin_second":          "The %[5]s has sent everything and closes too: sending its FIN (sequence number %[14]d) makes it %[8]s, waiting for the last acknowledgment (%[3]d). The %[6]s, in FIN-WAIT-2, is %[9]s as soon as this FIN arrives.",
	"note.fin_ack_3way":        "The %[5]s closes and acknowledges in one segment: its FIN+ACK acknowledges the %[6]s's FIN (acknowledgment number %[2]d) and carries its own FIN (sequence number %[14]d), so the close takes three segments instead of four. Sending it makes the %[5]s %[8]s; the %[6]s, in FIN-WAIT-1, gets the ACK of its FIN and the other FIN at once and is %[9]s.",
	"note.fin_simultaneous":    "Simultaneous close: this FIN (sequence number %[14]d) does not acknowledge the %[6]s's FIN, so the %[5]s sent it before that FIN arrived: the two FINs cross. Each end gets a FIN while its own is not yet acknowledged, so both are %[8]s (the %[5]s was FIN-WAIT-1, not the CLOSE-WAIT shown before the crossing could be seen).",
	"note.final_ack":           "The %[5]s acknowledges the last FIN (acknowledgment number %[2]d); when it arrives the %[6]s leaves LAST-ACK and is %[9]s. The %[5]s has been in %[8]s since that FIN arrived and stays there for 2*MSL, so that late segments of this connection die out before the same ports can be reused, and so it can send this ACK again if it is lost.",
	"note.closing_ack":         "The %[5]s acknowledges the %[6]s's FIN (acknowledgment number %[2]d). The %[6]s was CLOSING; when this arrives it is %[9]s for 2*MSL, so that late segments die out and its last ACK can be sent again if needed.",
	"note.half_close_data":     "Half-close: the %[6]s has sent its FIN but still receives, so the %[5]s keeps sending: %[4]d bytes at sequence number %[1]d.",
	"note.rst":                 "The %[5]s resets the connection (RST) and is %[8]s; when the RST arrives the %[6]s drops the connection at once and is %[9]s. There is no FIN exchange, data not yet acknowledged is lost, and nobody acknowledges an RST.",
	"note.rst_stale":           "Another RST: the %[5]s has no connection left (it is %[8]s) and answers a late segment with RST. Nothing changes: the %[6]s is %[9]s already.",
	"note.rst_in_close":        "The %[5]s resets the connection (RST) in the middle of the close and is %[8]s; when the RST arrives the %[6]s drops the connection at once and is %[9]s. The orderly close by FINs is cut short: data not yet acknowledged is lost, and nobody acknowledges an RST.",
	"note.rst_listen":          "The %[5]s resets the half-open connection (RST) and is %[8]s. The %[6]s had come to SYN-RECEIVED from LISTEN, so when the RST arrives it drops this connection and goes back to %[9]s (RFC 9293 3.10.7.3), still accepting others.",
	"note.refused":             "Connection refused: nothing listens on port %[12]d, so the %[5]s answers the SYN with RST (acknowledgment number %[2]d). When it arrives the %[6]s gives up: %[9]s. The port was CLOSED all along: a capture cannot tell at the SYN whether anything listens, so the SYN showed the %[5]s as a listener in SYN-RECEIVED.",
	"note.refused_known":       "Connection refused: nothing listens on port %[12]d, so the %[5]s, CLOSED, answers the SYN with RST (acknowledgment number %[2]d). When it arrives the %[6]s gives up: %[9]s; connect() fails with ECONNREFUSED.",
	"note.rst_ignored":         "The %[5]s sends an RST that does not acknowledge the %[6]s's SYN. RFC 9293 says an end in SYN-SENT drops such an RST (it may be forged or stale): the %[6]s stays %[9]s and the handshake goes on.",
	"note.syn_no_listener":     "The %[5]s asks to connect (SYN, initial sequence number %[1]d) and is %[8]s, but nothing listens on port %[15]d of the %[6]s: it stays %[9]s, and its TCP will answer with RST.",
	"note.synack_simultaneous": "Simultaneous open: the %[5]s acknowledges the %[6]s's SYN (acknowledgment number %[2]d), repeating its own SYN (sequence number %[1]d). When it arrives the %[6]s, in SYN-RECEIVED, is %[9]s.",
	"note.retransmission":      "Retransmission ([TCP Retransmission]): the %[5]s sends again, at sequence number %[1]d, what it already sent, because no acknowledgment came in time (or duplicate ACKs reported it lost).",
	"note.out_of_order":        "Out of order ([TCP Out-Of-Order]): this segment (sequence number %[1]d, %[4]d bytes) was never seen before, yet comes after later bytes of the %[5]s; the %[6]s keeps it and waits for the gap to fill.",
	"note.dup_ack":             "Duplicate ACK: the %[5]s acknowledges %[2]d again, with nothing new. While data is flowing this means a segment after %[2]d did not arrive, and three duplicates make the %[6]s retransmit at once (fast retransmit).",
	"note.window_update":       "Window update ([TCP Window Update]): the %[5]s only announces a new receive window of %[7]s bytes, so the %[6]s may send more.",
	"note.zero_window":         "Zero window ([TCP ZeroWindow]): the %[5]s's receive buffer is full (window %[7]s); the %[6]s must stop sending and probe until the window opens.",
	"note.keep_alive":          "Keep-alive ([TCP Keep-Alive]): the %[5]s sends a probe at sequence number %[1]d, one before its next sequence number, to check that the %[6]s is still there; the answer is a plain ACK.",
	"note.mid_stream":          "The capture starts in the middle of this connection: no handshake was seen, so both ends are taken as %[8]s (sequence number %[1]d).",
	"note.segment":             "The %[5]s sends a segment with flags %[13]s.",
	"note.datagram":            "UDP datagram from %[10]s to %[11]s: %[4]d bytes, with no connection, no sequence number and no acknowledgment; if it is lost, nobody sends it again.",
}

// zhNotes holds the Chinese narration of events.
var zhNotes = map[Key]string{
	"note.role.client":                  "客户端",
	"note.role.server":                  "服务器",
	"note.sentence_sep":                 "",
	"note.also.isn":                     "序列号按各端的初始序列号相对显示：%[1]s的 ISN %[2]d 显示为 0。",
	"note.also.base":                    "没有抓到 SYN，所以相对序列号从这个报文段算起：%[1]s的序列号 %[2]d 显示为 %[3]d。",
	"note.also.data":                    "它还在序列号 %[2]d 处携带了 %[1]d 字节数据。",
	"note.also.acked":                   "这次新确认了 %[1]d 字节。",
	"note.also.ack":                     "它还确认了%[2]s发来的 %[1]d 字节：%[3]d 之前的全部内容。",
	"note.also.window":                  "它通告了新的接收窗口 %[1]s 字节（原来是 %[2]s）。",
	"note.also.retransmission":          "这是一次重传（[TCP Retransmission]）：%[1]s之前已经发过这些字节。",
	"note.also.spurious_retransmission": "[TCP Spurious Retransmission]：%[1]s早已确认过这些字节，这份拷贝其实不需要（确认丢了或来晚了）。",
	"note.also.fast_retransmission":     "[TCP Fast Retransmission]：它立即回应重复 ACK，不等重传定时器到期。",
	"note.also.out_of_order":            "[TCP Out-Of-Order]：它比同一端后面的字节到得晚。",
	"note.also.dup_ack":                 "Wireshark 把它显示为 [TCP Dup ACK %[1]d#%[2]d]：第 %[1]d 帧那个 ACK 的第 %[2]d 个重复。",
	"note.also.previous_not_captured":   "[TCP Previous segment not captured]：序列号 %[1]d 之前的字节没有被抓到。",
	"note.also.zero_window_probe":       "[TCP ZeroWindowProbe]：向零窗口发送一个字节，探测窗口是否已经打开。",
	"note.also.keep_alive_ack":          "[TCP Keep-Alive ACK]：对保活探测的回应。",

	"note.syn":                 "握手 1/3：%[5]s请求建立连接。它的 SYN 携带初始序列号（ISN）%[1]d，发出后%[5]s进入 %[8]s。正在监听的%[6]s一收到 SYN 就进入 %[9]s。SYN 占用一个序列号，所以%[6]s将确认 %[3]d。",
	"note.syn_retransmit":      "%[5]s再次发送 SYN，初始序列号仍是 %[1]d：没有及时收到 SYN+ACK，于是重试，每次等待的时间加倍。",
	"note.simultaneous_open":   "同时打开：%[6]s的 SYN 还在路上，%[5]s也发出了自己的 SYN（序列号 %[1]d），两个 SYN 交错而过。两端都在 SYN-SENT 收到对方的 SYN：现在都处于 %[8]s，各自都要确认对方的 SYN。",
	"note.synack":              "握手 2/3：%[5]s同意连接。SYN+ACK 确认 %[2]d（%[6]s的 ISN + 1），并携带自己的 ISN %[1]d，%[6]s将用 %[3]d 确认它。%[6]s一收到它就进入 %[9]s；%[5]s停在 %[8]s，直到收到这个确认。",
	"note.synack_retransmit":   "%[5]s再次发送 SYN+ACK（ISN %[1]d，确认 %[2]d）：握手的最后一个 ACK 还没有到。",
	"note.handshake_ack":       "握手 3/3：%[5]s确认 %[2]d，即%[6]s的 ISN + 1。它到达后%[6]s也进入 %[9]s：可以传数据了，从序列号 %[1]d 开始。",
	"note.data":                "%[5]s在序列号 %[1]d 发送 %[4]d 字节；收到后%[6]s会确认 %[3]d，也就是它期待的下一个字节。",
	"note.data_ack":            "%[5]s在序列号 %[1]d 发送 %[4]d 字节，并在同一个报文段里确认了%[6]s在 %[2]d 之前发来的全部数据。",
	"note.ack":                 "%[5]s发出确认：序列号 %[2]d 之前的字节都已收到，下一个期待的就是 %[2]d。不带数据的 ACK 不占用序列号。",
	"note.fin_first":           "%[5]s关闭自己的发送方向：它的 FIN（序列号 %[14]d）使它进入 %[8]s。FIN 到达后%[6]s得知不会再有数据，进入 %[9]s，但它仍然可以发送。FIN 占用一个序列号，所以确认号是 %[3]d。",
	"note.fin_acked":           "%[5]s确认了这个 FIN（确认号 %[2]d）。确认到达后，FIN 已被确认的%[6]s进入 %[9]s，等待另一个 FIN；%[5]s停在 %[8]s，直到它的应用程序也关闭连接。",
	"note.fin_second":          "%[5]s的数据已经发完，也关闭连接：发出 FIN（序列号 %[14]d）后进入 %[8]s，等待最后一个确认（%[3]d）。处于 FIN-WAIT-2 的%[6]s一收到这个 FIN 就进入 %[9]s。",
	"note.fin_ack_3way":        "%[5]s把关闭和确认放在一个报文段里：FIN+ACK 确认了%[6]s的 FIN（确认号 %[2]d），同时带上自己的 FIN（序列号 %[14]d），所以关闭只用三个报文段而不是四个。发出后%[5]s进入 %[8]s；处于 FIN-WAIT-1 的%[6]s同时收到对自己 FIN 的确认和对方的 FIN，进入 %[9]s。",
	"note.fin_simultaneous":    "同时关闭：这个 FIN（序列号 %[14]d）没有确认%[6]s的 FIN，所以%[5]s是在那个 FIN 到达之前发出的：两个 FIN 交错而过。两端都在自己的 FIN 尚未被确认时收到了对方的 FIN，所以都进入 %[8]s（%[5]s之前其实是 FIN-WAIT-1，而不是看出交错之前显示的 CLOSE-WAIT）。",
	"note.final_ack":           "%[5]s确认最后一个 FIN（确认号 %[2]d）；%[6]s收到后离开 LAST-ACK，进入 %[9]s。%[5]s从收到那个 FIN 起就处于 %[8]s，并在那里等待 2*MSL：让这个连接迟到的报文段在网络中消失，之后同样的端口才能复用；如果这个 ACK 丢了，还能再发一次。",
	"note.closing_ack":         "%[5]s确认%[6]s的 FIN（确认号 %[2]d）。%[6]s原本处于 CLOSING，收到后进入 %[9]s 等待 2*MSL，让迟到的报文段消失，必要时还能重发最后的 ACK。",
	"note.half_close_data":     "半关闭：%[6]s已经发出 FIN，但仍在接收，所以%[5]s继续发送：在序列号 %[1]d 发送 %[4]d 字节。",
	"note.rst":                 "%[5]s重置连接（RST），进入 %[8]s；RST 到达后%[6]s立即丢弃这个连接，进入 %[9]s。没有 FIN 交换，尚未确认的数据会丢失，RST 也不需要确认。",
	"note.rst_stale":           "又一个 RST：%[5]s已经没有这个连接了（处于 %[8]s），用 RST 回应一个迟到的报文段。什么也没有改变：%[6]s早已是 %[9]s。",
	"note.rst_in_close":        "%[5]s在关闭过程中重置连接（RST），进入 %[8]s；RST 到达后%[6]s立即丢弃这个连接，进入 %[9]s。用 FIN 的正常关闭被打断：尚未确认的数据会丢失，RST 也不需要确认。",
	"note.rst_listen":          "%[5]s重置这个半打开的连接（RST），进入 %[8]s。%[6]s是从 LISTEN 进入 SYN-RECEIVED 的，所以 RST 到达后它丢弃这个连接，回到 %[9]s（RFC 9293 3.10.7.3），继续接受别的连接。",
	"note.refused":             "连接被拒绝：%[12]d 端口上没有进程在监听，所以%[5]s用 RST 回应 SYN（确认号 %[2]d）。RST 到达后%[6]s放弃连接：%[9]s。这个端口一直是 CLOSED：抓包在 SYN 时无法知道有没有进程在监听，所以 SYN 那一步把%[5]s画成了处于 SYN-RECEIVED 的监听方。",
	"note.refused_known":       "连接被拒绝：%[12]d 端口上没有进程在监听，所以处于 CLOSED 的%[5]s用 RST 回应 SYN（确认号 %[2]d）。RST 到达后%[6]s放弃连接：%[9]s；connect() 返回 ECONNREFUSED。",
	"note.rst_ignored":         "%[5]s发出的 RST 没有确认%[6]s的 SYN。RFC 9293 规定处于 SYN-SENT 的一端丢弃这样的 RST（它可能是伪造的或过时的）：%[6]s仍处于 %[9]s，握手继续。",
	"note.syn_no_listener":     "%[5]s请求建立连接（SYN，初始序列号 %[1]d），进入 %[8]s，但%[6]s的 %[15]d 端口上没有进程在监听：它仍是 %[9]s，它的 TCP 会用 RST 回应。",
	"note.synack_simultaneous": "同时打开：%[5]s确认%[6]s的 SYN（确认号 %[2]d），并重复自己的 SYN（序列号 %[1]d）。它到达时，处于 SYN-RECEIVED 的%[6]s进入 %[9]s。",
	"note.retransmission":      "重传（[TCP Retransmission]）：%[5]s在序列号 %[1]d 再次发送已经发过的内容，因为没有及时收到确认（或重复 ACK 表明它丢了）。",
	"note.out_of_order":        "乱序（[TCP Out-Of-Order]）：这个报文段（序列号 %[1]d，%[4]d 字节）之前从未出现过，却比%[5]s后面的字节到得晚；%[6]s先把它留下，等待空缺补齐。",
	"note.dup_ack":             "重复 ACK：%[5]s再次确认 %[2]d，没有带来新内容。在数据传输中，这表示 %[2]d 之后的报文段没有到达；连续三个重复 ACK 会让%[6]s立即重传（快速重传）。",
	"note.window_update":       "窗口更新（[TCP Window Update]）：%[5]s只是通告新的接收窗口 %[7]s 字节，%[6]s可以多发一些了。",
	"note.zero_window":         "零窗口（[TCP ZeroWindow]）：%[5]s的接收缓冲区满了（窗口 %[7]s）；%[6]s必须停止发送，并不时探测，直到窗口重新打开。",
	"note.keep_alive":          "保活（[TCP Keep-Alive]）：%[5]s在序列号 %[1]d（下一个序列号之前一个）发送探测报文，检查%[6]s是否还在；对方会回一个普通的 ACK。",
	"note.mid_stream":          "抓包开始时这个连接已在进行中：没有看到握手，所以两端都视为 %[8]s（序列号 %[1]d）。",
	"note.segment":             "%[5]s发送了一个标志为 %[13]s 的报文段。",
	"note.datagram":            "UDP 数据报，从 %[10]s 到 %[11]s：%[4]d 字节。没有连接、没有序列号，也没有确认；丢了也没有人重发。",
}
