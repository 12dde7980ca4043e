//go:build !unix

package capture

import (
	"errors"
	"os"
)

func mmapFile(*os.File, int) ([]byte, error) { return nil, errors.New("no memory maps here") }

func munmap([]byte) error { return nil }

func mapAddr([]byte) uintptr { return 0 }

func dropPages([]byte) error { return nil }
