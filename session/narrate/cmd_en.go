package narrate

// enCmd holds the English lines the commands print around the screens.
var enCmd = map[Key]string{
	"demo.title.live":     "handshake-viz demo · live capture on lo, 127.0.0.1:%[1]d",
	"demo.title.recorded": "handshake-viz demo",
	"demo.fallback":       "%[1]v — playing the recorded exchange shipped in the binary instead",
	"demo.drops":          "the kernel dropped %[1]d packets during the capture",
	"open.title":          "handshake-viz · %[1]s",
}

// zhCmd holds the Chinese lines the commands print around the screens.
var zhCmd = map[Key]string{
	"demo.title.live":     "handshake-viz 演示 · 在 lo 上实时抓包，127.0.0.1:%[1]d",
	"demo.title.recorded": "handshake-viz 演示",
	"demo.fallback":       "%[1]v — 改为播放程序内置的录制交互",
	"demo.drops":          "抓包期间内核丢弃了 %[1]d 个数据包",
	"open.title":          "handshake-viz · %[1]s",
}
