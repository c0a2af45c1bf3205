package jobs

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors; callers tell them apart with errors.Is.
var (
	// ErrNoJob is a slug no saved job has.
	ErrNoJob = errors.New("no such job")
	// ErrExists is a slug a saved job has already.
	ErrExists = errors.New("job already exists")
	// ErrBadSlug is a slug that is not lowercase words joined by - or _;
	// it comes as a *SlugError.
	ErrBadSlug = errors.New("invalid job name")
	// ErrNoMatch is a pattern or tag that chooses no job.
	ErrNoMatch = errors.New("no job matches")
	// ErrInvalid is a job field with a value it cannot have; it comes as
	// a *FieldError.
	ErrInvalid = errors.New("invalid job")
)

// SlugError is a job name that cannot be a slug, and why.
type SlugError struct {
	Slug   string
	Reason string
	// Suggest is a slug close to it, when there is one.
	Suggest string
}

func (e *SlugError) Error() string {
	s := fmt.Sprintf("job name %s: %s", quote(e.Slug), e.Reason)
	if e.Suggest != "" && e.Suggest != e.Slug {
		s += fmt.Sprintf(" (try %s)", e.Suggest)
	}
	return s
}

// Is makes a SlugError ErrBadSlug to errors.Is.
func (e *SlugError) Is(target error) bool { return target == ErrBadSlug }

// FieldError is a bad value of one field of one job: in a job create or
// edit, a YAML file (with its line) or a legacy job file.
type FieldError struct {
	// Job is the job's slug, or "#N" for the Nth job of a file that has
	// none yet.
	Job   string
	Field string
	// Line is the YAML line of the value; 0 when there is no file.
	Line int
	Err  error
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Job != "" {
		fmt.Fprintf(&b, "job %s: ", e.Job)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "%s: ", e.Field)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap gives the fault, so errors.As finds a *records.ExprError behind
// a bad selection.
func (e *FieldError) Unwrap() error { return e.Err }

// Is makes a FieldError ErrInvalid to errors.Is.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// FileError is every fault found in a file that was to be imported;
// nothing of it was.
type FileError struct {
	File   string
	Errors []error
}

func (e *FileError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d %s, nothing imported", e.File, len(e.Errors), plural("error", len(e.Errors)))
	const show = 20
	for i, fe := range e.Errors {
		if i == show {
			fmt.Fprintf(&b, "\n  ... and %d more", len(e.Errors)-show)
			break
		}
		// A fault of several lines (a selection's, with its caret)
		// keeps them together under it.
		fmt.Fprintf(&b, "\n  %s: %s", e.File, strings.ReplaceAll(fe.Error(), "\n", "\n    "))
	}
	return b.String()
}

// Unwrap gives the faults, so that errors.Is and errors.As see them.
func (e *FileError) Unwrap() []error { return e.Errors }

func plural(w string, n int) string {
	if n == 1 {
		return w
	}
	return w + "s"
}
