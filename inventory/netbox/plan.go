package netbox

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"vc/inventory"
	"vc/store"
)

// Plan is what a sync would do, worked out in a transaction that it does
// not change: the same plan serves a dry run and, applied in that same
// transaction, the sync itself.
type Plan struct {
	Source Source
	// Prune says whether Apply removes the devices in Remove.
	Prune bool
	// Create are the devices new to vc, by name.
	Create []*store.Device
	// Update are the devices that change, a rename among the changes.
	Update    []Update
	Unchanged int
	// Remove are the devices vc got from this NetBox that it no longer
	// lists (within the filters of the last sync with the same filters).
	// Apply removes them only with Prune.
	Remove []Removal
	// Kept are devices NetBox no longer lists that a prune leaves in
	// place, and why: other devices or sites use them as a jump host.
	Kept []Kept
	// Skipped are NetBox devices that do not come into vc, and why. A
	// skipped device that vc has already is left as it is, and is not
	// pruned.
	Skipped []Skip
	// Dropped are values of devices that come into vc without them.
	Dropped []Dropped
	// NoDriver are the platforms, after mapping, that vc has no driver
	// for; their devices are in Skipped.
	NoDriver []PlatformFault
	// NewRefs are the sites, roles, platforms and vendors the sync
	// creates, as "site ams1".
	NewRefs []string

	renames    []rename
	fetched    []int64
	generation uint64
}

// Update is one device a sync changes.
type Update struct {
	// Device is its name in vc before the sync.
	Device   string
	NetBoxID int64
	// Rename is its new name, when NetBox renamed it; "" otherwise.
	Rename string
	// Fields are the changes, a rename first, as Field "name".
	Fields []inventory.FieldChange
	// Adopted says the device had no MarkField: it was added by hand or
	// by CSV, and is NetBox's from now on (a later prune may remove it).
	Adopted bool
}

// Removal is a device vc got from NetBox that NetBox no longer lists.
type Removal struct {
	Device   string
	NetBoxID int64
}

// Kept is a device a prune would remove but cannot.
type Kept struct {
	Device   string
	NetBoxID int64
	Reason   error
}

// Skip is a NetBox device that does not come into vc.
type Skip struct {
	NetBoxID int64
	// Name is its name in NetBox; "" if it has none.
	Name   string
	Reason error
}

func (s Skip) String() string {
	if s.Name == "" {
		return fmt.Sprintf("NetBox device id %d: %v", s.NetBoxID, s.Reason)
	}
	return fmt.Sprintf("NetBox device %s (id %d): %v", quoteName(s.Name), s.NetBoxID, s.Reason)
}

// PlatformFault is a platform vc has no driver for, and how many NetBox
// devices name it.
type PlatformFault struct {
	// Slugs are the NetBox platforms that come as Platform.
	Slugs    []string
	Platform string
	Devices  int
	// Err is a *store.NoDriverError.
	Err error
}

type rename struct {
	from, to string
	id       int64
}

// PlanSync works out what bringing snap into vc would change. It only
// reads t. The plan is all or nothing: Apply writes all of it or, failing,
// lets the transaction write none of it.
//
// A NetBox device is matched to the vc device that carries its MarkField,
// so a device renamed in NetBox is renamed in vc; failing that, to the vc
// device of its name, which it adopts if that device has no mark, and
// takes over if the mark names a device this NetBox no longer lists.
func PlanSync(t *store.Tx, snap *Snapshot, o SyncOptions) (*Plan, error) {
	if snap == nil {
		return nil, errors.New("netbox: no snapshot to plan from")
	}
	src := snap.Source
	inst := instanceOf(src.URL)
	platforms, err := platformMaps(t)
	if err != nil {
		return nil, err
	}
	prev, err := readState(t, src)
	if err != nil {
		return nil, err
	}
	devs, err := store.List[store.Device](t)
	if err != nil {
		return nil, err
	}
	s := &planner{
		t: t, o: o, src: src, inst: inst, prev: prev,
		byName:  make(map[string]*store.Device, len(devs)),
		marks:   map[string]mark{},
		byID:    map[int64]*store.Device{},
		fetched: make(map[int64]bool, len(snap.Devices)),
		skipped: map[*want]error{},
		users:   map[string][]store.Ref{},
		p:       &Plan{Source: src, Prune: o.Prune, generation: t.Generation()},
	}
	sites, err := store.List[store.Site](t)
	if err != nil {
		return nil, err
	}
	for _, site := range sites {
		if site.Jump != "" {
			s.users[site.Jump] = append(s.users[site.Jump], store.Ref{Kind: store.KindSite, Name: site.Name, Field: "jump"})
		}
	}
	for _, d := range devs {
		if d.Jump != "" {
			s.users[d.Jump] = append(s.users[d.Jump], store.Ref{Kind: store.KindDevice, Name: d.Name, Field: "jump"})
		}
		s.byName[d.Name] = d
		if m, ok := parseMark(d.Fields[MarkField]); ok {
			s.marks[d.Name] = m
			// Two devices marked alike (a copy made by hand): the first
			// by name is NetBox's, the other is left alone.
			if m.instance == inst && s.byID[m.id] == nil {
				s.byID[m.id] = d
			}
		}
	}
	for _, rd := range snap.Devices {
		s.fetched[rd.ID] = true
		s.p.fetched = append(s.p.fetched, rd.ID)
	}
	slices.Sort(s.p.fetched)

	s.mapAll(snap.Devices, platforms)
	s.match()
	if err := s.finish(len(snap.Devices)); err != nil {
		return nil, err
	}
	return s.p, nil
}

