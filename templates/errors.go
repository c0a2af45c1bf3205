package templates

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors, for errors.Is in the console's exit-code mapping.
var (
	// ErrTemplate marks a template that does not compile.
	ErrTemplate = errors.New("invalid template")
	// ErrParse marks a parse stopped by a template's Error action.
	ErrParse = errors.New("template rejected the input")
	// ErrNoTemplate marks a platform and command that no index maps.
	ErrNoTemplate = errors.New("no template for this platform and command")
	// ErrUnknownTemplate marks a template name that no source holds.
	ErrUnknownTemplate = errors.New("unknown template")
	// ErrTimeout marks a regular expression that ran for MatchTimeout on
	// one line: a template (or index) pattern gone exponential.
	ErrTimeout = errors.New("regular expression match timed out")
)

// TemplateError is a mistake in a template's text, tied to its line.
type TemplateError struct {
	Template string // template name, as given to Compile
	Line     int    // 1-based line in the template; 0 when the whole template is at fault
	Msg      string // what is wrong, in Python textfsm's words where it has some
	Hint     string // what to do about it
}

func (e *TemplateError) Error() string {
	where := e.Template
	if e.Line > 0 {
		where = fmt.Sprintf("%s line %d", e.Template, e.Line)
	}
	if e.Hint == "" {
		return fmt.Sprintf("template %s: %s", where, e.Msg)
	}
	return fmt.Sprintf("template %s: %s; %s", where, e.Msg, e.Hint)
}

// Unwrap makes errors.Is(err, ErrTemplate) hold.
func (e *TemplateError) Unwrap() error { return ErrTemplate }

// ParseError reports an Error action: the template says the input is not
// what it expects. Python textfsm discards the records in that case; so do we.
type ParseError struct {
	Template  string
	RuleLine  int    // template line of the rule that fired
	InputLine int    // 1-based line of the input that matched it
	Input     string // that input line
	Msg       string // the rule's message, without quotes; "" when it has none
}

func (e *ParseError) Error() string {
	msg := "State Error raised"
	if e.Msg != "" {
		msg = "Error: " + e.Msg
	}
	return fmt.Sprintf("template %s line %d: %s at input line %d: %q",
		e.Template, e.RuleLine, msg, e.InputLine, e.Input)
}

// Unwrap makes errors.Is(err, ErrParse) hold.
func (e *ParseError) Unwrap() error { return ErrParse }

// TimeoutError is a rule whose regular expression ran for MatchTimeout on
// one input line without an answer (only patterns that need regexp2 can):
// the template is at fault, not the input, so the parse is abandoned
// rather than the line skipped, which would make its records depend on
// how busy the machine was. A parse stopped by its context's deadline
// returns the context's error instead.
type TimeoutError struct {
	Template  string
	RuleLine  int    // template line of the rule being matched
	Value     string // the List value whose nested groups were being matched; "" for the rule's own regex
	InputLine int    // 1-based input line
	Input     string // that input line
	Limit     time.Duration
}

func (e *TimeoutError) Error() string {
	what := "regex"
	if e.Value != "" {
		what = "value " + e.Value + " regex"
	}
	in := e.Input
	if len(in) > 80 {
		in = in[:80] + "..."
	}
	return fmt.Sprintf("template %s line %d: %s match gave up after %v at input line %d: %q",
		e.Template, e.RuleLine, what, e.Limit, e.InputLine, in)
}

// Unwrap makes errors.Is(err, ErrTimeout) hold.
func (e *TimeoutError) Unwrap() error { return ErrTimeout }
