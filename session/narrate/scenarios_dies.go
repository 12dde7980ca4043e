package narrate

// enScenariosDies is the client-dies scenario and what a dead peer looks
// like from the server's calls.
var enScenariosDies = map[Key]string{
	"scenario.client-dies.line":   "a client process is killed mid-exchange: its kernel resets, the server serves the next client",
	"scenario.client-dies.notice": "Nobody called close(): the client process was killed (SIGKILL) with the echo still unread, so its kernel closed the socket on its behalf with an RST, not a FIN. The server learns it as ECONNRESET from recv(), closes that socket and accepts the next client, which is served normally.",
	"call.return.reset":           "recv() fails on the %[1]s with ECONNRESET: the peer is gone. Its kernel reset the connection (a close with data unread, SO_LINGER 0, or a process that died); this socket is finished, close it and carry on.",
}

// zhScenariosDies is enScenariosDies in Chinese.
var zhScenariosDies = map[Key]string{
	"scenario.client-dies.line":   "客户端进程在交互中途被杀死：它的内核发 RST，服务器接着服务下一个客户端",
	"scenario.client-dies.notice": "没有人调用 close()：客户端进程被 SIGKILL 杀死时回显数据还没读，于是它的内核替它关闭套接字，发出的是 RST 而不是 FIN。服务器从 recv() 的 ECONNRESET 得知这一点，关闭这个套接字，再 accept 下一个客户端，正常为它服务。",
	"call.return.reset":           "%[1]s的 recv() 失败：ECONNRESET，对端已经不在了。它的内核重置了连接（带着未读数据关闭、SO_LINGER 0，或进程死亡）；这个套接字已经结束，关闭它然后继续。",
}
