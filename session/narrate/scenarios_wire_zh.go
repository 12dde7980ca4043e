package narrate

// zhScenariosWire is enScenariosWire in Chinese.
var zhScenariosWire = map[Key]string{
	"note.dropped": "线路丢弃了这个 [%[13]s] 报文段：它永远不会到达。%[5]s已经发出它，处于 %[8]s；%[6]s对此一无所知，仍处于 %[9]s。占用序列号的内容（数据、SYN、FIN）会在%[5]s的重传定时器超时后重发，收到重复 ACK 时会更早重发；丢失的纯 ACK 不会自己重发：对端重传后才会引出一个新的 ACK。",
}