// planner holds what PlanSync works with.
type planner struct {
	t    *store.Tx
	o    SyncOptions
	src  Source
	inst string
	prev *SyncState

	byName  map[string]*store.Device
	marks   map[string]mark
	byID    map[int64]*store.Device
	fetched map[int64]bool

	// users are the records that use each device as jump host, as
	// Tx.Referrers would find them, found once.
	users map[string][]store.Ref

	wants   []*want
	skipped map[*want]error
	// matched is the vc device each want is matched to, by vc name.
	matched map[string]*want
	p       *Plan
}

// mapAll maps every NetBox device, skipping those that cannot come
// whatever vc holds: no name, no address, a duplicate name, a platform
// without a driver.
func (s *planner) mapAll(rds []RemoteDevice, platforms map[string]string) {
	byName := map[string][]*want{}
	for _, rd := range rds {
		w, err := mapDevice(rd, platforms, s.o, s.src)
		if err != nil {
			s.p.Skipped = append(s.p.Skipped, Skip{NetBoxID: rd.ID, Name: rd.Name, Reason: err})
			continue
		}
		s.wants = append(s.wants, w)
		byName[w.dev.Name] = append(byName[w.dev.Name], w)
	}
	for name, ws := range byName {
		if len(ws) < 2 {
			continue
		}
		ids := make([]string, len(ws))
		for i, w := range ws {
			ids[i] = fmt.Sprint(w.rd.ID)
		}
		for _, w := range ws {
			s.skipped[w] = fmt.Errorf("%w: devices %s are all called %s; vc's names are unique, so rename all but one in NetBox", ErrDuplicateName, strings.Join(ids, ", "), name)
		}
	}
	faults := map[string]*PlatformFault{}
	var order []*PlatformFault
	for _, w := range s.wants {
		if s.skipped[w] != nil {
			continue
		}
		pl := w.dev.Platform
		f, seen := faults[pl]
		if !seen {
			if err := s.t.CheckImpliedPlatform(pl); err != nil {
				f = &PlatformFault{Platform: pl, Err: err}
				order = append(order, f)
			}
			faults[pl] = f
		}
		if f != nil {
			f.Devices++
			if !slices.Contains(f.Slugs, w.slug) {
				f.Slugs = append(f.Slugs, w.slug)
			}
			s.skipped[w] = fmt.Errorf("%w; map NetBox's platform %s to a vc platform", f.Err, w.slug)
			continue
		}
		if err := store.Validate(w.dev); err != nil {
			s.skipped[w] = err
		}
	}
	for _, f := range order {
		s.p.NoDriver = append(s.p.NoDriver, *f)
	}
}

