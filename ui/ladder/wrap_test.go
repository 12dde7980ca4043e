package ladder

import (
	"strings"
	"testing"

	"github.com/rivo/uniseg"
)

func TestWrapBreaksAtSpacesAndBetweenChineseButNeverBeforeChinesePunctuation(t *testing.T) {
	if got := Wrap("the client sends a SYN", 10); strings.Join(got, "|") != "the client|sends a|SYN" {
		t.Errorf("English: %q", got)
	}
	// Nine wide characters then a full-width comma, in 18 cells: the
	// comma hangs on the first line instead of starting the second.
	got := Wrap("客户端发送同步报文，服务器回复", 18)
	if len(got) != 2 || !strings.HasSuffix(got[0], "，") || strings.HasPrefix(got[1], "，") {
		t.Errorf("Chinese: %q", got)
	}
	for _, l := range Wrap("三次握手 四次挥手 传输层 粘包 半连接队列 全连接队列", 8) {
		if uniseg.StringWidth(l) > 8 {
			t.Errorf("line %q is %d cells wide, want at most 8", l, uniseg.StringWidth(l))
		}
	}
}

func TestWrapNeverBreaksALatinWordInsideChinese(t *testing.T) {
	got := Wrap("数据链路层：加上 Ethernet II 首部 14 字节 → 71 字节的帧 — 在一跳上传送帧（MAC 地址）", 76)
	if len(got) != 2 {
		t.Errorf("%q", got)
	}
	for _, l := range got {
		if strings.HasSuffix(l, "MA") || strings.HasPrefix(l, "C ") {
			t.Errorf("MAC broken across lines: %q", got)
		}
	}
	// A run longer than the line is still broken, to fit.
	for _, l := range Wrap("很长的 0123456789abcdef 数", 8) {
		if uniseg.StringWidth(l) > 8 {
			t.Errorf("line %q is wider than 8", l)
		}
	}
}
