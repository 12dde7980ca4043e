package export

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui/ladder"
)

// palette is the colours of one SVG theme.
type palette struct {
	Background, Text, Muted, Lifeline, Arrow, Reset, Marks, State, Call, Box string
	Bands                                                                    [4]string // handshake, data, close, reset
}

var palettes = [...]palette{
	Light: {
		Background: "#ffffff", Text: "#1f2328", Muted: "#656d76", Lifeline: "#8c959f",
		Arrow: "#0969da", Reset: "#cf222e", Marks: "#9a6700", State: "#8250df", Call: "#1a7f37", Box: "#f6f8fa",
		Bands: [4]string{"#ddf4ff", "#dafbe1", "#fff8c5", "#ffebe9"},
	},
	Dark: {
		Background: "#0d1117", Text: "#e6edf3", Muted: "#8d96a0", Lifeline: "#6e7681",
		Arrow: "#4493f8", Reset: "#f85149", Marks: "#d29922", State: "#bc8cff", Call: "#3fb950", Box: "#161b22",
		Bands: [4]string{"#10253f", "#112a1a", "#2e2810", "#3a1517"},
	},
}

// bandOf returns which band colour a phase title has.
func bandOf(t ladder.Title) int {
	switch t {
	case ladder.TitleData:
		return 1
	case ladder.TitleClose, ladder.TitleFourWayClose, ladder.TitleThreeWayClose, ladder.TitleSimultaneousClose:
		return 2
	case ladder.TitleReset:
		return 3
	}
	return 0
}

// Sizes of the SVG, in px.
const (
	svgLineH      = 17  // one text line of a label
	svgLabelFont  = 13  // labels, states, calls (monospace)
	svgHeadFont   = 15  // connection and phase headers
	svgStateW     = 118 // room for the longest state name beside a lifeline
	svgTimeW      = 78  // the time column at the left edge
	svgTop        = 110 // first row below the title and the participant boxes
	svgUnitPx     = 28  // vertical px of one time unit (see timeScale)
	svgMaxDrop    = 150 // steepest arrow
	svgMinDrop    = 10  // flattest arrow
	svgMaxGap     = 72  // most vertical px a quiet gap takes
	svgGapPx      = 12  // px of a gap of one time unit (gapPx)
	svgEvenDrop   = 22  // the slope of every arrow with even spacing
	svgMonoCharPx = 7.9 // advance of one monospace cell at svgLabelFont
)

// svgArrow is where the SVG draws an arrow (the tests look for it).
type svgArrow struct {
	X1, Y1, X2, Y2 float64 // from the sender's lifeline to where it ends
	Dropped        bool    // ends mid-wire
	Reset          bool    // drawn in the reset colour
	Retrans        bool    // drawn in the marks colour
}

// svgPlan is the geometry of the SVG of a model.
type svgPlan struct {
	W, H             int
	ClientX, ServerX float64
	Time             bool // the time column is shown
	Arrows           []svgArrow
	rowY             []float64 // per item: top of the row
	sendY, arriveY   []float64 // arrow items: the two ends
	bands            []band
	gaps             []gapMark
}

// gapMark is a quiet gap the time scale shortened, written in the time
// column ("⋮ +68.3ms").
type gapMark struct {
	y  float64
	ns int64
}

type band struct {
	y0, y1 float64
	title  ladder.Title
	text   string
}

// timeScale returns the time unit of the sloped layout: half the handshake
// RTT of the first stream that has one (the one-way delay the arrows
// show), else the median gap between packets, else 1 ms.
func timeScale(m *model) int64 {
	for _, c := range m.Conns {
		if rtt := m.RTT[c.Stream]; c.Proto == session.KindSegment && rtt > 0 {
			return max(rtt/2, 1000)
		}
	}
	var gaps []int64
	prev := int64(-1)
	for _, it := range m.Items {
		if it.Row.Kind != ladder.RowArrow && it.Row.Kind != ladder.RowCall {
			continue
		}
		if prev >= 0 && it.Time > prev {
			gaps = append(gaps, it.Time-prev)
		}
		prev = it.Time
	}
	if len(gaps) == 0 {
		return 1e6
	}
	sort.Slice(gaps, func(i, j int) bool { return gaps[i] < gaps[j] })
	return max(gaps[len(gaps)/2], 1000)
}

