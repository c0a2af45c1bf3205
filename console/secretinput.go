package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"vc/secrets"

	"vc/vault"
)

// Secrets never come from the command line. They come from the terminal
// without echo when there is one; otherwise from a line of stdin when the
// command's --...-stdin flag says so, or from a file named by a flag.

// readSecret gets one secret: on a terminal it asks for it; otherwise it
// reads a line of stdin if the user passed flag (given), else it fails
// saying how to give it.
func (e *Env) readSecret(ctx context.Context, what, flag string, given bool) ([]byte, error) {
	if e.askSecret != nil {
		b, err := e.askSecret(ctx, what+": ")
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
		return secretsFile(e, file)
	}
	if e.askSecret == nil {
		return e.readSecret(ctx, what, flag, given)
	}
	for try := 1; ; try++ {
		a, err := e.readSecret(ctx, what, flag, given)
		if err != nil {
			return nil, err
		}
		b, err := e.askSecret(ctx, "again, to confirm: ")
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
	if e.stdinTaken {
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
				if len(buf) >= secrets.MaxSecret {
					vault.Wipe(buf)
					return nil, fmt.Errorf("line longer than %d bytes", secrets.MaxSecret)
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
