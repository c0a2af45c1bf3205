package engine

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"golang.org/x/crypto/ssh"
)

// Target is one device to run on, with everything the engine needs to
// reach it. The engine never reads the store: callers resolve devices,
// credentials and settings into targets.
type Target struct {
	Name     string
	Address  string
	Port     int
	Platform string
	// Creds are tried in order; only an authentication failure moves on to
	// the next one, and only on a host whose key is on record: a host met
	// for the first time, or not checked, gets the first one alone.
	Creds []Credential
	// OfferAllCreds offers every credential even to a host whose key is
	// not on record: the user's explicit choice (exec --all-creds).
	OfferAllCreds bool
	// Jump, when set, is the host connections go through.
	Jump *JumpHost
	// IgnoreHostKey skips host-key checking (hostkey=ignore).
	IgnoreHostKey bool
	// Legacy allows old algorithms (group1/group14-sha1, CBC, ssh-rsa).
	Legacy bool
	// Prompt overrides the learned prompt with a regular expression.
	Prompt string
	// Paging overrides the platform's paging-off command.
	Paging string
	// Group names the limit this target counts against (its site, or its
	// jump host); Plan.GroupLimits caps each group.
	Group string
	// SessionLog, when set, gets a transcript of the session: everything
	// read from the device and everything sent to it, in order, setup
	// (paging off, enable) included, with the credentials' secrets
	// masked as ********. The caller opens and closes it; the engine is
	// done with it when the target's last event (Done or Failed) is
	// sent. A slow writer never holds the session: what it cannot take
	// is left out, and after its first error it is left alone.
	SessionLog io.Writer
	// Commands, when set, are what this target runs instead of the
	// plan's: a vendor-neutral question asks each platform its own way.
	Commands []string
}

// Addr is the target's host:port.
func (t *Target) Addr() string {
	return net.JoinHostPort(t.Address, strconv.Itoa(t.Port))
}

// Credential is one way to log in. Secrets live here only while the vault
// is unlocked; the engine never writes them anywhere.
type Credential struct {
	Name     string
	User     string
	Password string
	// Signers authenticate with keys (a key file, or ssh-agent's keys).
	Signers []ssh.Signer
	// Enable is the enable secret; empty means the password.
	Enable string
}

// String names the credential without its secrets.
func (c Credential) String() string { return fmt.Sprintf("%s (user %s)", c.Name, c.User) }

// enableSecret is what to answer enable's password prompt with: the enable
// secret, or the login password as operators usually set it.
func (c Credential) enableSecret() string {
	if c.Enable != "" {
		return c.Enable
	}
	return c.Password
}

// JumpHost is an SSH host that connections to a target go through.
type JumpHost struct {
	// Name identifies the jump host for reuse and limits: a device name or
	// user@host:port.
	Name          string
	Address       string
	Port          int
	Creds         []Credential
	IgnoreHostKey bool
	Legacy        bool
	// OfferAllCreds offers every credential even when the jump host's
	// key is not on record, as Target.OfferAllCreds.
	OfferAllCreds bool
}

// Addr is the jump host's host:port.
func (j *JumpHost) Addr() string {
	return net.JoinHostPort(j.Address, strconv.Itoa(j.Port))
}

// Timeouts bound every wait of a run. By default connecting and logging
// in are bounded by 10 s each, Connect for TCP and Handshake for the SSH
// handshake and authentication with one credential, which is what
// exec --connect-timeout (default 10s) promises.
type Timeouts struct {
	// Connect bounds the TCP connection.
	Connect time.Duration
	// Handshake bounds the SSH handshake and authentication, per
	// credential; zero means Connect's bound.
	Handshake time.Duration
	// Prompt bounds the wait for the first prompt and for session setup
	// (paging off, enable).
	Prompt time.Duration
	// Command bounds each command, from sending it to its prompt.
	Command time.Duration
}

// DefaultTimeouts are the timeouts a plan gets for the ones it leaves zero.
func DefaultTimeouts() Timeouts {
	return Timeouts{Connect: 10 * time.Second, Handshake: 10 * time.Second, Prompt: 15 * time.Second, Command: 30 * time.Second}
}

func (t Timeouts) withDefaults() Timeouts {
	d := DefaultTimeouts()
	if t.Connect <= 0 {
		t.Connect = d.Connect
	}
	if t.Handshake <= 0 {
		t.Handshake = t.Connect
	}
	if t.Prompt <= 0 {
		t.Prompt = d.Prompt
	}
	if t.Command <= 0 {
		t.Command = d.Command
	}
	return t
}

// Plan is one run: commands on targets.
type Plan struct {
	Targets  []Target
	Commands []string
	Timeouts Timeouts
	// Overall bounds the whole run; zero means no bound beyond the context.
	Overall time.Duration
	// Workers caps concurrent devices; zero means DefaultWorkers.
	Workers int
	// GroupLimits caps concurrent sessions per Target.Group.
	GroupLimits map[string]int
	// MaxOutput caps what one command may produce, in bytes; zero means
	// DefaultMaxOutput. A device that sends more fails with
	// KindOutputLimit and its session is closed: a device stuck in a loop
	// must not take the machine's memory.
	MaxOutput int64
	// Drain, when closed, stops the run from starting more devices: those
	// already talking to their device finish (the caller bounds them with
	// ctx), the others fail as canceled. A service that is asked to stop
	// drains its runs.
	Drain <-chan struct{}
}

// DefaultMaxOutput is the output a command may produce unless the plan
// says otherwise: far more than any configuration or table.
const DefaultMaxOutput = 256 << 20

func (p *Plan) maxOutput() int64 {
	if p.MaxOutput > 0 {
		return p.MaxOutput
	}
	return DefaultMaxOutput
}

// DefaultWorkers is how many devices a run talks to at once by default:
// high, since SSH sessions mostly wait.
const DefaultWorkers = 1000
