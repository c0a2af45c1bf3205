package console

import (
	"context"
	"fmt"
	"time"
	"vc/records"

	"vc/store"
)

// addCredInfo adds to a device's record the credentials vc will try on
// it, in order and with why, and what each taught vc there.
func addCredInfo(ctx context.Context, e *Env, res *records.Set, d *store.Device) error {
	var order, history []string
	err := e.Store.View(ctx, func(t *store.Tx) error {
		creds, err := t.Creds()
		if err != nil {
			return err
		}
		hist, err := t.CredHistory(d.Name)
		if err != nil {
			return err
		}
		worked := map[string]bool{}
		for _, r := range hist {
			worked[r.Cred] = r.Worked()
			history = append(history, describeResult(r))
		}
		for _, cr := range store.OrderCreds(d, creds, hist) {
			why := ""
			switch {
			case cr.Name == d.Cred:
				why = " (the device's choice)"
			case worked[cr.Name]:
				why = " (worked here)"
			case cr.Default:
				why = " (default)"
			}
			order = append(order, cr.Name+why)
		}
		if d.Cred != "" && !containsCred(creds, d.Cred) {
			order = append([]string{d.Cred + " (the device's choice, but no such credential)"}, order...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	res.Columns = append(res.Columns, "cred-order", "cred-history")
	res.Rows[0] = append(res.Rows[0], order, history)
	return nil
}

func containsCred(creds []*store.Credential, name string) bool {
	for _, c := range creds {
		if c.Name == name {
			return true
		}
	}
	return false
}

func describeResult(r store.CredResult) string {
	s := fmt.Sprintf("%s: %d ok, %d refused", r.Cred, r.OK, r.Failed)
	if !r.LastOK.IsZero() {
		s += ", last ok " + r.LastOK.Local().Format(time.DateTime)
	}
	if !r.LastFailed.IsZero() {
		s += ", last refused " + r.LastFailed.Local().Format(time.DateTime)
	}
	return s
}
