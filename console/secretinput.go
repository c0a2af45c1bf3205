package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"vc/vault"
)

// Secrets never come from the command line. They come from the terminal
// without echo when there is one; otherwise from a line of stdin when the
// command's --...-stdin flag says so, or from a file named by a flag.

// maxSecret bounds a secret read from stdin or a file.
const maxSecret = 64 * 1024

// readSecret gets one secret: on a terminal it asks for it; otherwise it
// reads a line of stdin if the user passed flag (given), else it fails
// saying how to give it.
func (e *Env) readSecret(ctx context.Context, what, flag string, given bool) ([]byte, error) {
	if e.vault.ask != nil {
		b, err := e.vault.ask(ctx, what+": ")
		if err != nil {
			return nil, err
		}
		if len(b) == 0 {
			return nil, fmt.Errorf("%s: %w", what, vault.ErrEmptyPassword)
		}
		return b, nil
	}
	if !given {
		return nil, usagef("%s is needed: run on a terminal to type it, or give it on stdin with --%s", what, flag)
	}
	return e.stdinSecret(what, flag)
}

// newSecret gets a new password: from file if one is named, else typed
// twice on a terminal, else a line of stdin if flag was given.
func (e *Env) newSecret(ctx context.Context, what, flag string, given bool, file string) ([]byte, error) {
	if file != "" {
		return e.readPasswordFile(file)
	}
	if e.vault.ask == nil {
		return e.readSecret(ctx, what, flag, given)
	}
	for try := 1; ; try++ {
		a, err := e.readSecret(ctx, what, flag, given)
		if err != nil {
			return nil, err
		}
		b, err := e.vault.ask(ctx, "again, to confirm: ")
		if err != nil {
			vault.Wipe(a)
			return nil, err
		}
		same := bytes.Equal(a, b)
		vault.Wipe(b)
		if same {
			return a, nil
		}
		vault.Wipe(a)
		if try == 3 {
			return nil, fmt.Errorf("%s: the two entries differ", what)
		}
		e.warnf("the two entries differ; try again")
	}
}

// stdinSecret reads one line of stdin as a secret.
func (e *Env) stdinSecret(what, flag string) ([]byte, error) {
	if e.vault.stdinTaken {
		return nil, usagef("--%s: stdin carries the commands here; run the command with -c or -f, or type it on a terminal", flag)
	}
	b, err := readLine(e.In)
	if err != nil {
		return nil, fmt.Errorf("%s from stdin: %w", what, err)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%s from stdin: %w", what, vault.ErrEmptyPassword)
	}
	return b, nil
}

// readLine reads up to a newline one byte at a time: nothing past the
// line is consumed, so the next secret (or command) is still there, and
// no buffer holds a copy of the secret that could not be wiped.
func readLine(r io.Reader) ([]byte, error) {
	buf := make([]byte, 0, 256)
	var c [1]byte
	for {
		n, err := r.Read(c[:])
		if n == 1 {
			if c[0] == '\n' {
				break
			}
			if len(buf) == cap(buf) {
				if len(buf) >= maxSecret {
					vault.Wipe(buf)
					return nil, fmt.Errorf("line longer than %d bytes", maxSecret)
				}
				grown := make([]byte, len(buf), 2*cap(buf))
				copy(grown, buf)
				vault.Wipe(buf)
				buf = grown
			}
			buf = append(buf, c[0])
			continue
		}
		if errors.Is(err, io.EOF) {
			if len(buf) == 0 {
				return nil, errors.New("nothing there (end of input)")
			}
			break
		}
		if err != nil {
			vault.Wipe(buf)
			return nil, err
		}
	}
	return bytes.TrimSuffix(buf, []byte("\r")), nil
}

// readPasswordFile reads a password from a file, without its line end, as
// ansible-vault's --vault-password-file does.
func (e *Env) readPasswordFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("password file: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		e.warnf("warning: password file %s can be read by others (mode %04o); chmod 600 it", path, fi.Mode().Perm())
	}
	b := make([]byte, maxSecret+1)
	n, err := io.ReadFull(f, b)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		vault.Wipe(b)
		return nil, fmt.Errorf("password file %s: %w", path, err)
	}
	if n > maxSecret {
		vault.Wipe(b)
		return nil, fmt.Errorf("password file %s: longer than %d bytes", path, maxSecret)
	}
	pw := bytes.TrimRight(b[:n], "\r\n")
	if len(pw) == 0 {
		return nil, fmt.Errorf("password file %s: %w", path, vault.ErrEmptyPassword)
	}
	return pw, nil
}
