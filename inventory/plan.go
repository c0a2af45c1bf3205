package inventory

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"vc/store"
)

// Change is one device an import updates: the fields that differ.
type Change struct {
	Device string
	Fields []FieldChange
}

// FieldChange is one field's old and new value.
type FieldChange struct {
	Field, Old, New string
}

// Plan is what importing a file would do.
type Plan struct {
	Create    []*store.Device
	Update    []Change
	Unchanged int
	// NewRefs are the sites, roles, platforms and vendors the import
	// creates, as "site usa".
	NewRefs []string

	updated []*store.Device
	// creators are the devices whose references are new: only they need
	// store.Ensure when the plan is applied.
	creators map[string]bool
}

// Empty reports whether the import changes nothing.
func (p *Plan) Empty() bool {
	return len(p.Create) == 0 && len(p.Update) == 0 && len(p.NewRefs) == 0
}

// PlanImport works out what importing rows would change. It only reads t,
// so it serves --dry-run as well as the import itself. A platform that
// rows would create must pass t.CheckImpliedPlatform; those that do not
// are reported as an *ImportError, once each, at the first row naming it.
func PlanImport(t *store.Tx, rows []Row) (*Plan, error) {
	p := &Plan{creators: map[string]bool{}}
	refs := map[string]bool{}
	// platform -> nil if it may be created, else its fault
	byPlatform := map[string]*platformFault{}
	var faults []*platformFault
	// platform -> its vendor, so 100,000 rows do not decode it 100,000 times
	platformVendor := map[string]string{}
	for _, r := range rows {
		d := r.Device
		old, err := store.Get[store.Device](t, d.Name)
		switch {
		case errors.Is(err, store.ErrNotFound):
			p.Create = append(p.Create, d)
		case err != nil:
			return nil, err
		default:
			merged, changes, err := merge(old, d, r.Set)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", r.Line, err)
			}
			if len(changes) == 0 {
				p.Unchanged++
				continue
			}
			p.updated = append(p.updated, merged)
			p.Update = append(p.Update, Change{Device: d.Name, Fields: changes})
			d = merged
		}
		if d.Vendor == "" && d.Platform != "" {
			v, ok := platformVendor[d.Platform]
			if !ok {
				if pl, err := store.Get[store.Platform](t, d.Platform); err == nil {
					v = pl.Vendor
				}
				platformVendor[d.Platform] = v
			}
			d.Vendor = v
		}
		if d.Platform != "" {
			f, seen := byPlatform[d.Platform]
			if !seen {
				if err := t.CheckImpliedPlatform(d.Platform); err != nil {
					f = &platformFault{row: r, err: err}
					faults = append(faults, f)
				}
				byPlatform[d.Platform] = f
			}
			if f != nil {
				f.rows++
				continue
			}
		}
		for k, name := range store.References(d) {
			key := string(k) + " " + name
			if refs[key] || t.Has(k, name) {
				continue
			}
			refs[key] = true
			p.NewRefs = append(p.NewRefs, key)
			// This device creates the record when the plan is applied.
			p.creators[d.Name] = true
		}
	}
	if len(faults) > 0 {
		ierr := &ImportError{File: rows[0].file}
		for _, f := range faults {
			line, col := f.row.where("platform")
			err := f.err
			if f.rows > 1 {
				err = fmt.Errorf("%w; %d rows name it", err, f.rows)
			}
			ierr.Errors = append(ierr.Errors, &FieldError{Line: line, Column: col, Field: "platform", Err: err})
		}
		return nil, ierr
	}
	slices.Sort(p.NewRefs)
	return p, nil
}

// platformFault is a platform an import cannot create: why, the first row
// that names it, and how many do.
type platformFault struct {
	row  Row
	err  error
	rows int
}

// merge applies the columns a file gave to an existing device, keeping
// everything the file did not speak of.
func merge(old, in *store.Device, set []string) (*store.Device, []FieldChange, error) {
	d := *old
	d.Tags = slices.Clone(old.Tags)
	if old.Fields != nil {
		d.Fields = make(map[string]string, len(old.Fields))
		for k, v := range old.Fields {
			d.Fields[k] = v
		}
	}
	var changes []FieldChange
	for _, key := range set {
		if key == "name" {
			continue
		}
		ov, _ := store.GetAttr(old, key)
		nv, _ := store.GetAttr(in, key)
		if key == "vendor" && nv == "" {
			// An empty vendor cell means "the platform's", not "none".
			continue
		}
		if ov == nv {
			continue
		}
		if err := store.SetAttr(&d, key, nv); err != nil {
			return nil, nil, err
		}
		changes = append(changes, FieldChange{Field: key, Old: ov, New: nv})
	}
	return &d, changes, nil
}

// Apply carries out the plan in t, creating the references it needs.
func (p *Plan) Apply(t *store.Tx) error {
	all := slices.Concat(p.Create, p.updated)
	// bbolt keeps a transaction's new keys in one node until commit;
	// inserting them in key order appends instead of shifting the node,
	// which turns a quadratic import into a linear one.
	slices.SortFunc(all, func(a, b *store.Device) int { return strings.Compare(a.Name, b.Name) })
	for _, d := range all {
		if p.creators[d.Name] {
			if _, err := store.Ensure(t, d); err != nil {
				return fmt.Errorf("device %s: %w", d.Name, err)
			}
		}
		if err := store.Put(t, d); err != nil {
			return err
		}
	}
	return nil
}

// Summary is one line saying what the plan does.
func (p *Plan) Summary() string {
	parts := []string{
		fmt.Sprintf("%d created", len(p.Create)),
		fmt.Sprintf("%d updated", len(p.Update)),
		fmt.Sprintf("%d unchanged", p.Unchanged),
	}
	if len(p.NewRefs) > 0 {
		parts = append(parts, fmt.Sprintf("new: %s", strings.Join(p.NewRefs, ", ")))
	}
	return strings.Join(parts, ", ")
}