// match pairs NetBox devices with vc's, skipping those whose pairing
// fails, until no pairing depends on a device since skipped.
func (s *planner) match() {
	for {
		s.matched = map[string]*want{}
		var live []*want
		for _, w := range s.wants {
			w.old, w.adopted = nil, false
			if s.skipped[w] == nil {
				live = append(live, w)
			}
		}
		for _, w := range live {
			if old := s.byID[w.rd.ID]; old != nil {
				w.old = old
				s.matched[old.Name] = w
			}
		}
		fresh := map[*want]error{}
		for _, w := range live {
			if w.old != nil {
				continue
			}
			occ := s.byName[w.dev.Name]
			if occ == nil || s.matched[occ.Name] != nil {
				// Free, or held by a device NetBox renames away.
				continue
			}
			m, marked := s.marks[occ.Name]
			switch {
			case !marked:
				w.old, w.adopted = occ, true
				s.matched[occ.Name] = w
			case m.instance != s.inst:
				fresh[w] = fmt.Errorf("%w (%s is %s)", ErrOtherInstance, store.FieldPrefix+MarkField, quote(occ.Fields[MarkField]))
			case s.fetched[m.id]:
				fresh[w] = fmt.Errorf("%w: vc's %s is NetBox device %d, which NetBox lists as well", ErrNameTaken, occ.Name, m.id)
			default:
				// NetBox deleted the device and made it anew: the mark
				// moves to the new id, the person's settings stay.
				w.old = occ
				s.matched[occ.Name] = w
			}
		}
		removable := map[string]bool{}
		if s.o.Prune {
			order, _ := s.prunable(s.candidates())
			for _, name := range order {
				removable[name] = true
			}
		}
		for _, w := range live {
			if w.old == nil || fresh[w] != nil {
				continue
			}
			if w.old.Name != w.dev.Name {
				occ := s.byName[w.dev.Name]
				switch m := s.matched[w.dev.Name]; {
				case occ == nil:
				case m != nil && m.dev.Name != occ.Name:
				case removable[occ.Name]:
				default:
					fresh[w] = fmt.Errorf("%w: NetBox renamed %s to %s, and vc's %s is another device", ErrNameTaken, w.old.Name, w.dev.Name, occ.Name)
					continue
				}
			}
			merged, _ := merge(w.old, w)
			if err := store.Validate(merged); err != nil {
				fresh[w] = err
			}
		}
		if len(fresh) == 0 {
			return
		}
		maps.Copy(s.skipped, fresh)
	}
}

// candidates are the devices vc got from this NetBox that NetBox no longer
// lists, by name. With filters, only those the last sync with the same
// filters listed: NetBox lists nothing outside the filters, which says
// nothing of whether it still has them.
func (s *planner) candidates() map[string]*Removal {
	out := map[string]*Removal{}
	for name, m := range s.marks {
		if m.instance != s.inst || s.fetched[m.id] || s.matched[name] != nil {
			continue
		}
		if len(s.src.Filters) > 0 && !s.prev.has(m.id) {
			continue
		}
		out[name] = &Removal{Device: name, NetBoxID: m.id}
	}
	return out
}

