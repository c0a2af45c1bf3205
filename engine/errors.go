package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
)

// Kind classifies why a device failed, so users and scripts can tell an
// authentication problem from a network one.
type Kind int

// The kinds of failure.
const (
	KindOther Kind = iota
	KindAuth
	KindTimeout
	KindRefused
	KindNoRoute
	KindResolve
	KindHostKey
	KindAlgorithm
	KindPrompt
	KindEnable
	KindClosed
	KindCommand
	KindCanceled
	// KindOutputLimit is a command whose output passed Plan.MaxOutput.
	KindOutputLimit
)

var kindNames = [...]string{"error", "auth", "timeout", "refused", "no-route", "resolve", "hostkey", "algorithm", "prompt", "enable", "closed", "command", "canceled",
	"output-limit"}

func (k Kind) String() string { return kindNames[k] }

// Error is a device's failure: a kind, the reason a user reads, and the
// underlying error.
type Error struct {
	Kind   Kind
	Reason string
	Err    error
}

func (e *Error) Error() string { return e.Reason }
func (e *Error) Unwrap() error { return e.Err }

func failure(k Kind, err error, format string, args ...any) *Error {
	return &Error{Kind: k, Reason: fmt.Sprintf(format, args...), Err: err}
}

// ErrAuthFailed is wrapped by every authentication failure.
var ErrAuthFailed = errors.New("authentication failed")

// ErrCredsWithheld is wrapped, with ErrAuthFailed, by the failure of a
// host that refused the first credential and was not offered the others,
// since its key was not on record (Target.OfferAllCreds offers them).
var ErrCredsWithheld = errors.New("other credentials withheld from a host not on record")

// OutputLimitError is a device that sent more than Plan.MaxOutput for one
// command.
type OutputLimitError struct {
	Limit int64
}

func (e *OutputLimitError) Error() string {
	return fmt.Sprintf("output over the limit of %s", byteSize(e.Limit))
}

// byteSize renders a size the way a limit is usually set: 256 MiB.
func byteSize(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// classify turns an error met during phase into an *Error with a reason a
// network engineer recognises.
func classify(ctx context.Context, phase string, limit time.Duration, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var hk *HostKeyChangedError
	var dns *net.DNSError
	var ne net.Error
	var algo *ssh.AlgorithmNegotiationError
	var over *OutputLimitError
	switch {
	case errors.As(err, &over):
		where := "for one command"
		if phase != "command" {
			where = "during " + phase
		}
		return failure(KindOutputLimit, err, "output limit: the device sent more than %s %s; the session was closed", byteSize(over.Limit), where)
	case ctx.Err() != nil && errors.Is(context.Cause(ctx), context.Canceled):
		return failure(KindCanceled, err, "canceled during %s", phase)
	case ctx.Err() != nil:
		return failure(KindTimeout, err, "timeout: the run's time ran out during %s", phase)
	case errors.As(err, &hk):
		return failure(KindHostKey, err, "%s", hk.Error())
	case errors.As(err, &dns):
		return failure(KindResolve, err, "cannot resolve %s", dns.Name)
	case errors.Is(err, syscall.ECONNREFUSED):
		return failure(KindRefused, err, "connection refused")
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		return failure(KindNoRoute, err, "no route to host")
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded), errors.Is(err, errWaitTimeout):
		return failure(KindTimeout, err, "timeout after %s during %s", roundDuration(limit), phase)
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, net.ErrClosed), errors.Is(err, errClosed):
		return failure(KindClosed, err, "connection closed by the device during %s", phase)
	case errors.As(err, &algo):
		return failure(KindAlgorithm, err, "no common algorithm during %s (an old device? set legacy=yes on its platform or device): %v", phase, err)
	}
	return failure(KindOther, err, "%s: %v", phase, err)
}

var (
	errWaitTimeout = errors.New("wait timed out")
	errClosed      = errors.New("session closed")
)

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d
}
