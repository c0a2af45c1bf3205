package netbox

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinel errors; callers test them with errors.Is. The typed errors
// below are each one of these as well.
var (
	// ErrInvalidOption means a URL, token, filter, CA file or mapping given
	// by the caller is unusable: the user's mistake, not NetBox's.
	ErrInvalidOption = errors.New("invalid option")
	// ErrUnauthorized means NetBox answered 401: it did not accept the
	// token.
	ErrUnauthorized = errors.New("NetBox refused the token")
	// ErrForbidden means NetBox answered 403, which it does both for a
	// token it does not know and for a user without permission to view
	// devices.
	ErrForbidden = errors.New("NetBox refused the request")
	// ErrBadRequest means NetBox answered 400, almost always a filter
	// whose value it does not know.
	ErrBadRequest = errors.New("NetBox rejected the request")
	// ErrUnavailable means NetBox kept answering 429 or 5xx, or could not
	// be reached, after every retry.
	ErrUnavailable = errors.New("NetBox is unavailable")
	// ErrNotNetBox means the answer is not NetBox's API: an HTML page, a
	// 404, JSON of another shape.
	ErrNotNetBox = errors.New("not NetBox's API")
	// ErrTLS means the server's certificate could not be verified.
	ErrTLS = errors.New("TLS verification failed")
	// ErrForeignLink means a page's next link points away from the
	// configured NetBox; following it would send the token elsewhere.
	ErrForeignLink = errors.New("next link leaves the configured NetBox")
	// ErrChanged means NetBox's device list changed while vc paged
	// through it, twice in a row, so the pages do not add up to one list.
	ErrChanged = errors.New("NetBox's device list changed during the sync")
	// ErrPruneAll means NetBox returned no devices at all while a prune
	// would remove every device vc has from it.
	ErrPruneAll = errors.New("refusing to prune every NetBox device")
)

// Reasons a NetBox device is skipped (Skip.Reason is one of these, or a
// *store.NoDriverError, or a store validation error).
var (
	ErrNoName          = errors.New("the device has no name in NetBox")
	ErrNoPrimaryIP     = errors.New("the device has no primary IP in NetBox")
	ErrNoPlatform      = errors.New("the device has no platform in NetBox")
	ErrUnknownStatus   = errors.New("status unknown to vc")
	ErrDuplicateName   = errors.New("the name is not unique in NetBox")
	ErrNameTaken       = errors.New("the name is taken in vc")
	ErrOtherInstance   = errors.New("vc's device of this name came from another NetBox")
	ErrInUse           = errors.New("the device is in use in vc")
	ErrMappingNotFound = errors.New("no such platform mapping")
)

// StatusError is an HTTP answer NetBox gave instead of a page of devices.
// It is ErrUnauthorized, ErrForbidden, ErrBadRequest, ErrUnavailable or
// ErrNotNetBox to errors.Is, by its status. It never holds the token.
type StatusError struct {
	// Path is the request's path and query, as "/api/dcim/devices/?limit=250".
	Path   string
	Status int
	// Detail is what NetBox said ({"detail": ...} or a validation message),
	// quoted and short; "" if it said nothing readable.
	Detail string
	// Attempts counts the requests made, retries included.
	Attempts int
	// Location is where a redirect pointed, quoted and short.
	Location string
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("GET %s: %d %s", e.Path, e.Status, http.StatusText(e.Status))
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	switch {
	case e.Status >= 300 && e.Status < 400:
		s += fmt.Sprintf("; it redirects to %s, another scheme or host: give that as the URL if it is NetBox", e.Location)
	case e.Status == http.StatusUnauthorized:
		s += "; NetBox did not accept the token: check that the token file holds the whole token, that it has not expired or been disabled, and that a v2 token (nbt_...) includes its key part"
	case e.Status == http.StatusForbidden:
		s += "; either NetBox did not accept the token (check that it is whole, not expired or disabled, and allowed from this address) or its user may not view devices (dcim.view_device)"
	case e.Status == http.StatusBadRequest:
		s += "; check the filters: NetBox refuses a value it does not know, such as a site slug that is not there"
	case e.Status == http.StatusNotFound:
		s += "; is the URL NetBox's address (without /api)?"
	case e.Status == http.StatusTooManyRequests || e.Status >= 500:
		s += fmt.Sprintf(" after %d %s", e.Attempts, plural("attempt", e.Attempts))
	}
	return s
}

// Is makes a StatusError the sentinel of its status.
func (e *StatusError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrBadRequest:
		return e.Status == http.StatusBadRequest
	case ErrUnavailable:
		return e.Status == http.StatusTooManyRequests || e.Status >= 500
	case ErrNotNetBox:
		return e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed ||
			(e.Status >= 300 && e.Status < 400)
	}
	return false
}

// PageError is an answer that is not a page of NetBox devices: HTML, bad
// JSON, another shape. It is ErrNotNetBox to errors.Is.
type PageError struct {
	Path string
	// Problem says what is wrong, in a few words.
	Problem string
	Err     error
}

func (e *PageError) Error() string {
	s := fmt.Sprintf("GET %s: %s", e.Path, e.Problem)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *PageError) Unwrap() error { return e.Err }

// Is makes every PageError ErrNotNetBox.
func (e *PageError) Is(target error) bool { return target == ErrNotNetBox }

// LinkError is a next link vc refused to follow. It is ErrForeignLink.
type LinkError struct {
	Path string
	// Link is the link, quoted and short.
	Link string
	Why  string
}

func (e *LinkError) Error() string {
	return fmt.Sprintf("GET %s: NetBox's next link %s %s; vc follows links only to the configured NetBox, so that the token goes nowhere else (behind a proxy, check that it passes the Host and X-Forwarded-Proto headers)", e.Path, e.Link, e.Why)
}

// Is makes every LinkError ErrForeignLink.
func (e *LinkError) Is(target error) bool { return target == ErrForeignLink }

// TransportError is a request that got no HTTP answer: refused, reset,
// timed out, or a certificate that was not trusted. It is ErrUnavailable,
// or ErrTLS for a certificate, to errors.Is; Err says more.
type TransportError struct {
	Path     string
	Attempts int
	TLS      bool
	Err      error
}

func (e *TransportError) Error() string {
	if e.TLS {
		return fmt.Sprintf("GET %s: %v; give the server's CA with --ca-file, or skip the check with --insecure", e.Path, e.Err)
	}
	return fmt.Sprintf("GET %s: %v (after %d %s)", e.Path, e.Err, e.Attempts, plural("attempt", e.Attempts))
}

func (e *TransportError) Unwrap() error { return e.Err }

// Is makes a TransportError ErrTLS or ErrUnavailable.
func (e *TransportError) Is(target error) bool {
	if e.TLS {
		return target == ErrTLS
	}
	return target == ErrUnavailable
}

// optionError is a caller's mistake: it reads as its message alone but is
// ErrInvalidOption to errors.Is.
type optionError struct{ msg string }

func (e *optionError) Error() string        { return e.msg }
func (e *optionError) Is(target error) bool { return target == ErrInvalidOption }

func optionf(format string, args ...any) error {
	return &optionError{fmt.Sprintf(format, args...)}
}

func plural(w string, n int) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

// ErrStalePlan means a plan was applied in another transaction than the
// one it was made in, after the store changed.
var ErrStalePlan = errors.New("the store changed since the plan was made; plan again")