// gapPx is the extra room before a packet that came Δt after the one
// before: logarithmic in Δt over the unit, so quiet gaps stay short but a
// ten times longer one still looks longer; capped at svgMaxGap.
func gapPx(dt, unit int64) float64 {
	return min(svgGapPx*math.Log2(1+float64(dt)/float64(unit)), svgMaxGap)
}

func scalePx(ns, unit int64, lo, hi float64) float64 {
	px := float64(svgUnitPx) * float64(ns) / float64(unit)
	return min(max(px, lo), hi)
}

// planSVG places every row of the model: y grows down the rows; with
// time (not Even) each arrow's drop is its one-way delay (the stream's
// RTT/2, plus what the wire delayed it) and the gap before a packet grows
// with the time since the one before, capped, on the same scale.
func planSVG(m *model, o Options) *svgPlan {
	p := &svgPlan{W: o.Width, Time: o.Width >= 760}
	side := float64(svgStateW + 24)
	if p.Time {
		side += svgTimeW
	}
	p.ClientX, p.ServerX = side, float64(p.W)-side
	unit := timeScale(m)
	y := float64(svgTop)
	prev := int64(-1)
	n := len(m.Items)
	p.rowY = make([]float64, n)
	p.sendY = make([]float64, n)
	p.arriveY = make([]float64, n)
	open := -1
	closeBand := func(end float64) {
		if open >= 0 {
			p.bands[open].y1 = end
			open = -1
		}
	}
	for i := range m.Items {
		it := &m.Items[i]
		timed := it.Row.Kind == ladder.RowArrow || it.Row.Kind == ladder.RowCall
		if timed && !o.Even && prev >= 0 && it.Time > prev {
			gap := gapPx(it.Time-prev, unit)
			if gap == svgMaxGap {
				p.gaps = append(p.gaps, gapMark{y: y + gap/2, ns: it.Time - prev})
			}
			y += gap
		}
		if timed {
			prev = it.Time
		}
		p.rowY[i] = y
		switch it.Row.Kind {
		case ladder.RowConnection:
			closeBand(y)
			y += 34
		case ladder.RowPhase:
			closeBand(y)
			p.bands = append(p.bands, band{y0: y, title: it.Row.Title, text: it.Header})
			open = len(p.bands) - 1
			y += 26
		case ladder.RowCall:
			y += 22
		case ladder.RowArrow:
			y += float64(len(it.arrowLines())) * svgLineH
			drop := float64(svgEvenDrop)
			if !o.Even {
				d := m.RTT[it.Row.Stream] / 2
				if d == 0 {
					d = unit
				}
				if it.Delayed {
					d += it.Ev.Seg.DelayNS
				}
				drop = scalePx(d, unit, svgMinDrop, svgMaxDrop)
			}
			p.sendY[i], p.arriveY[i] = y, y+drop
			from, to := arrowEnds(it, p.ClientX, p.ServerX)
			a := svgArrow{X1: from, Y1: y, X2: to, Y2: y + drop, Reset: it.Reset, Dropped: it.Dropped, Retrans: it.Retrans}
			if it.Dropped {
				a.X2, a.Y2 = (from+to)/2, y+drop/2
			}
			p.Arrows = append(p.Arrows, a)
			y += drop + 12
			if it.Kernel != "" {
				y += svgLineH
			}
		}
	}
	y += 16
	closeBand(y)
	p.H = int(y) + 24
	return p
}

// xmlText escapes s for SVG text content and attribute values.
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// monoWidth estimates the width of s in the label font (CJK runes take two cells).
func monoWidth(s string) float64 {
	cells := 0
	for _, r := range s {
		cells++
		if r >= 0x1100 && utf8.RuneLen(r) >= 3 {
			cells++
		}
	}
	return float64(cells) * svgMonoCharPx
}

