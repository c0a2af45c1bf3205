//go:build unix

package lab

import "syscall"

// fds says how many file descriptors the lab needs with a session open
// on every device (a listener and a connection each, and a few for the
// process), and how many it may open.
func (l *Lab) fds() (need, limit int) {
	need = 2*len(l.devs) + 32
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<30 {
		return need, 1 << 30
	}
	return need, int(rl.Cur)
}
