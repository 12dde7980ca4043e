package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/gopacket/gopacket/layers"

	"github.com/handshake-viz/handshake-viz/capture"
)

// Files the program writes (demo --write, watch --write, export -o, the
// screen's x and w keys) are written under a temporary name in their
// directory and renamed into place once complete and fsynced: a reader,
// or a run killed mid-write, never sees a half-written file at the path.
// The temporary name is .handshake-viz-PID-RANDOM.tmp; a run killed with
// SIGKILL leaves its one behind, and the next run that writes into that
// directory removes it (createAtomic: only files of the same user whose
// process is gone).

const (
	tmpPrefix = ".handshake-viz-"
	tmpSuffix = ".tmp"
)

// atomicFile is a file being written under a temporary name; Commit puts
// it at its path, Abort throws it away.
type atomicFile struct {
	*os.File
	path  string
	force bool // Commit may replace an existing file
	done  bool
}

// errFileExists is wrapped when a path is taken and force is not set.
var errFileExists = fs.ErrExist

// createAtomic starts a new file for path (created by the user the process
// runs as, so after the privilege drop it belongs to the invoking user).
// Without force an existing path is refused now and again at Commit.
func createAtomic(path string, force bool) (*atomicFile, error) {
	if !force {
		if _, err := os.Lstat(path); err == nil {
			return nil, fmt.Errorf("%s: %w", path, errFileExists)
		}
	}
	dir := filepath.Dir(path)
	cleanStaleTemps(dir)
	f, err := os.CreateTemp(dir, tmpPrefix+strconv.Itoa(os.Getpid())+"-*"+tmpSuffix)
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &atomicFile{File: f, path: path, force: force}, nil
}

// Commit syncs and closes the file and moves it to its path: without force
// by a hard link that fails if the path appeared meanwhile (nothing is ever
// replaced), with force by rename. On error nothing is left behind.
func (a *atomicFile) Commit() error {
	if a.done {
		return nil
	}
	a.done = true
	tmp := a.Name()
	err := a.Sync()
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = a.place(tmp)
	}
	os.Remove(tmp) // after a link, the temporary name; after an error, the file
	if err != nil {
		return err
	}
	if d, derr := os.Open(filepath.Dir(a.path)); derr == nil { // the new name itself, durable
		d.Sync()
		d.Close()
	}
	return nil
}

func (a *atomicFile) place(tmp string) error {
	if a.force {
		return os.Rename(tmp, a.path)
	}
	err := os.Link(tmp, a.path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		if err != nil {
			return fmt.Errorf("%s: %w", a.path, errFileExists)
		}
		return nil
	}
	// A file system without hard links: check, then rename.
	if _, serr := os.Lstat(a.path); serr == nil {
		return fmt.Errorf("%s: %w", a.path, errFileExists)
	}
	return os.Rename(tmp, a.path)
}

// Abort closes and removes the temporary file.
func (a *atomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.Close()
	os.Remove(a.Name())
}

// writeAtomic writes data as the whole of path.
func writeAtomic(path string, data []byte, force bool) error {
	f, err := createAtomic(path, force)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// cleanStaleTemps removes the temporary files a killed run of this program
// left in dir: .handshake-viz-PID-*.tmp owned by this user whose PID is no
// longer a process. Errors are ignored: it is housekeeping.
func cleanStaleTemps(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, tmpPrefix) || !strings.HasSuffix(name, tmpSuffix) || !e.Type().IsRegular() {
			continue
		}
		pidText, _, ok := strings.Cut(strings.TrimPrefix(name, tmpPrefix), "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || processExists(pid) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if st, ok := info.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Geteuid() {
			continue
		}
		os.Remove(filepath.Join(dir, name))
	}
}

// processExists reports whether pid is a live process (signal 0; EPERM
// means it exists but is someone else's).
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// createPcapngAtomic starts the --write pcapng file of path (refused when it
// exists, unless force), its section header written.
func createPcapngAtomic(path string, force bool, link layers.LinkType) (*atomicFile, *capture.Writer, error) {
	f, err := createAtomic(path, force)
	if errors.Is(err, errFileExists) {
		return nil, nil, fmt.Errorf("--write %s: the file exists; choose another name, or add --force to replace it", path)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("--write: %w (check the directory exists and is writable by you)", err)
	}
	w, err := capture.NewPcapngWriter(f, link)
	if err != nil {
		f.Abort()
		return nil, nil, fmt.Errorf("--write %s: %w", path, err)
	}
	return f, w, nil
}

// openPcapngAtomic is createPcapngAtomic as a frame hook and a close that
// flushes and puts the whole file at path.
func openPcapngAtomic(path string, force bool, link layers.LinkType) (save func(*capture.RawPacket) error, closeFn func() error, err error) {
	f, w, err := createPcapngAtomic(path, force, link)
	if err != nil {
		return nil, nil, err
	}
	closeFn = func() error {
		if err := w.Flush(); err != nil {
			f.Abort()
			return fmt.Errorf("--write %s: %w", path, err)
		}
		if err := f.Commit(); err != nil {
			return fmt.Errorf("--write %s: %w", path, err)
		}
		return nil
	}
	return w.Write, closeFn, nil
}
