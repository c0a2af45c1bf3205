package store

import (
	"encoding/json"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// CredKind is how a credential logs in.
type CredKind string

// The credential kinds.
const (
	// CredPassword logs in with a password.
	CredPassword CredKind = "password"
	// CredKey logs in with a private key, kept sealed in the vault.
	CredKey CredKind = "key"
	// CredAgent logs in with the keys of the ssh-agent at SSH_AUTH_SOCK.
	CredAgent CredKind = "agent"
)

// CredKinds lists the kinds, for help.
var CredKinds = []CredKind{CredPassword, CredKey, CredAgent}

// Credential is a named login. Its secrets are only ever stored sealed by
// the vault, in Sealed; everything else is in the clear, so credentials
// can be listed without unlocking the vault.
type Credential struct {
	Name string   `json:"name"`
	User string   `json:"user"`
	Kind CredKind `json:"kind"`
	// KeyFile is where a key credential's key was read from; the key
	// itself is in Sealed.
	KeyFile string `json:"key_file,omitempty"`
	// Enable says the sealed secret holds an enable secret.
	Enable bool `json:"enable,omitempty"`
	// Default is tried on every device after the ones known to work there.
	Default bool `json:"default,omitempty"`
	// Sealed is the vault's sealing of the credential's secrets.
	Sealed []byte `json:"sealed,omitempty"`
	Stamps
}

// Identity is what the vault binds the sealed secret to: a sealed secret
// copied onto another record (or the same record with another user or
// kind) no longer opens.
func (c *Credential) Identity() []byte {
	return []byte("vc/cred/v1\x00" + c.Name + "\x00" + c.User + "\x00" + string(c.Kind))
}

// NeedsSecret reports whether the credential cannot work without its
// sealed part.
func (c *Credential) NeedsSecret() bool { return c.Kind != CredAgent || c.Enable }

func validateCred(c *Credential) error {
	if err := ValidName(c.Name); err != nil {
		return fmt.Errorf("credential name: %w", err)
	}
	if c.User == "" {
		return fmt.Errorf("credential %s: %w", c.Name, invalidf("no user"))
	}
	if err := checkText(c.User, MaxNameLen); err != nil {
		return fmt.Errorf("credential %s user: %w", c.Name, err)
	}
	if err := checkText(c.KeyFile, MaxTextLen); err != nil {
		return fmt.Errorf("credential %s key file: %w", c.Name, err)
	}
	if !slices.Contains(CredKinds, c.Kind) {
		return fmt.Errorf("credential %s: %w", c.Name, invalidf("kind %s is not one of password, key, agent", Quote(string(c.Kind))))
	}
	if c.NeedsSecret() != (len(c.Sealed) > 0) {
		return fmt.Errorf("credential %s: %w", c.Name, invalidf("a %s credential must have a sealed secret exactly when it needs one", c.Kind))
	}
	return nil
}

func (t *Tx) creds() *bolt.Bucket { return t.tx.Bucket(bucketCred) }

// Cred returns the credential named name, or ErrNotFound.
func (t *Tx) Cred(name string) (*Credential, error) {
	raw := t.creds().Get([]byte(name))
	if raw == nil {
		return nil, fmt.Errorf("credential %s: %w", Quote(name), ErrNotFound)
	}
	var c Credential
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("store: decode credential %s: %w", Quote(name), err)
	}
	return &c, nil
}

// Creds returns every credential, sorted by name.
func (t *Tx) Creds() ([]*Credential, error) {
	var out []*Credential
	err := t.creds().ForEach(func(k, v []byte) error {
		var c Credential
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("store: decode credential %s: %w", Quote(string(k)), err)
		}
		out = append(out, &c)
		return nil
	})
	return out, err
}

// PutCred writes c, creating or replacing the credential of its name. A
// default credential takes the default from any other.
func (t *Tx) PutCred(c *Credential) error {
	if err := validateCred(c); err != nil {
		return err
	}
	if c.Default {
		if err := t.clearDefault(c.Name); err != nil {
			return err
		}
	}
	if c.Created.IsZero() {
		c.Created = t.now
	}
	c.Updated = t.now
	raw, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("store: encode credential %s: %w", Quote(c.Name), err)
	}
	t.changed = true
	return t.creds().Put([]byte(c.Name), raw)
}

func (t *Tx) clearDefault(except string) error {
	all, err := t.Creds()
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.Default && o.Name != except {
			o.Default = false
			if err := t.PutCred(o); err != nil {
				return err
			}
		}
	}
	return nil
}

// SetDefaultCred makes the credential name the default; "" leaves none.
func (t *Tx) SetDefaultCred(name string) error {
	if name == "" {
		return t.clearDefault("")
	}
	c, err := t.Cred(name)
	if err != nil {
		return err
	}
	c.Default = true
	return t.PutCred(c)
}

// RemoveCred deletes the credential name and what the store learned about
// it. Devices that prefer it keep it from going, with ErrInUse, unless
// force is set: then their preference is cleared and they are returned.
func (t *Tx) RemoveCred(name string, force bool) ([]string, error) {
	if _, err := t.Cred(name); err != nil {
		return nil, err
	}
	devs, err := List[Device](t)
	if err != nil {
		return nil, err
	}
	var users []*Device
	var names []string
	for _, d := range devs {
		if d.Cred == name {
			users = append(users, d)
			names = append(names, d.Name)
		}
	}
	if len(users) > 0 && !force {
		return names, fmt.Errorf("credential %s is preferred by %s: %w; --force detaches them",
			Quote(name), describeRefs(refsOf(KindDevice, names, "cred")), ErrInUse)
	}
	for _, d := range users {
		d.Cred = ""
		if err := Put(t, d); err != nil {
			return nil, err
		}
	}
	if err := t.forgetCred(name); err != nil {
		return nil, err
	}
	t.changed = true
	return names, t.creds().Delete([]byte(name))
}

func refsOf(k Kind, names []string, field string) []Ref {
	refs := make([]Ref, len(names))
	for i, n := range names {
		refs[i] = Ref{Kind: k, Name: n, Field: field}
	}
	return refs
}

// ResealCred replaces the sealed secret of the credential name, as a
// change of vault password does; the credential itself is unchanged, so
// its Updated stamp stays.
func (t *Tx) ResealCred(name string, sealed []byte) error {
	c, err := t.Cred(name)
	if err != nil {
		return err
	}
	c.Sealed = sealed
	if err := validateCred(c); err != nil {
		return err
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("store: encode credential %s: %w", Quote(c.Name), err)
	}
	t.changed = true
	return t.creds().Put([]byte(c.Name), raw)
}
