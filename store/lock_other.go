//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import "os"

// canLock says whether tryLock works here: not on this system, so nothing
// can tell a restore's copy in use from an abandoned one, and Open leaves
// them all.
const canLock = false

func tryLock(*os.File) (bool, error) { return false, nil }
