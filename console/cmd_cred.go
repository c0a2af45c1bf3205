package console

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"
	"vc/records"
	"vc/secrets"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"vc/store"
	"vc/vault"
)

func credCommands() []*Command {
	return []*Command{
		{
			Name: "cred add", Args: "NAME", Group: groupVault, MinArgs: 1, MaxArgs: 1,
			Flags: []Flag{
				{Name: "user", Value: "USER", Help: "the user to log in as (required)"},
				{Name: "password-stdin", Help: "read the password from a line of stdin (on a terminal it is asked for anyway)"},
				{Name: "key", Value: "FILE", Help: "log in with this private key; its content is sealed in the vault"},
				{Name: "key-passphrase-stdin", Help: "read the key's passphrase from a line of stdin"},
				{Name: "agent", Help: "log in with the keys of the ssh-agent at SSH_AUTH_SOCK"},
				{Name: "enable-secret-stdin", Help: "also keep an enable secret: asked on a terminal, else a line of stdin"},
				{Name: "default", Help: "make it the default credential"},
				{Name: "force", Help: "replace a credential of that name"},
			},
			Summary: "add a credential: a password, a key file or the ssh-agent, sealed in the vault",
			Help: "A password credential asks for the password without echo on a terminal; elsewhere it needs --password-stdin and reads " +
				"it from stdin. Secrets are never taken from the command line. When several come from stdin they are one a line, " +
				"in this order: password, key passphrase, enable secret. An encrypted key's passphrase is checked before it is kept. " +
				"Adding a credential with a secret unlocks the vault (see help vault unlock).",
			Examples: []string{
				"cred add ops --user admin",
				"printf '%s\\n' \"$PW\" | vc cred add ops --user admin --password-stdin --default",
				"cred add lab --user root --key ~/.ssh/id_ed25519",
				"cred add me --user netops --agent --enable-secret-stdin",
			},
			Run: runCredAdd,
		},
		{
			Name: "cred list", Group: groupVault, Flags: []Flag{jsonFlag},
			Summary:  "list credentials (never their secrets), with the devices each last worked on",
			Examples: []string{"cred list", "cred list --json"},
			Run:      runCredList,
		},
		{
			Name: "cred show", Args: "NAME", Group: groupVault, MinArgs: 1, MaxArgs: 1, Flags: []Flag{jsonFlag},
			Summary:  "show one credential (never its secrets)",
			Examples: []string{"cred show ops"},
			Run:      runCredShow,
		},
		{
			Name: "cred rm", Args: "NAME...", Group: groupVault, MinArgs: 1, MaxArgs: -1,
			Flags:    []Flag{{Name: "force", Help: "remove it even if devices prefer it, clearing their choice"}},
			Summary:  "remove credentials and what vc learned about them",
			Examples: []string{"cred rm lab", "cred rm ops --force"},
			Run:      runCredRm,
		},
		{
			Name: "cred default", Args: "[NAME]", Group: groupVault, MaxArgs: 1,
			Flags:    []Flag{{Name: "clear", Help: "leave no default credential"}},
			Summary:  "set the default credential; alone, name it",
			Help:     "On each device vc tries the device's own credential (device edit NAME cred=...), then those that last worked there, then the default, then the rest.",
			Examples: []string{"cred default ops", "cred default", "cred default --clear"},
			Run:      runCredDefault,
		},
		{
			Name: "cred export", Args: "FILE", Group: groupVault, MinArgs: 1, MaxArgs: 1,
			Flags: []Flag{
				{Name: "password-file", Value: "F", Help: "read the bundle's password from F"},
				{Name: "password-stdin", Help: "read the bundle's password from a line of stdin"},
				{Name: "force", Help: "overwrite FILE"},
			},
			Summary: "write every credential to FILE, sealed under a password of its own",
			Help: "For moving credentials to another vault: cred import reads the file there. The bundle's password is asked twice " +
				"on a terminal and is not the vault password. The file is written with mode 0600.",
			Examples: []string{"cred export creds.vcb", "cred export creds.vcb --password-file bundle.pw"},
			Run:      runCredExport,
		},
		{
			Name: "cred import", Args: "FILE", Group: groupVault, MinArgs: 1, MaxArgs: 1,
			Flags: []Flag{
				{Name: "password-file", Value: "F", Help: "read the bundle's password from F"},
				{Name: "password-stdin", Help: "read the bundle's password from a line of stdin"},
				{Name: "force", Help: "replace credentials of the same names"},
			},
			Summary:  "add the credentials of a bundle cred export wrote, all or none",
			Examples: []string{"cred import creds.vcb", "cred import creds.vcb --force"},
			Run:      runCredImport,
		},
	}
}

