package console

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
)

// page writes what fn writes to the console's output, through $PAGER
// (default less -FRSX) when the console is on a terminal, set pager is on
// and the text does not fit the screen.
func (e *Env) page(fn func(w io.Writer) error) error {
	if !e.interactive || !e.OutTTY || e.Height == nil || e.Setting("pager") == "off" {
		return fn(e.Out)
	}
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		return err
	}
	rows := e.Height()
	if rows <= 0 || bytes.Count(buf.Bytes(), []byte("\n")) < rows-1 {
		_, err := e.Out.Write(buf.Bytes())
		return err
	}
	pager := strings.Fields(os.Getenv("PAGER"))
	if len(pager) == 0 {
		pager = []string{"less", "-FRSX"}
	}
	path, err := exec.LookPath(pager[0])
	if err != nil {
		_, err := e.Out.Write(buf.Bytes())
		return err
	}
	cmd := exec.Command(path, pager[1:]...)
	cmd.Stdin = &buf
	cmd.Stdout, cmd.Stderr = e.Out, e.Err
	if e.echo != nil {
		// The pager reads keys from the terminal: give it its echo back.
		defer e.echo()()
	}
	if err := cmd.Run(); err != nil {
		// A pager that fails still leaves the text to be read.
		if _, ok := err.(*exec.ExitError); !ok {
			_, err := e.Out.Write(buf.Bytes())
			return err
		}
	}
	return nil
}
