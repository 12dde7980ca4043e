package main

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/handshake-viz/handshake-viz/capture"
	"github.com/handshake-viz/handshake-viz/session"
	"github.com/handshake-viz/handshake-viz/session/narrate"
	"github.com/handshake-viz/handshake-viz/ui"
	"github.com/handshake-viz/handshake-viz/ui/export"
)

// screenFiles writes the files of the ladder screen's `x` (export) and `w`
// (save) keys: in dir (next to the capture), else in the working
// directory when dir is not writable, named base-stream3.svg,
// base-stream3-1.svg, …: an existing file is never replaced.
type screenFiles struct {
	dir, base string
	lang      narrate.Lang
	raw       bool
}

// newScreenFiles names the files of a capture path ("-": stdin, in the
// working directory) or, for path "", of a run called base.
func newScreenFiles(path, base string, lang narrate.Lang, raw bool) screenFiles {
	f := screenFiles{dir: ".", base: base, lang: lang, raw: raw}
	if path != "" && path != "-" {
		f.dir = filepath.Dir(path)
		f.base = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		f.base = strings.TrimSuffix(f.base, ".pcap") // trace.pcap.gz
	}
	return f
}

func (f screenFiles) keys(o *ui.ScreenOptions) {
	o.Export, o.Save = f.export, f.save
}

// export writes stream (of kind) of tl in format.
func (f screenFiles) export(tl *session.Timeline, kind session.EventKind, stream int, format string) (string, error) {
	fm, err := export.ParseFormat(format)
	if err != nil {
		return "", err
	}
	in := export.Input{Info: tl.StreamInfo, Events: streamEvents(tl, kind, stream)}
	if len(in.Events) == 0 {
		return "", errors.New("nothing of this connection has arrived yet")
	}
	var b bytes.Buffer
	if err := export.Write(&b, fm, in, export.Options{Lang: f.lang, Raw: f.raw, Title: f.base}); err != nil {
		return "", err
	}
	word := "stream"
	if kind == session.KindDatagram {
		word = "flow"
	}
	return f.create(fmt.Sprintf("%s-%s%d", f.base, word, stream), fm.Ext(), b.Bytes())
}

// streamEvents returns the events of one TCP stream or UDP flow of tl,
// its socket calls included: what `export` and the screen's `x` write.
func streamEvents(tl *session.Timeline, kind session.EventKind, stream int) []session.Event {
	var out []session.Event
	for _, ev := range tl.Slice(0, tl.Len()) {
		if ev.StreamKind() == kind && ev.Stream == stream {
			out = append(out, ev)
		}
	}
	return out
}

// save writes the frames of tl's events, from store, as pcapng.
func (f screenFiles) save(tl *session.Timeline, store capture.FrameStore) (string, error) {
	if store == nil {
		return "", errors.New("this screen keeps no packets")
	}
	var frames []uint64
	for _, ev := range tl.Slice(0, tl.Len()) {
		if ev.Kind != session.KindCall && ev.Seg.Frame > 0 {
			frames = append(frames, ev.Seg.Frame)
		}
	}
	slices.Sort(frames)
	frames = slices.Compact(frames)
	if len(frames) == 0 {
		return "", errors.New("no packet has arrived yet")
	}
	first, ok := store.Frame(frames[0])
	if !ok {
		return "", fmt.Errorf("frame %d is not kept", frames[0])
	}
	var b bytes.Buffer
	w, err := capture.NewPcapngWriter(&b, first.LinkType)
	if err != nil {
		return "", err
	}
	for _, n := range frames {
		p, ok := store.Frame(n)
		if !ok || p.LinkType != first.LinkType {
			continue // one link type per file
		}
		if err := w.Write(&p); err != nil {
			return "", err
		}
	}
	if err := w.Flush(); err != nil {
		return "", err
	}
	return f.create(f.base+"-packets", ".pcapng", b.Bytes())
}

// create writes data to the first free name of stem+ext, stem-1+ext, …
// in dir, else in the working directory.
func (f screenFiles) create(stem, ext string, data []byte) (string, error) {
	dirs := []string{f.dir}
	if f.dir != "." {
		dirs = append(dirs, ".")
	}
	var firstErr error
	for _, dir := range dirs {
		path, err := createFree(dir, stem, ext, data)
		if err == nil {
			return path, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return "", firstErr
}

// createFree writes data to a new file dir/stem+ext, or stem-1+ext, … the
// first that does not exist (nothing is ever replaced), whole or not at all.
func createFree(dir, stem, ext string, data []byte) (string, error) {
	for i := 0; i < 1000; i++ {
		name := stem + ext
		if i > 0 {
			name = fmt.Sprintf("%s-%d%s", stem, i, ext)
		}
		path := filepath.Join(dir, name)
		err := writeAtomic(path, data, false)
		if errors.Is(err, errFileExists) {
			continue
		}
		if err != nil {
			return "", err
		}
		return path, nil
	}
	return "", fmt.Errorf("%s: %s%s and its 999 numbered names are all taken", dir, stem, ext)
}