// writeSVG writes a self-contained SVG (no external fonts, images or
// scripts): two lifelines, a band per phase, arrows sloped by time (or
// evenly spaced), the states beside both lifelines where they change,
// socket calls as diamonds on their end's lifeline, marks above their
// label and dropped packets ending mid-wire with ✕.
func writeSVG(w io.Writer, m *model, o Options) error {
	p := planSVG(m, o)
	c := palettes[o.Theme]
	var b strings.Builder
	f := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	f(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	f(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="DejaVu Sans, Helvetica, Arial, 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif">`+"\n", p.W, p.H, p.W, p.H)
	f(`<style>.mono{font-family:'DejaVu Sans Mono',Menlo,Consolas,'Noto Sans Mono CJK SC',monospace;font-size:%dpx}.halo{paint-order:stroke;stroke:%s;stroke-width:4px;stroke-linejoin:round}</style>`+"\n", svgLabelFont, c.Background)
	f(`<rect x="0" y="0" width="%d" height="%d" fill="%s"/>`+"\n", p.W, p.H, c.Background)
	if o.Title != "" {
		f(`<title>%s</title>`+"\n", xmlText(o.Title))
		f(`<text x="%d" y="28" font-size="18" font-weight="bold" fill="%s" text-anchor="middle">%s</text>`+"\n", p.W/2, c.Text, xmlText(o.Title))
	}
	// Phase bands, behind everything else.
	for _, bd := range p.bands {
		f(`<rect x="6" y="%.1f" width="%d" height="%.1f" rx="6" fill="%s"/>`+"\n", bd.y0, p.W-12, bd.y1-bd.y0-4, c.Bands[bandOf(bd.title)])
		f(`<text x="16" y="%.1f" font-size="%d" font-weight="bold" fill="%s">%s</text>`+"\n", bd.y0+18, svgHeadFont, c.Text, xmlText(bd.text))
	}
	// Participants and lifelines.
	cn, sn := m.Roles[0], m.Roles[1]
	ce, se := "", ""
	if len(m.Conns) == 1 {
		ce, se = m.Conns[0].Info.Client.String(), m.Conns[0].Info.Server.String()
	}
	for _, part := range []struct {
		x          float64
		role, addr string
	}{{p.ClientX, cn, ce}, {p.ServerX, sn, se}} {
		f(`<line x1="%.1f" y1="86" x2="%.1f" y2="%d" stroke="%s" stroke-width="2"/>`+"\n", part.x, part.x, p.H-16, c.Lifeline)
		bw := max(monoWidth(part.addr)+20, 110)
		f(`<rect x="%.1f" y="44" width="%.1f" height="42" rx="6" fill="%s" stroke="%s" stroke-width="1.5"/>`+"\n", part.x-bw/2, bw, c.Box, c.Lifeline)
		f(`<text x="%.1f" y="62" font-size="15" font-weight="bold" fill="%s" text-anchor="middle">%s</text>`+"\n", part.x, c.Text, xmlText(part.role))
		if part.addr != "" {
			f(`<text class="mono" x="%.1f" y="79" fill="%s" text-anchor="middle">%s</text>`+"\n", part.x, c.Muted, xmlText(part.addr))
		}
	}
	if p.Time {
		f(`<text x="12" y="%d" fill="%s" font-size="11">%s</text>`+"\n", svgTop-14, c.Muted, xmlText(narrate.Text(m.Lang, "ladder.time.since-start")))
		for _, g := range p.gaps {
			f(`<text class="mono" x="12" y="%.1f" fill="%s" font-size="11">⋮ +%s</text>`+"\n", g.y, c.Muted, xmlText(ladder.FormatDuration(g.ns)))
		}
	}
	span := p.ServerX - p.ClientX
	mid := (p.ClientX + p.ServerX) / 2
	arrow := 0
	for i := range m.Items {
		it := &m.Items[i]
		y := p.rowY[i]
		switch it.Row.Kind {
		case ladder.RowConnection:
			f(`<text x="%d" y="%.1f" font-size="%d" font-weight="bold" fill="%s" text-anchor="middle">%s</text>`+"\n", p.W/2, y+22, svgHeadFont+1, c.Text, xmlText(it.Header))
		case ladder.RowCall:
			x, anchor, tx := p.ClientX, "end", p.ClientX-12
			if !it.fromClient() {
				x, anchor, tx = p.ServerX, "start", p.ServerX+12
			}
			cy := y + 10
			f(`<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="%s"/>`+"\n", x, cy-6, x+6, cy, x, cy+6, x-6, cy, c.Call)
			f(`<text class="mono" x="%.1f" y="%.1f" fill="%s" text-anchor="%s" font-style="italic">%s</text>`+"\n", tx, cy+4, c.Call, anchor, xmlText(it.Call))
		case ladder.RowArrow:
			a := p.Arrows[arrow]
			arrow++
			col := arrowColour(c, a)
			// The texts above the arrow, the last line nearest it.
			lines := it.arrowLines()
			for j, ln := range lines {
				ly := p.sendY[i] - 6 - float64(len(lines)-1-j)*svgLineH
				fill := c.Text
				if j == 0 && it.Marks != "" {
					fill = c.Marks
				}
				fit := ""
				if wd := monoWidth(ln); wd > span-16 {
					fit = fmt.Sprintf(` textLength="%.0f" lengthAdjust="spacingAndGlyphs"`, span-16)
				}
				f(`<text class="mono halo" x="%.1f" y="%.1f" fill="%s" text-anchor="middle"%s>%s</text>`+"\n", mid, ly, fill, fit, xmlText(ln))
			}
			if p.Time {
				f(`<text class="mono" x="12" y="%.1f" fill="%s" font-size="11">%s</text>`+"\n", p.sendY[i]+4, c.Muted,
					xmlText(ladder.FormatTime(ladder.TimeSinceStart, it.Time, m.Start, -1)))
			}
			f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2.5"/>`+"\n", a.X1, a.Y1, a.X2, a.Y2, col)
			if a.Dropped {
				const k = 7
				f(`<path d="M%.1f %.1f L%.1f %.1f M%.1f %.1f L%.1f %.1f" stroke="%s" stroke-width="3"/>`+"\n",
					a.X2-k, a.Y2-k, a.X2+k, a.Y2+k, a.X2-k, a.Y2+k, a.X2+k, a.Y2-k, col)
			} else {
				f(`<polygon points="%s" fill="%s"/>`+"\n", arrowHead(a), col)
			}
			if it.Delayed {
				f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1" stroke-dasharray="3 3"/>`+"\n", a.X1, a.Y1, a.X2, a.Y1, c.Muted)
			}
			// Each end's state beside its lifeline, at the end it belongs to.
			for _, st := range []struct {
				s       ladder.LifelineState
				x       float64
				anchor  string
				isSend  bool
				visible bool
			}{
				{it.Client, p.ClientX - 12, "end", it.fromClient(), it.Client.Show},
				{it.Server, p.ServerX + 12, "start", !it.fromClient(), it.Server.Show},
			} {
				if !st.visible {
					continue
				}
				sy := p.arriveY[i]
				if st.s.At == ladder.SendEnd {
					sy = p.sendY[i]
				}
				f(`<text class="mono" x="%.1f" y="%.1f" fill="%s" text-anchor="%s" font-weight="bold">%s</text>`+"\n", st.x, sy+4, c.State, st.anchor, xmlText(ladder.StateName(st.s.State, false)))
			}
			if it.Kernel != "" {
				f(`<text class="mono" x="%.1f" y="%.1f" fill="%s" text-anchor="middle">%s</text>`+"\n", mid, p.arriveY[i]+svgLineH, c.Marks, xmlText(it.Kernel))
			}
		}
	}
	f("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// arrowColour is the colour of an arrow: the reset colour for an RST or
// a dropped packet, the marks colour for a retransmission.
func arrowColour(c palette, a svgArrow) string {
	switch {
	case a.Reset || a.Dropped:
		return c.Reset
	case a.Retrans:
		return c.Marks
	}
	return c.Arrow
}

// arrowHead returns the points of the arrow head at the end of a.
func arrowHead(a svgArrow) string {
	dx, dy := a.X2-a.X1, a.Y2-a.Y1
	l := math.Sqrt(dx*dx + dy*dy)
	ux, uy := dx/l, dy/l
	const length, half = 13, 5.5
	bx, by := a.X2-ux*length, a.Y2-uy*length
	return fmt.Sprintf("%.1f,%.1f %.1f,%.1f %.1f,%.1f", a.X2, a.Y2, bx-uy*half, by+ux*half, bx+uy*half, by-ux*half)
}
