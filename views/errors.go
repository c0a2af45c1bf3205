package views

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownView is a view name no built-in view or view file has.
var ErrUnknownView = errors.New("no such view")

// FileError is a view file that cannot be used: where, and what is wrong.
type FileError struct {
	File string
	Line int
	// Path names the place in the file: platforms.cisco_ios.commands[0].fields.uptime.
	Path string
	Err  error
}

func (e *FileError) Error() string {
	pos := e.File
	if e.Line > 0 {
		pos = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Path != "" {
		return fmt.Sprintf("%s: %s: %v", pos, e.Path, e.Err)
	}
	return fmt.Sprintf("%s: %v", pos, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// UnknownViewError names the views there are.
type UnknownViewError struct {
	Name  string
	Views []string
}

func (e *UnknownViewError) Error() string {
	return fmt.Sprintf("%v %q; views are %s (see: views list)", ErrUnknownView, e.Name, strings.Join(e.Views, ", "))
}

func (e *UnknownViewError) Unwrap() error { return ErrUnknownView }
