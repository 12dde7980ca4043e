module github.com/handshake-viz/handshake-viz

go 1.26

require github.com/gopacket/gopacket v1.7.7
