package inventory

import (
	"fmt"
	"strings"

	"vc/records"
	"vc/store"
)

// ErrTooManyNames is a node set that expands to more than MaxNodeSet
// names (a typo such as [1-1000000]); it is found behind a
// *NodeSetError.
var ErrTooManyNames = fmt.Errorf("expands to more than %d names", MaxNodeSet)

// NodeSetError is device-name text (usa-leaf-00[1-4],usa-spine-001)
// that does not read as a node set, or expands to too many names.
type NodeSetError struct {
	Text string
	// Column is the 1-based character of Text at fault.
	Column  int
	Message string
	// Err is ErrTooManyNames for a set too large, else nil.
	Err error
}

func (e *NodeSetError) Error() string {
	return fmt.Sprintf("node set %s, character %d: %s", store.Quote(e.Text), e.Column, e.Message)
}

// Unwrap returns ErrTooManyNames for a set too large.
func (e *NodeSetError) Unwrap() error { return e.Err }

// UnknownFieldError is a bare word in a selection that is not a device
// field: a field misspelt (vendr), or a value written without quotes
// (usa). It is found behind the *records.ExprError that says where.
type UnknownFieldError struct {
	Name string
	// Suggestions are the fields most likely meant, best first.
	Suggestions []string
	// Comparisons are expressions the word was likely meant in, when it
	// is a value some device has (site == "usa"); Resolve fills them.
	Comparisons []string
}

func (e *UnknownFieldError) Error() string { return e.Name + " is not a device field" }

// unknownField is the error Compile gives for a word that is not a field:
// expr-lang's position and words (unknown name x), then what to write.
func unknownField(src string, err error, name string) error {
	e, ok := records.PositionError(src, err).(*records.ExprError)
	if !ok {
		return err
	}
	fe := &UnknownFieldError{Name: name, Suggestions: records.Suggest(name, EnvFields)}
	e.Err = fe
	describeUnknown(e, fe)
	return e
}

// describeUnknown words an ExprError for an unknown field from what is
// known of it.
func describeUnknown(e *records.ExprError, fe *UnknownFieldError) {
	e.Hint = "fields are " + strings.Join(EnvFields, ", ")
	switch {
	case len(fe.Comparisons) > 0:
		e.Message = "unknown name " + fe.Name + " (not a field or a device; did you mean " + strings.Join(fe.Comparisons, " or ") + "?)"
	case len(fe.Suggestions) > 0:
		e.Message = "unknown name " + fe.Name + records.DidYouMean(fe.Suggestions)
	default:
		e.Message = "unknown name " + fe.Name + " (not a field; text to compare with is quoted: name == " + store.Quote(fe.Name) + ")"
	}
}
