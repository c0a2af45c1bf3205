package store

import (
	"slices"
	"sort"
)

// CredOrder returns the credentials to try on d, in the order to try them:
// the device's own choice; then the credentials that last worked on it,
// most recent first; then the default; then the rest, those that were
// last refused by d at the end. Each credential appears once.
func (t *Tx) CredOrder(d *Device) ([]*Credential, error) {
	creds, err := t.Creds()
	if err != nil {
		return nil, err
	}
	hist, err := t.CredHistory(d.Name)
	if err != nil {
		return nil, err
	}
	return OrderCreds(d, creds, hist), nil
}

// CredOrders is CredOrder for many devices in one transaction, keyed by
// device name.
func (t *Tx) CredOrders(ds []*Device) (map[string][]*Credential, error) {
	creds, err := t.Creds()
	if err != nil {
		return nil, err
	}
	out := make(map[string][]*Credential, len(ds))
	for _, d := range ds {
		hist, err := t.CredHistory(d.Name)
		if err != nil {
			return nil, err
		}
		out[d.Name] = OrderCreds(d, creds, hist)
	}
	return out, nil
}

// OrderCreds is CredOrder's rule on data already read: creds is every
// credential, hist what d taught the store about them.
func OrderCreds(d *Device, creds []*Credential, hist []CredResult) []*Credential {
	byName := make(map[string]*Credential, len(creds))
	for _, c := range creds {
		byName[c.Name] = c
	}
	out := make([]*Credential, 0, len(creds))
	taken := make(map[string]bool, len(creds))
	take := func(c *Credential) {
		if c != nil && !taken[c.Name] {
			taken[c.Name] = true
			out = append(out, c)
		}
	}

	take(byName[d.Cred])

	worked := slices.Clone(hist)
	worked = slices.DeleteFunc(worked, func(r CredResult) bool { return !r.Worked() })
	sort.SliceStable(worked, func(i, j int) bool { return worked[i].LastOK.After(worked[j].LastOK) })
	for _, r := range worked {
		take(byName[r.Cred])
	}

	for _, c := range creds {
		if c.Default {
			take(c)
		}
	}

	refused := map[string]bool{}
	for _, r := range hist {
		if r.FailedLast() {
			refused[r.Cred] = true
		}
	}
	for _, c := range creds {
		if !refused[c.Name] {
			take(c)
		}
	}
	for _, c := range creds {
		take(c)
	}
	return out
}