func runCredAdd(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	name := c.Args[0]
	if err := store.ValidName(name); err != nil {
		return nil, fmt.Errorf("credential name: %w", err)
	}
	user := c.String("user", "")
	if user == "" {
		return nil, usagef("cred add: --user USER is required")
	}
	kind := store.CredPassword
	switch {
	case c.Bool("agent") && c.Has("key"):
		return nil, usagef("cred add: --agent and --key are two kinds of credential; choose one")
	case c.Bool("agent"):
		kind = store.CredAgent
	case c.Has("key"):
		kind = store.CredKey
	}
	if kind != store.CredPassword && c.Bool("password-stdin") {
		return nil, usagef("cred add: --password-stdin is for a password credential, not a %s one", kind)
	}
	if kind != store.CredKey && c.Bool("key-passphrase-stdin") {
		return nil, usagef("cred add: --key-passphrase-stdin goes with --key FILE")
	}
	cr := &store.Credential{Name: name, User: user, Kind: kind, Enable: c.Bool("enable-secret-stdin"), Default: c.Bool("default")}
	if kind == store.CredKey {
		abs, err := filepath.Abs(c.String("key", ""))
		if err != nil {
			return nil, err
		}
		cr.KeyFile = abs
	}
	if kind == store.CredPassword && e.askSecret == nil && !c.Bool("password-stdin") {
		return nil, usagef("cred add: the password is needed: run on a terminal to type it, or give it on stdin with --password-stdin")
	}
	// Fail before asking for any secret.
	if err := e.Store.View(ctx, func(t *store.Tx) error { return credAddable(t, cr, c.Bool("force")) }); err != nil {
		return nil, err
	}
	if kind == store.CredAgent {
		e.checkAgent(ctx)
	}
	put := func(t *store.Tx) error {
		if err := credAddable(t, cr, c.Bool("force")); err != nil {
			return err
		}
		return t.PutCred(cr)
	}
	if !cr.NeedsSecret() {
		if err := e.Store.Update(ctx, put); err != nil {
			return nil, err
		}
		e.saidf("added credential %s (%s as %s)", name, kind, user)
		return nil, nil
	}
	err := e.keyring.With(ctx, func(k *vault.Key, h *vault.Header) error {
		sec, err := e.credSecret(ctx, c, cr)
		if err != nil {
			return err
		}
		defer sec.Wipe()
		if cr.Sealed, err = k.SealSecret(sec, cr.Identity()); err != nil {
			return err
		}
		return e.Store.Update(ctx, func(t *store.Tx) error {
			if err := secrets.SameVault(t, h); err != nil {
				return err
			}
			return put(t)
		})
	})
	if err != nil {
		return nil, err
	}
	e.saidf("added credential %s (%s as %s%s)", name, kind, user, map[bool]string{true: ", with an enable secret"}[cr.Enable])
	return nil, nil
}

// credAddable checks cr may be written, and carries over what a
// replaced credential had: its creation time and its default.
func credAddable(t *store.Tx, cr *store.Credential, force bool) error {
	old, err := t.Cred(cr.Name)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !force {
		return fmt.Errorf("credential %q already exists; cred rm it first or use --force to replace it", cr.Name)
	}
	cr.Created = old.Created
	cr.Default = cr.Default || old.Default
	return nil
}

// credSecret gathers what cred add seals, in the order stdin gives it.
func (e *Env) credSecret(ctx context.Context, c *Call, cr *store.Credential) (*vault.Secret, error) {
	sec := &vault.Secret{}
	var err error
	switch cr.Kind {
	case store.CredPassword:
		sec.Password, err = e.readSecret(ctx, "password for "+cr.Name, "password-stdin", c.Bool("password-stdin"))
	case store.CredKey:
		sec.KeyPEM, sec.KeyPassphrase, err = e.readKey(ctx, cr.KeyFile, c.Bool("key-passphrase-stdin"))
	}
	if err == nil && cr.Enable {
		sec.Enable, err = e.readSecret(ctx, "enable secret for "+cr.Name, "enable-secret-stdin", true)
	}
	if err != nil {
		sec.Wipe()
		return nil, err
	}
	return sec, nil
}

// readKey reads a private key file and, if it is encrypted, its
// passphrase, checking that the passphrase opens it.
func (e *Env) readKey(ctx context.Context, path string, passFlag bool) (pemBytes, pass []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("key file: %w", err)
	}
	pemBytes, err = io.ReadAll(io.LimitReader(f, 1<<20))
	f.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("key file %s: %w", path, err)
	}
	_, perr := ssh.ParseRawPrivateKey(pemBytes)
	var missing *ssh.PassphraseMissingError
	switch {
	case perr == nil:
		if passFlag {
			// Read it anyway, so what follows on stdin stays in step.
			p, err := e.readSecret(ctx, "passphrase for "+path, "key-passphrase-stdin", true)
			vault.Wipe(p)
			if err != nil {
				vault.Wipe(pemBytes)
				return nil, nil, err
			}
			e.warnf("%s is not encrypted; its passphrase is not kept", path)
		}
		return pemBytes, nil, nil
	case errors.As(perr, &missing):
		pass, err = e.readSecret(ctx, "passphrase for "+path, "key-passphrase-stdin", passFlag)
		if err != nil {
			vault.Wipe(pemBytes)
			return nil, nil, err
		}
		if _, err := ssh.ParseRawPrivateKeyWithPassphrase(pemBytes, pass); err != nil {
			vault.Wipe(pemBytes)
			vault.Wipe(pass)
			if errors.Is(err, x509.IncorrectPasswordError) {
				return nil, nil, fmt.Errorf("key file %s: the passphrase does not open it", path)
			}
			return nil, nil, fmt.Errorf("key file %s: %w", path, err)
		}
		return pemBytes, pass, nil
	default:
		vault.Wipe(pemBytes)
		return nil, nil, fmt.Errorf("key file %s is not a private key vc can read: %w", path, perr)
	}
}