// finish turns the matching into the plan.
func (s *planner) finish(listed int) error {
	p := s.p
	for _, w := range s.wants {
		if err := s.skipped[w]; err != nil {
			p.Skipped = append(p.Skipped, Skip{NetBoxID: w.rd.ID, Name: w.rd.Name, Reason: err})
			continue
		}
		p.Dropped = append(p.Dropped, w.dropped...)
		if w.old == nil {
			p.Create = append(p.Create, w.dev)
			continue
		}
		merged, changes := merge(w.old, w)
		if len(changes) == 0 {
			p.Unchanged++
			continue
		}
		u := Update{Device: w.old.Name, NetBoxID: w.rd.ID, Fields: changes, Adopted: w.adopted}
		if merged.Name != w.old.Name {
			u.Rename = merged.Name
			p.renames = append(p.renames, rename{from: w.old.Name, to: merged.Name, id: w.rd.ID})
		}
		p.Update = append(p.Update, u)
	}
	slices.SortFunc(p.Create, func(a, b *store.Device) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(p.Update, func(a, b Update) int { return strings.Compare(a.Device, b.Device) })
	slices.SortFunc(p.Skipped, func(a, b Skip) int { return cmp.Compare(a.NetBoxID, b.NetBoxID) })

	if err := s.removals(); err != nil {
		return err
	}
	if s.o.Prune && listed == 0 && len(p.Remove) > 0 {
		return fmt.Errorf("%w: NetBox listed no devices at all, and the prune would remove all %d vc has from it; check the token's permissions and the filters, or remove them by hand", ErrPruneAll, len(p.Remove))
	}
	return s.newRefs()
}

// removals sorts the candidates into those a prune removes and those it
// must keep: a device another record uses as its jump host stays, unless
// that record goes too. Remove comes in an order Apply can follow: every
// device after those that use it.
func (s *planner) removals() error {
	gone := s.candidates()
	order, kept := s.prunable(gone)
	for _, name := range order {
		s.p.Remove = append(s.p.Remove, *gone[name])
	}
	for _, name := range slices.Sorted(maps.Keys(kept)) {
		s.p.Kept = append(s.p.Kept, Kept{Device: name, NetBoxID: gone[name].NetBoxID,
			Reason: fmt.Errorf("%w: %s uses it as jump host", ErrInUse, strings.Join(kept[name], ", "))})
	}
	return nil
}

// prunable splits gone into the devices a prune can remove, in an order
// that removes each after the devices that use it, and those it must keep,
// with the records that use them.
func (s *planner) prunable(gone map[string]*Removal) (order []string, kept map[string][]string) {
	kept = map[string][]string{}
	left := map[string]bool{}
	for name := range gone {
		left[name] = true
	}
	// Keep what a record staying behind uses, and then what a kept device
	// uses, until nothing more is kept.
	for changed := true; changed; {
		changed = false
		for _, name := range slices.Sorted(maps.Keys(left)) {
			var users []string
			for _, u := range s.users[name] {
				if u.Kind != store.KindDevice || !left[u.Name] {
					users = append(users, fmt.Sprintf("%s %s", u.Kind, u.Name))
				}
			}
			if len(users) > 0 {
				kept[name] = users
				delete(left, name)
				changed = true
			}
		}
	}
	done := map[string]bool{}
	for progress := true; progress; {
		progress = false
		for _, name := range slices.Sorted(maps.Keys(left)) {
			if done[name] {
				continue
			}
			ready := true
			for _, u := range s.users[name] {
				ready = ready && done[u.Name]
			}
			if ready {
				done[name] = true
				order = append(order, name)
				progress = true
			}
		}
	}
	// Devices that jump through each other in a ring: the store removes
	// none of them while another refers to it.
	for name := range left {
		if !done[name] {
			for _, u := range s.users[name] {
				kept[name] = append(kept[name], fmt.Sprintf("%s %s", u.Kind, u.Name))
			}
		}
	}
	return order, kept
}

// newRefs lists the records the sync's devices name that vc does not have.
func (s *planner) newRefs() error {
	seen := map[string]bool{}
	add := func(d *store.Device) {
		for k, name := range store.References(d) {
			key := string(k) + " " + name
			if seen[key] || s.t.Has(k, name) {
				continue
			}
			seen[key] = true
			s.p.NewRefs = append(s.p.NewRefs, key)
		}
	}
	for _, d := range s.p.Create {
		add(d)
	}
	for _, w := range s.wants {
		if s.skipped[w] == nil && w.old != nil {
			merged, _ := merge(w.old, w)
			add(merged)
		}
	}
	slices.Sort(s.p.NewRefs)
	return nil
}

// merge applies what NetBox says of a device to vc's record of it, keeping
// what NetBox does not speak of: port, credential, jump host, host-key
// policy, and the person's own custom fields.
func merge(old *store.Device, w *want) (*store.Device, []inventory.FieldChange) {
	d := *old
	d.Tags = slices.Clone(old.Tags)
	d.Fields = maps.Clone(old.Fields)
	if d.Fields == nil {
		d.Fields = map[string]string{}
	}
	nd := w.dev
	var changes []inventory.FieldChange
	set := func(field, ov, nv string, apply func()) {
		if ov != nv {
			changes = append(changes, inventory.FieldChange{Field: field, Old: ov, New: nv})
			apply()
		}
	}
	set("name", old.Name, nd.Name, func() { d.Name = nd.Name })
	set("ip", old.Address, nd.Address, func() { d.Address = nd.Address })
	set("platform", old.Platform, nd.Platform, func() { d.Platform = nd.Platform })
	set("site", old.Site, nd.Site, func() { d.Site = nd.Site })
	set("role", old.Role, nd.Role, func() { d.Role = nd.Role })
	if nd.Vendor != "" {
		set("vendor", old.Vendor, nd.Vendor, func() { d.Vendor = nd.Vendor })
	}
	set("status", old.Status, nd.Status, func() { d.Status = nd.Status })
	set("tags", strings.Join(old.Tags, ";"), strings.Join(nd.Tags, ";"), func() { d.Tags = slices.Clone(nd.Tags) })
	for _, name := range w.spoken {
		nv := nd.Fields[name]
		set(store.FieldPrefix+name, old.Fields[name], nv, func() {
			if nv == "" {
				delete(d.Fields, name)
			} else {
				d.Fields[name] = nv
			}
		})
	}
	if len(d.Fields) == 0 {
		d.Fields = nil
	}
	return &d, changes
}

// Empty reports whether the sync would change nothing.
func (p *Plan) Empty() bool {
	return len(p.Create) == 0 && len(p.Update) == 0 && len(p.NewRefs) == 0 && (!p.Prune || len(p.Remove) == 0)
}

// Apply carries out the plan in t, the transaction PlanSync read. It
// removes (with Prune), renames, updates and creates, then remembers the
// sync. An error leaves the transaction to be rolled back: nothing of the
// plan is kept.
func (p *Plan) Apply(t *store.Tx) error {
	if !t.Writable() {
		return errors.New("netbox: Apply needs a writable transaction")
	}
	if t.Generation() != p.generation {
		return ErrStalePlan
	}
	if p.Prune {
		if err := p.remove(t); err != nil {
			return err
		}
	}
	if err := p.rename(t); err != nil {
		return err
	}
	for _, u := range p.Update {
		name := u.Device
		if u.Rename != "" {
			name = u.Rename
		}
		// Read the record anew: a rename may have moved other devices'
		// jump hosts, which a copy from planning time would put back.
		d, err := store.Get[store.Device](t, name)
		if err != nil {
			return err
		}
		for _, c := range u.Fields {
			if c.Field == "name" {
				continue
			}
			if err := store.SetAttr(d, c.Field, c.New); err != nil {
				return err
			}
		}
		if err := p.put(t, d); err != nil {
			return err
		}
	}
	for _, d := range p.Create {
		if t.Has(store.KindDevice, d.Name) {
			return fmt.Errorf("device %s: %w", d.Name, store.ErrExists)
		}
		if err := p.put(t, d); err != nil {
			return err
		}
	}
	return writeState(t, SyncState{URL: p.Source.URL, Filters: canonical(p.Source.Filters), Synced: t.Now(), IDs: p.fetched})
}

func (p *Plan) put(t *store.Tx, d *store.Device) error {
	if _, err := store.Ensure(t, d); err != nil {
		return fmt.Errorf("device %s: %w", d.Name, err)
	}
	return store.Put(t, d)
}

// remove prunes in the plan's order, users of a device before it.
func (p *Plan) remove(t *store.Tx) error {
	for _, r := range p.Remove {
		if _, err := t.Remove(store.KindDevice, r.Device, false); err != nil {
			return err
		}
	}
	return nil
}

// rename renames in an order that frees each name before it is taken; a
// cycle (NetBox swapped two names) goes through a free name.
func (p *Plan) rename(t *store.Tx) error {
	pending := slices.Clone(p.renames)
	for len(pending) > 0 {
		var rest []rename
		for _, r := range pending {
			if t.Has(store.KindDevice, r.to) {
				rest = append(rest, r)
				continue
			}
			if err := t.Rename(store.KindDevice, r.from, r.to); err != nil {
				return err
			}
		}
		if len(rest) == len(pending) {
			tmp := fmt.Sprintf("netbox-rename-%d", rest[0].id)
			for i := 2; t.Has(store.KindDevice, tmp); i++ {
				tmp = fmt.Sprintf("netbox-rename-%d-%d", rest[0].id, i)
			}
			if err := t.Rename(store.KindDevice, rest[0].from, tmp); err != nil {
				return err
			}
			rest[0].from = tmp
		}
		pending = rest
	}
	return nil
}

// Summary is one line saying what the plan does.
func (p *Plan) Summary() string {
	renamed := len(p.renames)
	parts := []string{fmt.Sprintf("%d created", len(p.Create))}
	if renamed > 0 {
		parts = append(parts, fmt.Sprintf("%d updated (%d renamed)", len(p.Update), renamed))
	} else {
		parts = append(parts, fmt.Sprintf("%d updated", len(p.Update)))
	}
	parts = append(parts, fmt.Sprintf("%d unchanged", p.Unchanged))
	if len(p.Remove) > 0 {
		if p.Prune {
			parts = append(parts, fmt.Sprintf("%d removed", len(p.Remove)))
		} else {
			parts = append(parts, fmt.Sprintf("%d gone from NetBox (kept; prune removes them)", len(p.Remove)))
		}
	}
	if len(p.Kept) > 0 {
		parts = append(parts, fmt.Sprintf("%d gone from NetBox but in use", len(p.Kept)))
	}
	if len(p.Skipped) > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", len(p.Skipped)))
	}
	if len(p.Dropped) > 0 {
		parts = append(parts, fmt.Sprintf("%d %s dropped", len(p.Dropped), plural("value", len(p.Dropped))))
	}
	if len(p.NewRefs) > 0 {
		parts = append(parts, "new: "+strings.Join(p.NewRefs, ", "))
	}
	return strings.Join(parts, ", ")
}

// quoteName shows a NetBox name as is when vc could store it, quoted
// otherwise (spaces, control characters).
func quoteName(s string) string {
	if store.ValidName(s) == nil {
		return s
	}
	return quote(s)
}
