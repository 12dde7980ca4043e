package capture

import (
	"errors"
	"os"
	"runtime"
)

// pageSize is a multiple of the system's page size on every system this
// builds for (4 KiB, 16 KiB on Apple silicon): dropBehind rounds to it.
const pageSize = 64 << 10

// FileOptions change how OpenFileWith reads a file.
type FileOptions struct {
	// Map reads a plain (not gzipped) pcap file through a read-only
	// memory map of its size at opening instead of copying it through
	// read(2): the records are handed out from the map; bytes appended
	// later are read as usual once the map is used up. The reading
	// goroutine must turn faults into panics (debug.SetPanicOnFault) and
	// give what it recovers to FaultError: touching the map of a file
	// truncated meanwhile faults (SIGBUS) instead of returning an error.
	// Close must not run while a record is being read. analyze sets it.
	Map bool
}

// OpenFileWith is OpenFile with opts.
func OpenFileWith(path string, opts FileOptions) (Source, error) {
	src, err := OpenFile(path)
	if err != nil || !opts.Map {
		return src, err
	}
	if ps, ok := src.(*pcapSource); ok {
		ps.in.mapFile()
	}
	return src, nil
}

// mapFile maps the input's file when it is a plain regular one: records
// are read from the map from the current offset (the file header is read
// already). A file that cannot be mapped is read as usual.
func (in *input) mapFile() {
	f, ok := in.closer.(*os.File)
	if !ok || in.gz != nil || in.info.Size <= 0 || int64(int(in.info.Size)) != in.info.Size {
		return
	}
	m, err := mmapFile(f, int(in.info.Size))
	if err != nil {
		return
	}
	in.mapped, in.mapFrom, in.file = m, 0, f // the map starts at the file's first byte
	in.raw.n.Store(in.info.Size)             // progress: the map is "read" at once
}

// mapWindow is how much of the map a pcap source parses between two
// looks at it (fill): the pages before are let go then.
const mapWindow = 8 << 20

// dropBehind lets go of the mapped pages before input offset off (the
// records there were handed out): they stay in the page cache, but not
// in this process's resident memory. Reading them again would fault them
// back in, so a record handed out stays readable.
func (in *input) dropBehind(off int64) {
	end := (off - in.mapFrom) &^ (pageSize - 1)
	if end <= in.dropped {
		return
	}
	_ = dropPages(in.mapped[in.dropped:end]) // a hint: RSS, not correctness
	in.dropped = end
}

// unmap releases the map (at its end, or on Close): the reading goes on
// from offset off with the file's own reads.
func (in *input) unmap(off int64) error {
	if in.mapped == nil {
		return nil
	}
	err := munmap(in.mapped)
	in.mapped = nil
	if _, serr := in.file.Seek(off, 0); serr != nil {
		return serr
	}
	in.raw.n.Store(off)
	in.plain = in.raw
	in.br.Reset(in.raw)
	return err
}

// FaultError turns r, recovered from a panic of the goroutine reading src
// (with debug.SetPanicOnFault), into the damage it is when it is a fault
// in src's map: the file shrank while it was read, as if it had been cut
// there (a *DamageError: what was read before stands). It returns nil for
// anything else, which the caller should panic with again.
func FaultError(src Source, r any) error {
	ps, ok := src.(*pcapSource)
	if !ok || ps.in.mapped == nil {
		return nil
	}
	if _, ok := r.(runtime.Error); !ok {
		return nil
	}
	fa, ok := r.(interface{ Addr() uintptr })
	if !ok {
		return nil
	}
	base := mapAddr(ps.in.mapped)
	if a := fa.Addr(); a < base || a-base >= uintptr(len(ps.in.mapped)) {
		return nil
	}
	off := ps.in.mapFrom + int64(fa.Addr()-base)
	return ps.damage(off, errors.New("the file shrank while it was read (truncated?); read it again once it is complete"))
}