// checkAgent tells the user whether the ssh-agent an agent credential
// will use is there; it is not an error if not, as it may be by the time
// vc connects.
func (e *Env) checkAgent(ctx context.Context) {
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		e.warnf("warning: SSH_AUTH_SOCK is not set here; this credential needs an ssh-agent when vc connects with it")
		return
	}
	d := net.Dialer{Timeout: 2 * time.Second}
	conn, err := d.DialContext(ctx, "unix", sock)
	if err != nil {
		e.warnf("warning: cannot reach the ssh-agent at SSH_AUTH_SOCK: %v", err)
		return
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	keys, err := agent.NewClient(conn).List()
	if err != nil {
		e.warnf("warning: the ssh-agent at SSH_AUTH_SOCK did not list its keys: %v", err)
		return
	}
	if len(keys) == 0 {
		e.warnf("warning: the ssh-agent at SSH_AUTH_SOCK holds no keys yet (ssh-add adds them)")
		return
	}
	e.saidf("the ssh-agent at SSH_AUTH_SOCK holds %d %s", len(keys), plural("key", len(keys)))
}

var credColumns = []string{"name", "user", "kind", "enable", "default", "devices", "key-file", "preferred-by", "created", "updated"}

func credRow(cr *store.Credential, worked, preferred int) []any {
	return []any{cr.Name, cr.User, string(cr.Kind), cr.Enable, cr.Default, worked, cr.KeyFile, preferred, cr.Created, cr.Updated}
}

func credRows(ctx context.Context, e *Env, only string) (*records.Set, error) {
	res := &records.Set{Columns: credColumns, Brief: 6, Empty: "no credentials (cred add adds one)"}
	err := e.Store.View(ctx, func(t *store.Tx) error {
		var creds []*store.Credential
		if only != "" {
			cr, err := t.Cred(only)
			if err != nil {
				return notFoundHint(err, "cred list")
			}
			creds = []*store.Credential{cr}
		} else {
			var err error
			if creds, err = t.Creds(); err != nil {
				return err
			}
		}
		worked, err := t.CredDeviceCounts()
		if err != nil {
			return err
		}
		ds, err := store.List[store.Device](t)
		if err != nil {
			return err
		}
		preferred := map[string]int{}
		for _, d := range ds {
			if d.Cred != "" {
				preferred[d.Cred]++
			}
		}
		for _, cr := range creds {
			res.Rows = append(res.Rows, credRow(cr, worked[cr.Name], preferred[cr.Name]))
		}
		return nil
	})
	return res, err
}

func runCredList(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	return credRows(ctx, e, "")
}

func runCredShow(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	res, err := credRows(ctx, e, c.Args[0])
	if err != nil {
		return nil, err
	}
	res.Record = true
	return res, nil
}

func runCredRm(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	return nil, e.Store.Update(ctx, func(t *store.Tx) error {
		for _, name := range c.Args {
			detached, err := t.RemoveCred(name, c.Bool("force"))
			if err != nil {
				return notFoundHint(err, "cred list")
			}
			for _, d := range detached {
				e.saidf("device %s no longer prefers credential %s", d, name)
			}
			e.saidf("removed credential %s", name)
		}
		return nil
	})
}

func runCredDefault(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	switch {
	case c.Bool("clear") && len(c.Args) > 0:
		return nil, usagef("cred default: give a NAME or --clear, not both")
	case c.Bool("clear"):
		return nil, e.Store.Update(ctx, func(t *store.Tx) error {
			e.saidf("no default credential now")
			return t.SetDefaultCred("")
		})
	case len(c.Args) == 1:
		return nil, e.Store.Update(ctx, func(t *store.Tx) error {
			if err := t.SetDefaultCred(c.Args[0]); err != nil {
				return notFoundHint(err, "cred list")
			}
			e.saidf("credential %s is the default", c.Args[0])
			return nil
		})
	}
	return nil, e.Store.View(ctx, func(t *store.Tx) error {
		creds, err := t.Creds()
		if err != nil {
			return err
		}
		for _, cr := range creds {
			if cr.Default {
				fmt.Fprintln(e.Out, cr.Name)
				return nil
			}
		}
		e.saidf("no default credential (cred default NAME sets one)")
		return nil
	})
}
