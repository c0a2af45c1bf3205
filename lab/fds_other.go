//go:build !unix

package lab

// fds says how many file descriptors the lab needs; elsewhere than Unix
// there is no limit to compare it with.
func (l *Lab) fds() (need, limit int) { return 2*len(l.devs) + 32, 1 << 30 }
